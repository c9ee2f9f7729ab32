//! `mizuchi trust`: the publishers whose packs this machine runs.

use crate::Say;
use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use mizuchi::{PublicKey, SecretKey};
use mizuchi::{Publisher, Rotation, TrustStore};
use mizuchi_ledger::dsse::Envelope;

use crate::{Failure, Global};

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Trust a new publisher: its keys, threshold and rule-id namespaces.
    Add {
        /// The publisher's name, as its packs' manifests give it (e.g. `MLIT`).
        #[arg(long)]
        name: String,
        /// A public key file (PEM). Repeatable.
        #[arg(long = "key", value_name = "FILE", required = true)]
        keys: Vec<PathBuf>,
        /// A rule-id prefix the publisher may sign, e.g. `MLIT-` or `MLIT-*`. Repeatable.
        #[arg(long = "namespace", value_name = "PREFIX", required = true)]
        namespaces: Vec<String>,
        /// How many distinct keys must sign a pack.
        #[arg(long, default_value_t = 1)]
        threshold: u32,
    },
    /// Show the trusted publishers.
    Show,
    /// Write a key rotation: a publisher's new key set, signed by its current keys.
    Rotate {
        #[arg(long)]
        publisher: String,
        /// A public key of the new set. Repeatable.
        #[arg(long = "key", value_name = "FILE", required = true)]
        keys: Vec<PathBuf>,
        #[arg(long, default_value_t = 1)]
        threshold: u32,
        /// A current private key that vouches for the new set. Repeatable.
        #[arg(long = "sign-with", value_name = "FILE", required = true)]
        sign_with: Vec<PathBuf>,
        /// Where to write the rotation.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Apply a rotation signed by a threshold of the publisher's current keys.
    Apply { rotation: PathBuf },
}

fn public_pem(path: &std::path::Path) -> anyhow::Result<String> {
    Ok(PublicKey::read(path)?.to_pem())
}

#[allow(clippy::print_stderr)]
pub(crate) fn run(global: &Global, command: Command) -> Result<(), Failure> {
    let path = global.trust_path()?;
    let mut store = TrustStore::load(&path)?;
    match command {
        Command::Add {
            name,
            keys,
            namespaces,
            threshold,
        } => {
            if store.publisher(&name).is_some() {
                return Err(anyhow::anyhow!(
                    "publisher `{name}` is already trusted; its keys change only by a rotation its current keys sign (`mizuchi trust rotate`, then `mizuchi trust apply`)"
                )
                .into());
            }
            let keys = keys
                .iter()
                .map(|k| public_pem(k))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let namespaces = namespaces
                .into_iter()
                .map(|n| n.trim_end_matches('*').to_owned())
                .collect::<Vec<_>>();
            if namespaces.iter().any(String::is_empty) {
                return Err(anyhow::anyhow!(
                    "an empty namespace would let `{name}` sign every rule; give a prefix such as `ACME-`"
                )
                .into());
            }
            store.add(Publisher {
                name: name.clone(),
                keys,
                threshold,
                namespaces: namespaces.clone(),
            })?;
            store.save(&path)?;
            writeln!(
                std::io::stdout(),
                "trusted publisher {name} for {} (threshold {threshold}) in `{}`",
                namespaces
                    .iter()
                    .map(|n| format!("{n}*"))
                    .collect::<Vec<_>>()
                    .join(", "),
                path.display()
            )?;
            Ok(())
        }
        Command::Show => {
            let mut s = String::new();
            if store.publishers.is_empty() {
                s.push_str(&format!(
                    "no publisher is trusted in `{}`; add one with `mizuchi trust add`\n",
                    path.display()
                ));
            }
            for p in &store.publishers {
                s.push_str(&format!(
                    "{}: namespaces {}, threshold {} of {}\n",
                    p.name,
                    p.namespaces
                        .iter()
                        .map(|n| format!("{n}*"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    p.threshold,
                    p.keys.len()
                ));
                for k in &p.keys {
                    let id = PublicKey::from_pem(k)
                        .map(|k| k.key_id())
                        .unwrap_or_else(|e| format!("(unreadable: {e})"));
                    s.push_str(&format!("  key {id}\n"));
                }
            }
            std::io::stdout().lock().write_all(s.as_bytes())?;
            Ok(())
        }
        Command::Rotate {
            publisher,
            keys,
            threshold,
            sign_with,
            out,
        } => {
            let rotation = Rotation {
                publisher,
                keys: keys
                    .iter()
                    .map(|k| public_pem(k))
                    .collect::<anyhow::Result<_>>()?,
                threshold,
            };
            let mut signers = sign_with.iter();
            let first = signers
                .next()
                .map(|k| SecretKey::read(k))
                .transpose()?
                .ok_or_else(|| {
                    crate::said(
                        "--sign-with で現在の鍵を指定してください",
                        "name a current key with --sign-with",
                    )
                })?;
            let mut envelope = TrustStore::rotation(&rotation, &first)?;
            for k in signers {
                envelope
                    .add_signature(&SecretKey::read(k)?)
                    .map_err(anyhow::Error::msg)?;
            }
            let json = serde_json::to_vec_pretty(&envelope)?;
            std::fs::write(&out, json).say(|| {
                (
                    format!("`{}` に書き込めません", out.display()),
                    format!("cannot write `{}`", out.display()),
                )
            })?;
            if !global.quiet {
                eprintln!(
                    "wrote the rotation for `{}` to `{}`; apply it with `mizuchi trust apply`",
                    rotation.publisher,
                    out.display()
                );
            }
            Ok(())
        }
        Command::Apply { rotation } => {
            let bytes = mizuchi_ledger::files::read(&rotation).say(|| {
                (
                    format!("`{}` を読めません", rotation.display()),
                    format!("cannot read `{}`", rotation.display()),
                )
            })?;
            let envelope: Envelope = serde_json::from_slice(&bytes).say(|| {
                (
                    format!(
                        "`{}` は署名された鍵の切り替えではありません",
                        rotation.display()
                    ),
                    format!("`{}` is not a signed rotation", rotation.display()),
                )
            })?;
            let r = store.apply(&envelope).say(|| {
                (
                    format!("`{}` は適用されませんでした", rotation.display()),
                    format!("`{}` was not applied", rotation.display()),
                )
            })?;
            store.save(&path)?;
            writeln!(
                std::io::stdout(),
                "publisher {} now has {} key(s), threshold {}",
                r.publisher,
                r.keys.len(),
                r.threshold
            )?;
            Ok(())
        }
    }
}
