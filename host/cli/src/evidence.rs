//! `mizuchi evidence`: validate, summarise, import, create and generate evidence bundles.

use crate::Say;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::render::Lang;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mizuchi::{
    BundleWriter, ExtensionSection, ImportKind, ImportOptions, ImportReport, Severity,
    SynthOptions, TemplateFormat, column_reference, evidence_schemas, import, parse_offset,
    summarize, synth, validate, write_archive, write_template,
};
use mizuchi_evidence::{Date, ExtensionName, SectionKind, Text, Utility};

use crate::{Failure, Format, Global};

/// The file format of templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum TemplateFormatArg {
    Csv,
    Xlsx,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check a bundle: manifest, digests, schemas, references, every log line.
    Validate {
        /// The bundle (a directory, or a `.tar` archive of one).
        bundle: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// The packs whose extension sections (`x-…`) the bundle's files
        /// are checked against [default: every installed pack].
        #[command(flatten)]
        packs: crate::pack::Selection,
    },
    /// Write the JSON Schemas of the evidence format.
    Schema {
        /// Directory to write `*.schema.json` into.
        #[arg(long, value_name = "DIR", default_value = "schemas/evidence")]
        out: PathBuf,
    },
    /// What a bundle holds: records per section, events per kind and Windows
    /// event id, time ranges; and, for every rule of the installed packs (or
    /// of --pack), whether the bundle holds the sections it reads.
    Summary {
        bundle: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        packs: crate::pack::Selection,
    },
    /// Import spreadsheets and exported logs into a bundle (created if missing).
    ///
    /// Every column, sheet or event not imported is reported by name and count;
    /// an empty cell is "not recorded". Nothing is written unless every row can
    /// be read (see --skip-bad-rows), and a failed import leaves the bundle as
    /// it was.
    Import {
        /// sheet (CSV or .xlsx tables), evtx, windows-xml, windows-csv, sshd,
        /// ad-users or passwd.
        kind: ImportKind,
        /// The files to import.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The bundle directory.
        #[arg(long, value_name = "BUNDLE")]
        into: PathBuf,
        /// For a CSV file: the table it holds, when its name and header row do not tell.
        #[arg(long, value_name = "TABLE")]
        table: Option<String>,
        /// UTC offset of times written without one.
        #[arg(long, value_name = "OFFSET", default_value = "+09:00", value_parser = parse_offset)]
        utc_offset: jiff::tz::Offset,
        /// Year of year-less syslog lines [default: inferred from the bundle's collection date, and reported].
        #[arg(long)]
        year: Option<i16>,
        /// The computer or directory an export came from (windows-csv, ad-users, passwd).
        #[arg(long, value_name = "NAME")]
        system: Option<String>,
        /// `lastlog` output, for passwd.
        #[arg(long, value_name = "FILE")]
        lastlog: Option<PathBuf>,
        /// `/etc/shadow`, for passwd.
        #[arg(long, value_name = "FILE")]
        shadow: Option<PathBuf>,
        /// `/etc/group`, for passwd.
        #[arg(long, value_name = "FILE")]
        group: Option<PathBuf>,
        /// Import the readable rows and report the others instead of importing nothing.
        #[arg(long)]
        skip_bad_rows: bool,
        /// Replace a bundle file that was edited by hand since it was imported.
        #[arg(long)]
        replace: bool,
        /// Refuse an .evtx file with a damaged chunk instead of keeping the intact ones.
        #[arg(long)]
        strict: bool,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        new: NewBundle,
    },
    /// Write spreadsheet templates: headers, an example row (a `#` comment)
    /// and notes explaining every column.
    Template {
        /// The section whose tables to write [default: every section].
        section: Option<SectionKind>,
        /// Directory to write into.
        #[arg(long, value_name = "DIR", default_value = ".")]
        out: PathBuf,
        /// csv: one file per table; xlsx: one workbook, a sheet per table.
        #[arg(long = "as", value_enum, default_value = "xlsx")]
        file_format: TemplateFormatArg,
        /// Write the column reference (Markdown, both languages) to this file instead.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["section"])]
        reference: Option<PathBuf>,
    },
    /// Add a file written by hand to a bundle as a section.
    Add {
        /// The file (JSON for a document section, JSON Lines for a log).
        file: PathBuf,
        /// The section it holds: an official one, or an extension section a
        /// pack defines (`x-acme.screen-lock`, a JSON object).
        #[arg(long, value_parser = parse_section)]
        section: AddSection,
        /// The bundle directory.
        #[arg(long, value_name = "BUNDLE")]
        into: PathBuf,
        /// Replace a document section that an importer wrote.
        #[arg(long)]
        replace: bool,
    },
    /// Create an empty bundle.
    Init {
        bundle: PathBuf,
        #[command(flatten)]
        new: NewBundle,
    },
    /// Recompute the digests in the manifest after files were edited by hand.
    Seal { bundle: PathBuf },
    /// Upgrade a bundle of evidence format 1 to format 2, in place.
    Upgrade { bundle: PathBuf },
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
            packs,
        } => {
            let mut v = validate(&bundle);
            if v.has_extensions() {
                let definitions: Vec<(String, ExtensionSection)> = if packs.is_default() {
                    global.store()?.extensions()?
                } else {
                    let runtime = global.runtime(mizuchi::Limits::default())?;
                    let set = packs.load(global, &runtime, Some(crate::today()))?;
                    set.extensions()
                        .into_iter()
                        .map(|(p, d)| (p.to_owned(), d.clone()))
                        .collect()
                };
                let by_pack: Vec<(&str, &ExtensionSection)> =
                    definitions.iter().map(|(p, d)| (p.as_str(), d)).collect();
                v.check_extensions(&by_pack);
            }
            let lang = global.lang;
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
            std::fs::create_dir_all(&dir).say(|| {
                (
                    format!("`{}` を作れません", dir.display()),
                    format!("cannot create `{}`", dir.display()),
                )
            })?;
            for f in evidence_schemas() {
                let path = dir.join(&f.name);
                let text = serde_json::to_string_pretty(&f.schema)? + "\n";
                std::fs::write(&path, text).say(|| {
                    (
                        format!("`{}` に書き込めません", path.display()),
                        format!("cannot write `{}`", path.display()),
                    )
                })?;
                if !global.quiet {
                    eprintln!("wrote {}", path.display());
                }
            }
            Ok(())
        }
        Command::Summary {
            bundle,
            format,
            packs,
        } => {
            let s = summarize(&bundle).say(|| {
                (
                    format!("`{}` の概要を作れません", bundle.display()),
                    format!("cannot summarise `{}`", bundle.display()),
                )
            })?;
            // Coverage needs packs: those named, else the installed ones; a
            // home with none still gets the bundle's own summary.
            let coverage = if packs.is_default() && global.store()?.installed()?.is_empty() {
                None
            } else {
                let runtime = global.runtime(mizuchi::Limits::default())?;
                Some(
                    packs
                        .load(global, &runtime, Some(crate::today()))?
                        .coverage(&s),
                )
            };
            match format {
                Format::Json => {
                    let mut v = serde_json::to_value(&s)?;
                    if let Some(c) = &coverage {
                        v["rules"] = serde_json::to_value(c)?;
                    }
                    out(&(serde_json::to_string_pretty(&v)? + "\n"))?;
                }
                Format::Text => {
                    let mut text = crate::render::summary_text(&s, global.lang);
                    text.push_str(&crate::render::coverage_text(
                        coverage.as_deref(),
                        global.lang,
                    ));
                    out(&text)?;
                }
            }
            Ok(())
        }
        Command::Import {
            kind,
            inputs,
            into,
            table,
            utc_offset,
            year,
            system,
            lastlog,
            shadow,
            group,
            skip_bad_rows,
            replace,
            strict,
            format,
            new,
        } => {
            let mut writer = if into.join("manifest.json").exists() {
                BundleWriter::open(&into)?
            } else {
                new.create(&into)?
            };
            let options = ImportOptions {
                utc_offset,
                year,
                system,
                table,
                skip_bad_rows,
                replace,
                strict,
                lastlog,
                shadow,
                group,
            };
            let mut reports = Vec::new();
            for input in &inputs {
                match import(kind, input, &mut writer, &options) {
                    Ok(r) => reports.push(r),
                    // Nothing is committed: the writer, dropped, takes back
                    // what it wrote.
                    Err(e) => return Err(Failure::Error(anyhow::Error::new(e))),
                }
            }
            writer.commit()?;
            match format {
                Format::Json => out(&(serde_json::to_string_pretty(&reports)? + "\n"))?,
                Format::Text => {
                    let mut text = String::new();
                    for r in &reports {
                        text.push_str(&import_text(r, global.lang));
                    }
                    eprint!("{text}");
                }
            }
            Ok(())
        }
        Command::Template {
            section,
            out: dir,
            file_format,
            reference,
        } => {
            if let Some(path) = reference {
                std::fs::write(&path, column_reference()).say(|| {
                    (
                        format!("`{}` に書き込めません", path.display()),
                        format!("cannot write `{}`", path.display()),
                    )
                })?;
                if !global.quiet {
                    eprintln!(
                        "{}",
                        crate::render::t(
                            global.lang,
                            &format!("{} を書きました", path.display()),
                            &format!("wrote {}", path.display())
                        )
                    );
                }
                return Ok(());
            }
            let format = match file_format {
                TemplateFormatArg::Csv => TemplateFormat::Csv,
                TemplateFormatArg::Xlsx => TemplateFormat::Xlsx,
            };
            let lang = if global.lang == Lang::Ja { "ja" } else { "en" };
            let files = write_template(&dir, section, lang, format)?;
            if !global.quiet {
                for f in files {
                    eprintln!(
                        "{}",
                        crate::render::t(
                            global.lang,
                            &format!("{} を書きました", f.display()),
                            &format!("wrote {}", f.display())
                        )
                    );
                }
            }
            Ok(())
        }
        Command::Add {
            file,
            section,
            into,
            replace,
        } => {
            let mut writer = BundleWriter::open(&into)?;
            let bytes = mizuchi_ledger::files::read(&file).say(|| {
                (
                    format!("`{}` を読めません", file.display()),
                    format!("cannot read `{}`", file.display()),
                )
            })?;
            let section = match section {
                AddSection::Official(kind) => kind,
                AddSection::Extension(name) => {
                    return add_extension(global, writer, &name, &file, &bytes);
                }
            };
            if let Some(entry) = writer.entry(section)
                && section.shape() == mizuchi_evidence::SectionShape::Document
                && !entry.sources.is_empty()
                && !replace
            {
                return Err(anyhow::anyhow!(
                    "the bundle's {section} section was imported from {}; adding `{}` would replace it (pass --replace to do so)",
                    entry.sources.iter().map(|s| format!("`{}`", s.input)).collect::<Vec<_>>().join(", "),
                    file.display()
                )
                .into());
            }
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rel = writer.add_file(section, &name, &bytes)?;
            writer.commit()?;
            if !global.quiet {
                eprintln!(
                    "{}",
                    crate::render::t(
                        global.lang,
                        &format!(
                            "`{}` を区分 {section} として {rel} に加えました",
                            file.display()
                        ),
                        &format!(
                            "added `{}` as the {section} section ({rel})",
                            file.display()
                        )
                    )
                );
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
        Command::Upgrade { bundle } => {
            let u = mizuchi::upgrade(&bundle)?;
            let ja = global.lang == Lang::Ja;
            let mut text = if ja {
                format!(
                    "`{}` を形式 {} から {} に変換しました\n",
                    bundle.display(),
                    u.from,
                    mizuchi_evidence::FORMAT_VERSION
                )
            } else {
                format!(
                    "upgraded `{}` from format {} to {}\n",
                    bundle.display(),
                    u.from,
                    mizuchi_evidence::FORMAT_VERSION
                )
            };
            for n in &u.notes {
                text.push_str(&format!("  {}\n", if ja { &n.ja } else { &n.en }));
            }
            eprint!("{text}");
            Ok(())
        }
        Command::Archive { bundle, out: file } => {
            if !bundle.is_dir() {
                return Err(
                    anyhow::anyhow!("`{}` is not a bundle directory", bundle.display()).into(),
                );
            }
            write_archive(&bundle, &file).say(|| {
                (
                    format!("`{}` に書き込めません", file.display()),
                    format!("cannot write `{}`", file.display()),
                )
            })?;
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
            synth(&dir, &options, &|n| bar.set_position(n)).say(|| {
                (
                    format!("`{}` に生成できません", dir.display()),
                    format!("cannot generate into `{}`", dir.display()),
                )
            })?;
            bar.finish_and_clear();
            Ok(())
        }
    }
}

/// What an import did, as a person reads it.
fn import_text(r: &ImportReport, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let pick = |t: &Text| if ja { t.ja.clone() } else { t.en.clone() };
    let n = |count: u64, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    let mut s = String::new();
    let input = r.input.display();
    let files = r.files.join(", ");
    s.push_str(&match (ja, r.unchanged) {
        (true, _) if r.files.is_empty() => format!("`{input}` に取り込むものはありません\n"),
        (false, _) if r.files.is_empty() => format!("nothing to import in `{input}`\n"),
        (true, true) => format!("取り込み済み (変更なし): `{input}` → {files}\n"),
        (true, false) => format!("取り込みました: `{input}` → {files} ({} 件)\n", r.records),
        (false, true) => format!("already imported, nothing changed: `{input}` → {files}\n"),
        (false, false) => format!(
            "imported `{input}` → {files} ({})\n",
            n(r.records, "record", "records")
        ),
    });
    if let Some(e) = &r.encoding {
        s.push_str(&if ja {
            format!("  文字コード: {e}\n")
        } else {
            format!("  read as {e}\n")
        });
    }
    for t in &r.tables {
        let sheet = t
            .sheet
            .as_deref()
            .map(|sh| {
                if ja {
                    format!(" (シート「{sh}」)")
                } else {
                    format!(" (sheet `{sh}`)")
                }
            })
            .unwrap_or_default();
        let replaced = match (t.replaced, ja) {
            (true, true) => "、以前の内容を置き換え",
            (true, false) => ", replacing what it held",
            _ => "",
        };
        let comments = match (t.comments, ja) {
            (0, _) => String::new(),
            (c, true) => format!("、注記行 {c} 行を除外"),
            (c, false) => format!(", {} skipped", n(c, "comment row", "comment rows")),
        };
        s.push_str(&if ja {
            format!(
                "  表「{}」{sheet}: {} 件{replaced}{comments}\n",
                t.title.ja, t.records
            )
        } else {
            format!(
                "  table `{}`{sheet}: {}{replaced}{comments}\n",
                t.table,
                n(t.records, "record", "records")
            )
        });
    }
    for c in &r.ignored_columns {
        let sheet = c
            .sheet
            .as_deref()
            .map(|sh| format!(" [{sh}]"))
            .unwrap_or_default();
        s.push_str(&if ja {
            format!("  使わない列{sheet}: 「{}」はどの区分も使わないため取り込みません (値のあるセル {} 個)\n", c.header, c.cells)
        } else {
            format!("  column{sheet} `{}` is not used by any section: ignored ({} held a value)\n", c.header, n(c.cells, "cell", "cells"))
        });
    }
    for sh in &r.ignored_sheets {
        s.push_str(&if ja {
            format!("  シート「{sh}」はどの表にも当たらないため取り込みません\n")
        } else {
            format!("  sheet `{sh}` matches no table: ignored\n")
        });
    }
    for k in &r.skipped {
        s.push_str(&if ja {
            format!("  取り込まなかったもの: {} 件 × {}\n", k.count, k.what.ja)
        } else {
            format!("  skipped {} × {}\n", k.count, k.what.en)
        });
    }
    for a in &r.assumed {
        s.push_str(&format!(
            "  {}: {}\n",
            if ja { "仮定" } else { "assumed" },
            pick(a)
        ));
    }
    for w in &r.warnings {
        s.push_str(&format!(
            "  {}: {}\n",
            if ja { "警告" } else { "warning" },
            pick(w)
        ));
    }
    for p in &r.problems {
        s.push_str(&format!(
            "  {}: {}\n",
            if ja {
                "読めずに除外"
            } else {
                "skipped, unreadable"
            },
            p.text(if ja { "ja" } else { "en" })
        ));
    }
    s
}

/// The section `evidence add` is given.
#[derive(Debug, Clone)]
pub(crate) enum AddSection {
    Official(SectionKind),
    Extension(ExtensionName),
}

fn parse_section(s: &str) -> Result<AddSection, String> {
    if s.starts_with("x-") {
        s.parse()
            .map(AddSection::Extension)
            .map_err(|e| e.to_string())
    } else {
        s.parse()
            .map(AddSection::Official)
            .map_err(|e| e.to_string())
    }
}

/// Adds `file`, a JSON object, as the extension section `name`; the pack
/// that defines the section checks it (`evidence validate`, and every run).
#[allow(clippy::print_stderr)]
fn add_extension(
    global: &Global,
    mut writer: BundleWriter,
    name: &ExtensionName,
    file: &Path,
    bytes: &[u8],
) -> Result<(), Failure> {
    let json: serde_json::Value = serde_json::from_slice(bytes).say(|| {
        (
            format!("`{}` は JSON として読めません", file.display()),
            format!("`{}` is not valid JSON", file.display()),
        )
    })?;
    writer.put_extension(name, Some(&json))?;
    writer.commit()?;
    if !global.quiet {
        eprintln!(
            "{}",
            crate::render::t(
                global.lang,
                &format!(
                    "`{}` を拡張区分 {name} として extensions/{name}.json に加えました。`mizuchi evidence validate` で区分を定義するパックのスキーマに照らして検査してください",
                    file.display()
                ),
                &format!(
                    "added `{}` as the extension section {name} (extensions/{name}.json); check it against the defining pack's schema with `mizuchi evidence validate`",
                    file.display()
                )
            )
        );
    }
    Ok(())
}
