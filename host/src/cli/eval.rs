//! `mizuchi eval`: run a pack against an evidence bundle.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mizuchi_evidence::Date;
use mizuchi_host::{Bundle, EvalOptions, Limits, Outcome, Pack, ParamOverride, evaluate, render};

use super::{Failure, Format, Global, LangArg};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The rule pack (a directory of rule components).
    #[arg(long, value_name = "PACK")]
    pack: PathBuf,
    /// The evidence bundle (a directory with `manifest.json`).
    #[arg(long, value_name = "BUNDLE")]
    evidence: PathBuf,
    /// Assessment date (YYYY-MM-DD) [default: the bundle's assessment date].
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    /// Tailor a rule parameter, e.g. `MLIT-BAK-01.backup_max_age_days=30`. Repeatable.
    #[arg(long = "param", value_name = "RULE.KEY=VALUE")]
    params: Vec<ParamOverride>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[arg(long, value_enum, default_value = "ja")]
    lang: LangArg,
    /// Worker threads [default: every core].
    #[arg(long, value_name = "N", default_value_t = 0)]
    jobs: usize,
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
}

pub(crate) fn run(global: &Global, args: Args) -> Result<(), Failure> {
    let mut limits = Limits::default();
    if let Some(f) = args.fuel {
        limits.fuel = f;
    }
    if let Some(m) = args.memory_mib {
        limits.memory = m << 20;
    }
    let runtime = global.runtime(limits)?;
    let bundle = Bundle::open(&args.evidence).with_context(|| {
        format!(
            "cannot use the evidence bundle `{}`",
            args.evidence.display()
        )
    })?;
    let pack = Pack::load_dir(&runtime, &args.pack)
        .with_context(|| format!("cannot load the pack `{}`", args.pack.display()))?;
    let total: usize = pack.modules.iter().map(|m| m.rules().len().max(1)).sum();
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
        jobs: args.jobs,
    };
    let report = evaluate(&runtime, &pack, Arc::new(bundle), &options, &|r| {
        bar.set_message(r.rule.clone());
        bar.inc(1);
    })?;
    bar.finish_and_clear();
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Text => render::report_text(&report, args.lang.into()),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    if report.any(&args.fail_on) {
        return Err(Failure::Findings);
    }
    Ok(())
}
