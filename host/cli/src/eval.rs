//! `mizuchi eval`: run packs against an evidence bundle.

use crate::Say;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mizuchi::{Bundle, EvalOptions, Limits, Outcome, ParamOverride, Recorder, SecretKey, evaluate};
use mizuchi_evidence::Date;
use mizuchi_ledger::ledger;

use crate::render;

use crate::pack::Selection;
use crate::{Failure, Format, Global, today};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    packs: Selection,
    /// The evidence bundle (a directory with `manifest.json`).
    #[arg(long, value_name = "BUNDLE")]
    evidence: PathBuf,
    /// Assessment date (YYYY-MM-DD) [default: the bundle's assessment date].
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    /// Run only this rule (repeatable) [default: every rule of the packs].
    #[arg(long = "rule", value_name = "RULE")]
    rules: Vec<String>,
    /// Tailor a rule parameter, e.g. `MLIT-BAK-01.backup_max_age_days=30`. Repeatable.
    #[arg(long = "param", value_name = "RULE.KEY=VALUE")]
    params: Vec<ParamOverride>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Outcomes that make the exit status 1.
    #[arg(
        long,
        value_name = "OUTCOMES",
        value_delimiter = ',',
        default_value = "fail,error"
    )]
    fail_on: Vec<Outcome>,
    /// Fuel every rule run starts with.
    #[arg(long, value_name = "UNITS")]
    fuel: Option<u64>,
    /// Memory cap per rule run, in MiB.
    #[arg(long, value_name = "MIB")]
    memory_mib: Option<usize>,
    /// Append the signed results of this run to a ledger (created if missing).
    #[arg(long, value_name = "FILE", requires = "key")]
    ledger: Option<PathBuf>,
    /// The private key that signs the results (`mizuchi key generate`).
    #[arg(long, value_name = "FILE", requires = "ledger")]
    key: Option<PathBuf>,
    /// Reuse the signed result of every rule of the ledger's last run whose
    /// inputs are unchanged (rule, module, pack, parameters, date, host and
    /// the digests of the evidence files it reads): those rules are not run
    /// and the logs only they read are not read. The new run's header names
    /// the entries it reuses.
    #[arg(long, requires = "ledger")]
    incremental: bool,
}

#[allow(clippy::print_stderr)]
pub(crate) fn run(global: &Global, args: Args) -> Result<(), Failure> {
    let mut limits = Limits::default();
    if let Some(f) = args.fuel {
        limits.fuel = f;
    }
    if let Some(m) = args.memory_mib {
        limits.memory = m << 20;
    }
    let runtime = global.runtime(limits)?;
    // Open the ledger and the key first: a run that cannot be recorded is not started.
    let recording = match (&args.ledger, &args.key) {
        (Some(l), Some(k)) => {
            let key = SecretKey::read(k)?;
            Some((l.clone(), Recorder::open(l, &key)?))
        }
        _ => None,
    };
    let packs = args.packs.load(global, &runtime, Some(today()))?;
    let reuse = match &recording {
        Some((_, recorder)) if args.incremental => Some(recorder.previous()?),
        _ => None,
    };
    // The logs the rules read are parsed once, while the bundle is verified.
    // Incrementally, a log is read when a rule that is run asks for it: the
    // logs only reused results read are not read at all.
    let sections = match reuse {
        Some(_) => Vec::new(),
        None => packs.sections(&args.rules),
    };
    let bundle = Arc::new(Bundle::open_reading(&args.evidence, &sections).say(|| {
        let b = args.evidence.display();
        (
            format!("証跡バンドル `{b}` を使えません"),
            format!("cannot use the evidence bundle `{b}`"),
        )
    })?);
    let total: usize = if args.rules.is_empty() {
        packs
            .packs()
            .iter()
            .flat_map(|p| p.modules())
            .map(|m| m.rules().len().max(1))
            .sum()
    } else {
        args.rules.len()
    };
    let bar = if global.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} rules {wide_bar} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let options = EvalOptions {
        as_of: args.as_of,
        params: args.params,
        rules: args.rules,
        reuse,
    };
    let evaluation = evaluate(&runtime, &packs, Arc::clone(&bundle), &options, &|r| {
        bar.set_message(r.rule.clone());
        bar.inc(1);
    })?;
    bar.finish_and_clear();
    if let Some((path, mut recorder)) = recording {
        let r = recorder.record(&evaluation)?;
        if !global.quiet && args.incremental {
            let reused = evaluation.reused();
            let from: std::collections::BTreeSet<&str> = reused.iter().map(|u| u.run()).collect();
            let from = from.into_iter().collect::<Vec<_>>().join(", ");
            let ran = evaluation.report().results.len() - reused.len();
            let (ja, en) = if reused.is_empty() {
                (
                    format!("再利用できる前回の結果はなく、{ran}件のルールをすべて評価しました"),
                    format!(
                        "no result of an earlier run could be reused; evaluated all {ran} rules"
                    ),
                )
            } else {
                (
                    format!(
                        "{}件の結果を前回までの実行（{from}）から再利用し、{ran}件のルールを評価しました",
                        reused.len()
                    ),
                    format!(
                        "reused {} results of earlier runs ({from}) and evaluated {ran} rules",
                        reused.len()
                    ),
                )
            };
            eprintln!("{}", global.lang.pick(&ja, &en));
        }
        if !global.quiet {
            let (last, checkpoint) = (r.first + r.entries - 1, ledger::checkpoint_path(&path));
            let ja = format!(
                "{} を `{}` の項目 {}..{last} に記録しました。{} 項目のチェックポイントは `{}` にあります",
                r.run,
                path.display(),
                r.first,
                r.acknowledged,
                checkpoint.display()
            );
            let en = format!(
                "recorded {} as entries {}..{last} of `{}`; checkpoint of {} entries in `{}`",
                r.run,
                r.first,
                path.display(),
                r.acknowledged,
                checkpoint.display()
            );
            eprintln!("{}", global.lang.pick(&ja, &en));
        }
    }
    let report = evaluation.report();
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(report)? + "\n",
        Format::Text => render::report_text(report, global.lang, &render::Term::stdout()),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    if report.any(&args.fail_on) {
        return Err(Failure::Findings);
    }
    Ok(())
}
