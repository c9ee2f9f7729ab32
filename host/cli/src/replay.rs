//! `mizuchi replay`: re-run a recorded run and compare the signed bytes.

use crate::Say;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use mizuchi::{Bundle, Difference, Limits, PublicKey};

use crate::pack::Selection;
use crate::{Failure, Format, Global};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    ledger: PathBuf,
    /// The run to replay (see `mizuchi ledger show`).
    #[arg(long)]
    run: String,
    /// Public keys whose signatures are trusted (PEM): the ledger is verified
    /// with them before anything is compared. Repeatable.
    #[arg(long = "trust", value_name = "KEY", required = true)]
    trust: Vec<PathBuf>,
    #[command(flatten)]
    packs: Selection,
    #[arg(long, value_name = "BUNDLE")]
    evidence: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub(crate) fn run(global: &Global, args: Args) -> Result<(), Failure> {
    let keys = args
        .trust
        .iter()
        .map(|k| PublicKey::read(k))
        .collect::<Result<Vec<_>, _>>()?;
    let runtime = global.runtime(Limits::default())?;
    // A pack that has expired since the run may still replay it.
    let packs = args.packs.load(global, &runtime, None)?;
    let bundle = Bundle::open_reading(&args.evidence, &packs.sections(&[])).say(|| {
        let b = args.evidence.display();
        (
            format!("証跡バンドル `{b}` を使えません"),
            format!("cannot use the evidence bundle `{b}`"),
        )
    })?;
    let r = mizuchi::replay(
        &runtime,
        &args.ledger,
        &keys,
        &args.run,
        &packs,
        Arc::new(bundle),
    )?;
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&r)? + "\n",
        Format::Text => {
            let same = r.rules.iter().filter(|x| x.identical).count();
            let mut s = format!(
                "{}: {same} of {} results identical byte for byte\n",
                r.run,
                r.rules.len()
            );
            if !r.header_identical {
                s.push_str("the run header differs (pack or evidence digest)\n");
            }
            for x in r.rules.iter().filter(|x| !x.identical) {
                for d in &x.differences {
                    let why = match d {
                        Difference::RuleChanged { recorded, replayed } => {
                            format!("the rule changed: recorded {recorded}, now {replayed}")
                        }
                        Difference::EvidenceChanged { subjects } => {
                            format!("the evidence changed: {}", subjects.join(", "))
                        }
                        Difference::HostChanged { recorded, replayed } => {
                            format!("the host changed: recorded {recorded}, now {replayed}")
                        }
                        Difference::Missing { recorded: true } => {
                            "recorded, but not in this pack".into()
                        }
                        Difference::Missing { recorded: false } => {
                            "in this pack, but not recorded".into()
                        }
                        Difference::ResultChanged => {
                            "same rule, evidence and host, different result".into()
                        }
                        _ => "different".into(),
                    };
                    s.push_str(&format!("{}: {why}\n", x.rule));
                }
            }
            s
        }
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    if !r.identical() {
        return Err(Failure::Findings);
    }
    Ok(())
}
