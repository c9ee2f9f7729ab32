//! `mizuchi rules`: what the rules of packs declare.

use std::io::Write;

use mizuchi::Limits;

use crate::render;

use crate::pack::Selection;
use crate::{Failure, Format, Global, today};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    packs: Selection,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub(crate) fn run(global: &Global, args: Args) -> Result<(), Failure> {
    let runtime = global.runtime(Limits::default())?;
    let packs = args.packs.load(global, &runtime, Some(today()))?;
    let text = match args.format {
        Format::Text => render::rules_text(&packs, global.lang),
        Format::Json => {
            let rules: Vec<serde_json::Value> = packs
                .rules()
                .map(|(p, m, r)| {
                    let mut v = serde_json::to_value(r).unwrap_or_default();
                    v["pack"] = p.name().to_owned().into();
                    v["module"] = m.name().to_owned().into();
                    v
                })
                .collect();
            let infos: Vec<_> = packs.packs().iter().map(|p| p.info()).collect();
            let out = serde_json::json!({ "packs": infos, "rules": rules });
            serde_json::to_string_pretty(&out)? + "\n"
        }
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
