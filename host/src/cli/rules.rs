//! `mizuchi rules`: what a pack's rules declare.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use mizuchi_host::{Limits, Pack, render};

use super::{Failure, Format, Global, LangArg};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The rule pack (a directory of rule components).
    #[arg(long, value_name = "PACK")]
    pack: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[arg(long, value_enum, default_value = "ja")]
    lang: LangArg,
}

pub(crate) fn run(global: &Global, args: Args) -> Result<(), Failure> {
    let runtime = global.runtime(Limits::default())?;
    let pack = Pack::load_dir(&runtime, &args.pack)
        .with_context(|| format!("cannot load the pack `{}`", args.pack.display()))?;
    let text = match args.format {
        Format::Text => render::rules_text(&pack, args.lang.into()),
        Format::Json => {
            let rules: Vec<serde_json::Value> = pack
                .rules()
                .map(|(m, r)| {
                    let mut v = serde_json::to_value(r).unwrap_or_default();
                    v["module"] = m.name.clone().into();
                    v
                })
                .collect();
            let out = serde_json::json!({ "pack": pack.info(), "rules": rules });
            serde_json::to_string_pretty(&out)? + "\n"
        }
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
