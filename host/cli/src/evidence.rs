//! `mizuchi evidence`: validate, summarise, import, create and generate evidence bundles.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::render::Lang;
use anyhow::Context;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mizuchi::{
    BundleWriter, ImportKind, ImportOptions, Severity, SynthOptions, evidence_schemas, import,
    parse_offset, summarize, synth, validate, write_archive,
};
use mizuchi_evidence::{Date, Text, Utility};

use crate::{Failure, Format, Global, LangArg};

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check a bundle: manifest, digests, schemas, references, every log line.
    Validate {
        /// The bundle (a directory, or a `.tar` archive of one).
        bundle: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[arg(long, value_enum, default_value = "ja")]
        lang: LangArg,
    },
    /// Write the JSON Schemas of the evidence format.
    Schema {
        /// Directory to write `*.schema.json` into.
        #[arg(long, value_name = "DIR", default_value = "schemas/evidence")]
        out: PathBuf,
    },
    /// What a bundle holds: records per section, events per kind and Windows event id, time ranges.
    Summary {
        bundle: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[arg(long, value_enum, default_value = "ja")]
        lang: LangArg,
    },
    /// Import files into a bundle (created if missing).
    Import {
        /// inventory-csv, evtx, windows-xml, windows-csv, sshd, door-csv or backup-csv.
        kind: ImportKind,
        /// The files to import.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The bundle directory.
        #[arg(long, value_name = "BUNDLE")]
        into: PathBuf,
        /// UTC offset of times written without one.
        #[arg(long, value_name = "OFFSET", default_value = "+09:00", value_parser = parse_offset)]
        utc_offset: jiff::tz::Offset,
        /// Year of syslog lines [default: from the bundle's collection date].
        #[arg(long)]
        year: Option<i16>,
        /// The computer an Event Viewer CSV export came from.
        #[arg(long, value_name = "HOST")]
        system: Option<String>,
        /// Import the readable rows and report the others instead of importing nothing.
        #[arg(long)]
        skip_bad_rows: bool,
        #[command(flatten)]
        new: NewBundle,
    },
    /// Create an empty bundle.
    Init {
        bundle: PathBuf,
        #[command(flatten)]
        new: NewBundle,
    },
    /// Recompute the digests in the manifest after files were edited by hand.
    Seal { bundle: PathBuf },
    /// Write a bundle as a single `.tar` file.
    Archive {
        bundle: PathBuf,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Generate a synthetic bundle of any size, deterministic from a seed.
    Synth {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 200)]
        assets: usize,
        #[arg(long, default_value_t = 400)]
        people: usize,
        #[arg(long, default_value_t = 10_000)]
        auth_events: u64,
        #[arg(long, default_value_t = 5_000)]
        door_events: u64,
        #[arg(long, value_name = "DATE", default_value = "2026-11-27")]
        as_of: Date,
    },
}

/// Who a new bundle belongs to.
#[derive(Debug, clap::Args)]
pub(crate) struct NewBundle {
    /// Utility id of a new bundle [default: the directory name].
    #[arg(long, value_name = "ID")]
    utility_id: Option<String>,
    /// Utility name of a new bundle, in Japanese.
    #[arg(long, value_name = "NAME")]
    utility_name: Option<String>,
    /// Utility name of a new bundle, in English [default: the Japanese name].
    #[arg(long, value_name = "NAME")]
    utility_name_en: Option<String>,
    /// Collection date of a new bundle [default: today].
    #[arg(long, value_name = "DATE")]
    collected_on: Option<Date>,
    /// Default assessment date of a new bundle [default: the collection date].
    #[arg(long, value_name = "DATE")]
    assessment_date: Option<Date>,
}

fn today() -> Date {
    let jst = jiff::tz::Offset::from_seconds(9 * 3600).unwrap_or(jiff::tz::Offset::UTC);
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jst))
        .date()
}

impl NewBundle {
    fn create(&self, dir: &Path) -> anyhow::Result<BundleWriter> {
        let fallback = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "utility".into());
        let id = self.utility_id.clone().unwrap_or_else(|| fallback.clone());
        let ja = self
            .utility_name
            .clone()
            .unwrap_or_else(|| fallback.clone());
        let en = self.utility_name_en.clone().unwrap_or_else(|| ja.clone());
        let collected = self.collected_on.unwrap_or_else(today);
        let w = BundleWriter::create(
            dir,
            Utility {
                id,
                name: Text::new(ja, en),
            },
            collected,
            self.assessment_date.unwrap_or(collected),
        )?;
        Ok(w)
    }
}

fn out(text: &str) -> anyhow::Result<()> {
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}

#[allow(clippy::print_stderr)]
pub(crate) fn run(global: &Global, command: Command) -> Result<(), Failure> {
    match command {
        Command::Validate {
            bundle,
            format,
            lang,
        } => {
            let v = validate(&bundle);
            let lang: Lang = lang.into();
            match format {
                Format::Json => {
                    let json = serde_json::json!({
                        "bundle": bundle,
                        "valid": v.is_valid(),
                        "errors": v.errors(),
                        "warnings": v.warnings(),
                        "problems": v.problems,
                        "logs": v.logs,
                    });
                    out(&(serde_json::to_string_pretty(&json)? + "\n"))?;
                }
                Format::Text => {
                    let mut s = String::new();
                    for p in &v.problems {
                        let sev = match (p.severity, lang) {
                            (Severity::Error, Lang::Ja) => "エラー",
                            (Severity::Error, _) => "error",
                            (_, Lang::Ja) => "警告",
                            _ => "warning",
                        };
                        let msg = if lang == Lang::Ja {
                            &p.message.ja
                        } else {
                            &p.message.en
                        };
                        s.push_str(&format!("{sev}: {}: {msg}\n", p.location()));
                    }
                    s.push_str(&match lang {
                        Lang::Ja => format!(
                            "{}: エラー {} 件、警告 {} 件\n",
                            bundle.display(),
                            v.errors(),
                            v.warnings()
                        ),
                        _ => format!(
                            "{}: {} error{}, {} warning{}\n",
                            bundle.display(),
                            v.errors(),
                            if v.errors() == 1 { "" } else { "s" },
                            v.warnings(),
                            if v.warnings() == 1 { "" } else { "s" }
                        ),
                    });
                    out(&s)?;
                }
            }
            if !v.is_valid() {
                return Err(Failure::Error(anyhow::anyhow!(
                    "the bundle `{}` is not valid; fix the errors above and validate again",
                    bundle.display()
                )));
            }
            Ok(())
        }
        Command::Schema { out: dir } => {
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
            for f in evidence_schemas() {
                let path = dir.join(&f.name);
                let text = serde_json::to_string_pretty(&f.schema)? + "\n";
                std::fs::write(&path, text)
                    .with_context(|| format!("cannot write `{}`", path.display()))?;
                if !global.quiet {
                    eprintln!("wrote {}", path.display());
                }
            }
            Ok(())
        }
        Command::Summary {
            bundle,
            format,
            lang,
        } => {
            let s = summarize(&bundle)
                .with_context(|| format!("cannot summarise `{}`", bundle.display()))?;
            match format {
                Format::Json => out(&(serde_json::to_string_pretty(&s)? + "\n"))?,
                Format::Text => out(&crate::render::summary_text(&s, lang.into()))?,
            }
            Ok(())
        }
        Command::Import {
            kind,
            inputs,
            into,
            utc_offset,
            year,
            system,
            skip_bad_rows,
            new,
        } => {
            let mut writer = if into.join("manifest.json").exists() {
                BundleWriter::open(&into)?
            } else {
                if !global.quiet {
                    eprintln!("creating the bundle `{}`", into.display());
                }
                new.create(&into)?
            };
            let options = ImportOptions {
                utc_offset,
                year,
                system,
                skip_bad_rows,
            };
            let mut reports = Vec::new();
            for input in &inputs {
                let r = import(kind, input, &mut writer, &options).with_context(|| {
                    format!("cannot import `{}` as {}", input.display(), kind.as_str())
                })?;
                reports.push(r);
            }
            writer.commit()?;
            for r in &reports {
                for p in &r.problems {
                    eprintln!("warning: `{}` {p} (skipped)", r.input.display());
                }
                if !global.quiet {
                    let what = if r.unchanged {
                        "already imported"
                    } else {
                        "imported"
                    };
                    eprintln!(
                        "{what}: {} records from `{}` → {}",
                        r.records,
                        r.input.display(),
                        r.file
                    );
                }
            }
            Ok(())
        }
        Command::Init { bundle, new } => {
            new.create(&bundle)?.commit()?;
            Ok(())
        }
        Command::Seal { bundle } => {
            let mut w = BundleWriter::open(&bundle)?;
            let changed = w.reseal()?;
            w.commit()?;
            for c in changed {
                eprintln!("digest updated: {c}");
            }
            Ok(())
        }
        Command::Archive { bundle, out: file } => {
            if !bundle.is_dir() {
                return Err(
                    anyhow::anyhow!("`{}` is not a bundle directory", bundle.display()).into(),
                );
            }
            write_archive(&bundle, &file)
                .with_context(|| format!("cannot write `{}`", file.display()))?;
            Ok(())
        }
        Command::Synth {
            out: dir,
            seed,
            assets,
            people,
            auth_events,
            door_events,
            as_of,
        } => {
            let total = auth_events + door_events;
            let bar = if global.quiet {
                ProgressBar::hidden()
            } else {
                ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            };
            bar.set_style(
                ProgressStyle::with_template("{spinner} {pos}/{len} events {wide_bar} {per_sec}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let options = SynthOptions {
                seed,
                assets,
                people,
                auth_events,
                door_events,
                as_of,
            };
            synth(&dir, &options, &|n| bar.set_position(n))
                .with_context(|| format!("cannot generate into `{}`", dir.display()))?;
            bar.finish_and_clear();
            Ok(())
        }
    }
}
