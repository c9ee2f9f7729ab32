//! `mizuchi ledger`: verify, list, prove and repair ledgers of signed results.

use crate::Say;
use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;
use mizuchi::PublicKey;
use mizuchi_ledger::ledger::{self, Checkpoint};
use mizuchi_ledger::merkle;

use crate::{Failure, Format, Global};

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check every signature, the chain, the runs, and the Merkle root against
    /// the ledger's checkpoint and any earlier checkpoints you kept.
    Verify {
        ledger: PathBuf,
        /// Public keys whose signatures are trusted (PEM). Repeatable.
        #[arg(long = "trust", value_name = "KEY", required = true)]
        trust: Vec<PathBuf>,
        /// An earlier checkpoint to check the ledger against. Repeatable.
        #[arg(long = "checkpoint", value_name = "FILE")]
        checkpoints: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// List the runs of a ledger and their outcomes (read without checking
    /// signatures: `verify` does that).
    Show {
        ledger: PathBuf,
        /// Show this run alone, with each rule's outcome.
        #[arg(long)]
        run: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Print the inclusion proof of an entry against a checkpoint.
    Proof {
        ledger: PathBuf,
        #[arg(long, value_name = "N")]
        entry: u64,
        /// The checkpoint to prove against [default: the ledger's own].
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
    },
    /// Remove what an interrupted write left: a torn last line, entries past
    /// the checkpoint. The checkpoint must be signed by the ledger's key.
    Repair {
        ledger: PathBuf,
        /// The ledger's public key (or its private key file), which must have
        /// signed the checkpoint. Repeatable.
        #[arg(long = "trust", value_name = "KEY", required = true)]
        trust: Vec<PathBuf>,
    },
    /// Send the regulator's hub what it lacks of the ledger: the entries its
    /// checkpoint covers after those the hub holds, the checkpoint, and the
    /// proof that the ledger extends what the hub accepted before.
    Push {
        ledger: PathBuf,
        /// The hub, e.g. `https://hub.example.go.jp`.
        #[arg(long, value_name = "URL")]
        hub: String,
        /// The utility id the hub knows the ledger by [default: the one its
        /// checkpoint names].
        #[arg(long, value_name = "ID")]
        utility: Option<String>,
    },
}

fn out(text: &str) -> anyhow::Result<()> {
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

pub(crate) fn run(global: &Global, command: Command) -> Result<(), Failure> {
    match command {
        Command::Push {
            ledger,
            hub,
            utility,
        } => {
            let utility = match utility {
                Some(u) => u,
                None => {
                    let c = mizuchi_ledger::ledger::read_checkpoint(
                        &mizuchi_ledger::ledger::checkpoint_path(&ledger),
                    )?;
                    c.origin
                        .strip_prefix("mizuchi.results/")
                        .map(str::to_owned)
                        .ok_or_else(|| {
                            anyhow::anyhow!(
                                "the ledger's checkpoint names `{}`, not a utility; pass --utility",
                                c.origin
                            )
                        })?
                }
            };
            let receipt = mizuchi_hub::client::push_ledger(&hub, &utility, &ledger)
                .map_err(anyhow::Error::from)?;
            let text = crate::render::t(
                global.lang,
                &format!(
                    "ハブに {} 件を送り、受理されました（ハブの保有 {} 件）\n",
                    receipt.accepted, receipt.size
                ),
                &format!(
                    "the hub accepted {} entries; it holds {}\n",
                    receipt.accepted, receipt.size
                ),
            );
            out(&text)?;
            for f in &receipt.flags {
                out(&format!("flag: {f}\n"))?;
            }
            Ok(())
        }
        Command::Verify {
            ledger,
            trust,
            checkpoints,
            format,
        } => {
            let keys = trust
                .iter()
                .map(|k| PublicKey::read(k))
                .collect::<Result<Vec<_>, _>>()?;
            let earlier = checkpoints
                .iter()
                .map(|p| ledger::read_checkpoint(p).map(|c| (p.display().to_string(), c)))
                .collect::<Result<Vec<_>, _>>()?;
            let v = ledger::verify(&ledger, &keys, &earlier).say(|| {
                (
                    format!("`{}` を検証できません", ledger.display()),
                    format!("cannot verify `{}`", ledger.display()),
                )
            })?;
            match format {
                Format::Json => out(&(serde_json::to_string_pretty(&v)? + "\n"))?,
                Format::Text => {
                    let plural = |n: u64, one: &str, many: &str| {
                        if n == 1 {
                            format!("1 {one}")
                        } else {
                            format!("{n} {many}")
                        }
                    };
                    let mut s = format!(
                        "{}: {}, {}, root {}\n",
                        ledger.display(),
                        plural(v.entries, "entry", "entries"),
                        plural(v.runs, "run", "runs"),
                        v.root
                    );
                    for c in &v.checkpoints {
                        s.push_str(&format!(
                            "checkpoint {} (size {}): {}\n",
                            c.source,
                            c.size,
                            if c.ok {
                                c.message.clone()
                            } else {
                                format!("FAILED: {}", c.message)
                            }
                        ));
                    }
                    if let Some((i, why)) = &v.first_bad {
                        s.push_str(&format!("FAILED: entry {i} {why}\n"));
                    }
                    if let Some(p) = &v.pending {
                        s.push_str(&format!("not yet acknowledged: {p}\n"));
                    }
                    if v.ok() {
                        if v.acknowledged == 0 {
                            s.push_str("verified: the ledger is empty, as its signed checkpoint of size 0 says\n");
                        } else if v.acknowledged == v.entries && v.pending.is_none() {
                            s.push_str("verified: every entry is signed by a trusted key, chained, and covered by a signed checkpoint\n");
                        } else {
                            s.push_str(&format!(
                                "verified: the {} acknowledged entries are signed by a trusted key, chained, and covered by a signed checkpoint\n",
                                v.acknowledged
                            ));
                        }
                    }
                    out(&s)?;
                }
            }
            if !v.ok() {
                return Err(Failure::Findings);
            }
            Ok(())
        }
        Command::Show {
            ledger,
            run,
            format,
        } => {
            let mut runs = ledger::runs(&ledger).say(|| {
                (
                    format!("`{}` を読めません", ledger.display()),
                    format!("cannot read `{}`", ledger.display()),
                )
            })?;
            if let Some(id) = &run {
                runs.retain(|r| &r.run == id);
                if runs.is_empty() {
                    return Err(crate::said(
                        format!(
                            "`{}` に実行 `{id}` はありません。`mizuchi ledger show {}` で一覧を見られます",
                            ledger.display(),
                            ledger.display()
                        ),
                        format!(
                            "`{}` holds no run `{id}`; `mizuchi ledger show {}` lists its runs",
                            ledger.display(),
                            ledger.display()
                        ),
                    )
                    .into());
                }
            }
            match format {
                Format::Json => out(&(serde_json::to_string_pretty(&runs)? + "\n"))?,
                Format::Text => {
                    let mut s = String::new();
                    for r in &runs {
                        let counts: Vec<String> = r
                            .outcomes
                            .iter()
                            .map(|(o, n)| format!("{} {n}", o.as_str()))
                            .collect();
                        let packs: Vec<String> = r
                            .packs
                            .iter()
                            .map(|p| {
                                format!(
                                    "{} {}{}",
                                    p.name,
                                    p.version,
                                    if p.unsigned { " (UNSIGNED)" } else { "" }
                                )
                            })
                            .collect();
                        s.push_str(&format!(
                            "{}  entry {}  {}  as of {}  {}  {}\n",
                            r.run,
                            r.index,
                            r.utility_id,
                            r.as_of,
                            packs.join(", "),
                            counts.join(", ")
                        ));
                        if r.reused > 0 {
                            let (ja, en) = (
                                format!(
                                    "  {}件の結果のうち{}件は前回までの実行から再利用 (eval --incremental)\n",
                                    r.rules.len(),
                                    r.reused
                                ),
                                format!(
                                    "  {} of {} results reused from earlier runs (eval --incremental)\n",
                                    r.reused,
                                    r.rules.len()
                                ),
                            );
                            s.push_str(global.lang.pick(&ja, &en));
                        }
                        if !r.overrides.is_empty() {
                            let set: Vec<String> = r
                                .overrides
                                .iter()
                                .map(|(k, v)| format!("{k}={v}"))
                                .collect();
                            s.push_str(&format!("  overrides: {}\n", set.join(", ")));
                        }
                        if run.is_some() {
                            for rule in &r.rules {
                                let line = format!(
                                    "  {:<12} {:<22} {}",
                                    rule.rule,
                                    rule.outcome.as_str(),
                                    if rule.failed > 0 {
                                        format!("{} failed", rule.failed)
                                    } else {
                                        String::new()
                                    }
                                );
                                s.push_str(line.trim_end());
                                s.push('\n');
                            }
                        }
                    }
                    out(&s)?;
                }
            }
            Ok(())
        }
        Command::Proof {
            ledger,
            entry,
            checkpoint,
        } => {
            let path = checkpoint.unwrap_or_else(|| ledger::checkpoint_path(&ledger));
            let c: Checkpoint = ledger::read_checkpoint(&path)?;
            let p = ledger::inclusion_proof(&ledger, entry, &c)?;
            // Check the proof we hand out.
            let hashes: Vec<merkle::Hash> = p
                .proof
                .iter()
                .filter_map(|h| hex::decode(h).ok().and_then(|b| b.try_into().ok()))
                .collect();
            let leaf: merkle::Hash = hex::decode(&p.leaf_hash)
                .ok()
                .and_then(|b| b.try_into().ok())
                .unwrap_or_default();
            if !merkle::verify_inclusion(&leaf, p.index, p.tree_size, &hashes, &c.root) {
                return Err(anyhow::anyhow!(
                    "the proof does not verify; run `mizuchi ledger verify`"
                )
                .into());
            }
            out(&(serde_json::to_string_pretty(&p)? + "\n"))?;
            Ok(())
        }
        Command::Repair { ledger, trust } => {
            let keys = trust
                .iter()
                .map(|k| PublicKey::read(k))
                .collect::<Result<Vec<_>, _>>()?;
            let r = ledger::repair(&ledger, &keys)?;
            let text = match &r.saved_to {
                None => format!("{}: nothing to repair\n", ledger.display()),
                Some(saved) => format!(
                    "{}: removed {} bytes ({} entries no checkpoint covered); they are kept in {}\n",
                    ledger.display(),
                    r.removed,
                    r.entries,
                    saved.display()
                ),
            };
            out(&text)?;
            Ok(())
        }
    }
}
