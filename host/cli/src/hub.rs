//! `mizuchi hub`: what a regulator does at its hub from the command line.
//! The hub itself is the `mizuchi-hub` binary.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use mizuchi_evidence::Text;
use mizuchi_hub::wire::{ENROLMENT_TYPE, Enrolment, POLICY_TYPE, PolicyDoc};
use mizuchi_ledger::dsse::Envelope;
use mizuchi_ledger::keys::{PublicKey, SecretKey};

use crate::{Failure, Global};

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Enrol a utility at the hub: its id, name and ledger key, signed with
    /// a regulator key the hub was started with.
    Enrol {
        /// The hub, e.g. `https://hub.example.go.jp`.
        #[arg(long, value_name = "URL")]
        hub: String,
        /// The utility's id, as its evidence bundles give it.
        #[arg(long, value_name = "ID")]
        utility: String,
        /// Its name in Japanese.
        #[arg(long, value_name = "NAME")]
        name_ja: String,
        /// Its name in English.
        #[arg(long, value_name = "NAME")]
        name_en: String,
        /// The public key its ledger is signed with (PEM).
        #[arg(long, value_name = "FILE")]
        utility_key: PathBuf,
        /// The regulator's private key.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
    },
    /// Put a policy in force at the hub, signed with a regulator key: runs
    /// pushed after it are flagged when they break it.
    Policy {
        /// The hub, e.g. `https://hub.example.go.jp`.
        #[arg(long, value_name = "URL")]
        hub: String,
        /// A publisher every run's packs must come from. Repeatable; none:
        /// any publisher the utility trusts.
        #[arg(long = "require-publisher", value_name = "NAME")]
        required_publishers: Vec<String>,
        /// The regulator's private key.
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
    },
}

pub(crate) fn run(global: &Global, command: Command) -> Result<(), Failure> {
    match command {
        Command::Enrol {
            hub,
            utility,
            name_ja,
            name_en,
            utility_key,
            key,
        } => enrol(
            global,
            &hub,
            utility,
            Text::new(name_ja, name_en),
            &utility_key,
            &key,
        ),
        Command::Policy {
            hub,
            required_publishers,
            key,
        } => policy(global, &hub, required_publishers, &key),
    }
}

/// Signs and sends the enrolment.
fn enrol(
    global: &Global,
    hub: &str,
    utility: String,
    name: Text,
    utility_key: &std::path::Path,
    key: &std::path::Path,
) -> Result<(), Failure> {
    let public = PublicKey::read(utility_key).map_err(anyhow::Error::from)?;
    let regulator = SecretKey::read(key).map_err(anyhow::Error::from)?;
    let enrolment = Enrolment {
        utility: utility.clone(),
        name,
        key: public.to_pem(),
    };
    let payload = serde_json::to_vec(&enrolment)?;
    let envelope = Envelope::sign(ENROLMENT_TYPE, &payload, &regulator);
    mizuchi_hub::client::enrol(hub, &envelope).map_err(anyhow::Error::from)?;
    let text = crate::render::t(
        global.lang,
        &format!(
            "事業者 {utility} をハブに登録しました（鍵 {}）\n",
            &public.key_id()[..16]
        ),
        &format!(
            "enrolled utility {utility} at the hub (key {})\n",
            &public.key_id()[..16]
        ),
    );
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

/// Signs and sends the policy.
fn policy(
    global: &Global,
    hub: &str,
    required_publishers: Vec<String>,
    key: &std::path::Path,
) -> Result<(), Failure> {
    let regulator = SecretKey::read(key).map_err(anyhow::Error::from)?;
    let doc = PolicyDoc {
        required_publishers,
    };
    let envelope = Envelope::sign(POLICY_TYPE, &serde_json::to_vec(&doc)?, &regulator);
    let now = mizuchi_hub::client::set_policy(hub, &envelope).map_err(anyhow::Error::from)?;
    let list = if now.required_publishers.is_empty() {
        crate::render::t(global.lang, "指定なし", "any")
    } else {
        now.required_publishers.join(", ")
    };
    let text = crate::render::t(
        global.lang,
        &format!("ハブのポリシーを更新しました（必須の発行者: {list}）\n"),
        &format!("the hub's policy is in force (required publishers: {list})\n"),
    );
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
