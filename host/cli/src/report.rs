//! `mizuchi report`: render a run for the people who act on it.
//!
//! The run comes from a signed ledger (verified first; the report shows by
//! whom and under which checkpoint) or from `mizuchi eval --format json`
//! output (marked unsigned). The renderers live in the `mizuchi-report`
//! library; this command finds the rule titles in the installed packs,
//! writes the files and, for PDF, drives a headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use clap::ValueEnum;
use mizuchi::{Limits, PublicKey};
use mizuchi_report::{Report, Run, Titles};

use crate::pack::Selection;
use crate::{Failure, Global, Say, said};

/// A format `mizuchi report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub(crate) enum ReportFormat {
    /// One self-contained HTML page (`report.html`).
    Html,
    /// The same page printed on A4 by headless Chromium (`report.pdf`).
    Pdf,
    /// JUnit XML, a test case per rule (`junit.xml`).
    Junit,
    /// Every finding, for spreadsheets (`findings.csv`, UTF-8 with BOM).
    Csv,
    /// OSCAL 1.1 for the regulator: `assessment-results.json`, `poam.json`
    /// and the `catalog.json` they refer to.
    Oscal,
}

impl ReportFormat {
    fn file_name(self) -> &'static str {
        match self {
            ReportFormat::Html => "report.html",
            ReportFormat::Pdf => "report.pdf",
            ReportFormat::Junit => "junit.xml",
            ReportFormat::Csv => "findings.csv",
            ReportFormat::Oscal => "assessment-results.json",
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Option<Sub>,
    #[command(flatten)]
    render: RenderArgs,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// What changed between two runs of a ledger: new failures, fixed and
    /// changed findings, changed outcomes, and what changed in between
    /// (packs, parameters, evidence files by digest).
    Diff(DiffArgs),
}

#[derive(Debug, clap::Args)]
struct DiffArgs {
    /// The ledger of signed results; it is verified first.
    #[arg(long, value_name = "LEDGER")]
    ledger: PathBuf,
    /// Public keys whose signatures are trusted (PEM). Repeatable.
    #[arg(long = "trust", value_name = "KEY", required = true)]
    trust: Vec<PathBuf>,
    /// The earlier run (see `mizuchi ledger show`).
    run_a: String,
    /// The later run.
    run_b: String,
    #[arg(long, value_enum, default_value = "text")]
    format: crate::Format,
}

#[derive(Debug, clap::Args)]
struct RenderArgs {
    /// A ledger of signed results (`mizuchi eval --ledger`): it is verified
    /// first, and nothing is reported from a ledger that does not verify.
    #[arg(
        long,
        value_name = "LEDGER",
        conflicts_with = "from_json",
        required_unless_present = "from_json"
    )]
    ledger: Option<PathBuf>,
    /// Public keys whose signatures are trusted (PEM), to verify the ledger. Repeatable.
    #[arg(long = "trust", value_name = "KEY", requires = "ledger")]
    trust: Vec<PathBuf>,
    /// The run to report (see `mizuchi ledger show`) [default: the ledger's last run].
    #[arg(long, requires = "ledger")]
    run: Option<String>,
    /// The output of `mizuchi eval --format json` instead of a ledger: the
    /// report is marked unsigned.
    #[arg(long, value_name = "FILE")]
    from_json: Option<PathBuf>,
    /// What to write, comma-separated or repeated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "html")]
    format: Vec<ReportFormat>,
    /// The directory the files are written to (made if missing).
    #[arg(long, value_name = "DIR", required = true)]
    out_dir: Option<PathBuf>,
    /// Where rule titles come from [default: the installed packs].
    #[command(flatten)]
    packs: Selection,
}

/// Titles and sections of the rules of the packs `selection` names (or the
/// installed ones), for a ledger, which records rule ids only. A pack that
/// cannot be loaded leaves its rules untitled, with a warning.
fn titles(global: &Global, selection: &Selection) -> Titles {
    let mut out = Titles::new();
    let loaded = global
        .runtime(Limits::default())
        .and_then(|runtime| selection.load(global, &runtime, None));
    match loaded {
        Ok(packs) => {
            for (_, _, rule) in packs.rules() {
                out.insert(
                    rule.id.clone(),
                    (rule.title.clone(), Some(rule.section.clone())),
                );
            }
        }
        Err(e) => tracing::warn!("rule titles are not shown: {e:#}"),
    }
    out
}

/// Writes `bytes` to `path` through a temporary file, so that a report being
/// replaced is never left half written.
fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = mizuchi_ledger::files::temp_in(dir, false)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A Chromium to print with: `$MIZUCHI_CHROMIUM`, or the first of the usual
/// names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MIZUCHI_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Prints `html` (a file) to `pdf` with headless Chromium.
fn print_pdf(html: &Path, pdf: &Path) -> anyhow::Result<()> {
    let Some(browser) = chromium() else {
        return Err(said(
            "PDF を作る Chromium が見つかりません。Debian では `apt-get install chromium fonts-noto-cjk` で入れるか、MIZUCHI_CHROMIUM に場所を設定してください (HTML はブラウザの印刷でも PDF にできます)",
            "no Chromium was found to print the PDF; install it (Debian: `apt-get install chromium fonts-noto-cjk`) or set MIZUCHI_CHROMIUM to its path (the HTML report also prints to PDF from any browser)",
        ));
    };
    let html = std::path::absolute(html)?;
    let profile = tempfile::tempdir()?;
    let out = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .say(|| {
            let b = browser.display();
            (
                format!("`{b}` を起動できません"),
                format!("cannot start `{b}`"),
            )
        })?;
    let made = std::fs::metadata(pdf).map(|m| m.len() > 0).unwrap_or(false);
    if !out.status.success() || !made {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().last().unwrap_or("").to_owned();
        return Err(said(
            format!(
                "`{}` が PDF を作れませんでした ({}): {last}",
                browser.display(),
                out.status
            ),
            format!(
                "`{}` did not print the PDF ({}): {last}",
                browser.display(),
                out.status
            ),
        ));
    }
    Ok(())
}

/// Verifies `ledger` with the keys in `trust` and returns what verified.
fn verified(
    ledger: &Path,
    trust: &[PathBuf],
) -> anyhow::Result<(
    mizuchi_ledger::ledger::Verification,
    Vec<mizuchi_ledger::ledger::VerifiedEntry>,
)> {
    if trust.is_empty() {
        return Err(said(
            "台帳を検証する公開鍵を --trust で指定してください",
            "give the public key that signed the ledger with --trust, to verify it",
        ));
    }
    let keys = trust
        .iter()
        .map(|k| PublicKey::read(k))
        .collect::<Result<Vec<_>, _>>()?;
    mizuchi_ledger::ledger::verify_entries(ledger, &keys, &[]).say(|| {
        let l = ledger.display();
        (
            format!("`{l}` を検証できません"),
            format!("cannot verify `{l}`"),
        )
    })
}

fn diff(global: &Global, args: DiffArgs) -> Result<(), Failure> {
    let (v, entries) = verified(&args.ledger, &args.trust)?;
    let titles = Titles::new();
    let a = Run::from_ledger(&args.ledger, &v, &entries, Some(&args.run_a), &titles)?;
    let b = Run::from_ledger(&args.ledger, &v, &entries, Some(&args.run_b), &titles)?;
    let d = mizuchi_report::diff::RunDiff::between(&a, &b);
    let text = match args.format {
        crate::Format::Json => serde_json::to_string_pretty(&d)? + "\n",
        crate::Format::Text => d.text(global.lang),
    };
    std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())?;
    Ok(())
}

/// A rendering job: the file it makes and how.
type Job<'a> = (
    &'static str,
    Box<dyn Fn() -> anyhow::Result<Vec<u8>> + Sync + 'a>,
);

/// The files of `formats` but the PDF (which Chromium prints from the HTML
/// file), rendered at once on the worker threads, in a fixed order.
fn render_files(
    run: &Run,
    previous: Option<&Run>,
    formats: &[ReportFormat],
    lang: mizuchi_report::Lang,
) -> anyhow::Result<Vec<(&'static str, Vec<u8>)>> {
    use mizuchi_report::{findings_csv, html, junit, oscal};
    use rayon::prelude::*;
    let json = |v: serde_json::Value| -> anyhow::Result<Vec<u8>> {
        Ok((serde_json::to_string_pretty(&v)? + "\n").into_bytes())
    };
    let wants = |f: ReportFormat| formats.contains(&f);
    let mut jobs: Vec<Job<'_>> = Vec::new();
    if wants(ReportFormat::Html) || wants(ReportFormat::Pdf) {
        jobs.push((
            ReportFormat::Html.file_name(),
            Box::new(move || Ok(html::render(run, previous, lang).into_bytes())),
        ));
    }
    if wants(ReportFormat::Junit) {
        jobs.push((
            ReportFormat::Junit.file_name(),
            Box::new(move || Ok(junit::render(run, lang).into_bytes())),
        ));
    }
    if wants(ReportFormat::Csv) {
        jobs.push((
            ReportFormat::Csv.file_name(),
            Box::new(move || Ok(findings_csv::render(run, lang).into_bytes())),
        ));
    }
    if wants(ReportFormat::Oscal) {
        // The catalog of the sections the run's rules check, which the
        // results refer to by file name.
        jobs.push((
            "catalog.json",
            Box::new(move || json(oscal::catalog_of_run(run, lang))),
        ));
        jobs.push((
            ReportFormat::Oscal.file_name(),
            Box::new(move || json(oscal::assessment_results(run, "catalog.json", lang))),
        ));
        jobs.push(("poam.json", Box::new(move || json(oscal::poam(run, lang)))));
    }
    jobs.par_iter()
        .map(|(name, render)| Ok((*name, render()?)))
        .collect()
}

pub(crate) fn run(global: &Global, args: Args) -> Result<(), Failure> {
    if let Some(Sub::Diff(d)) = args.command {
        return diff(global, d);
    }
    let args = args.render;
    let Some(out_dir) = args.out_dir.clone() else {
        return Err(said("--out-dir を指定してください", "give --out-dir").into());
    };
    let lang = global.lang;
    let mut previous = None;
    let run = match (&args.ledger, &args.from_json) {
        (Some(ledger), _) => {
            let (verification, entries) = verified(ledger, &args.trust)?;
            let titles = titles(global, &args.packs);
            let run = Run::from_ledger(
                ledger,
                &verification,
                &entries,
                args.run.as_deref(),
                &titles,
            )?;
            previous = Run::previous_in_ledger(ledger, &verification, &entries, &run, &titles)?;
            run
        }
        (None, Some(json)) => {
            let bytes = std::fs::read(json).say(|| {
                let j = json.display();
                (format!("`{j}` を読めません"), format!("cannot read `{j}`"))
            })?;
            let report: Report = serde_json::from_slice(&bytes).say(|| {
                let j = json.display();
                (
                    format!("`{j}` は `mizuchi eval --format json` の出力ではありません"),
                    format!("`{j}` is not the output of `mizuchi eval --format json`"),
                )
            })?;
            Run::unsigned(&report)
        }
        (None, None) => {
            return Err(said(
                "--ledger か --from-json で報告する実行を指定してください",
                "name the run to report with --ledger or --from-json",
            )
            .into());
        }
    };
    std::fs::create_dir_all(&out_dir).say(|| {
        let d = out_dir.display();
        (
            format!("`{d}` を作れません"),
            format!("cannot create `{d}`"),
        )
    })?;
    let mut formats = args.format.clone();
    formats.sort();
    formats.dedup();
    let files = render_files(&run, previous.as_ref(), &formats, lang)?;
    let mut written = Vec::new();
    for (name, bytes) in &files {
        let path = out_dir.join(name);
        write(&path, bytes)?;
        written.push(path);
    }
    if formats.contains(&ReportFormat::Pdf) {
        // Chromium prints the HTML file just written.
        let pdf = out_dir.join(ReportFormat::Pdf.file_name());
        print_pdf(&out_dir.join(ReportFormat::Html.file_name()), &pdf)?;
        written.push(pdf);
    }
    if !global.quiet {
        let mut out = String::new();
        for p in &written {
            out.push_str(&format!("{}\n", p.display()));
        }
        std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes())?;
    }
    Ok(())
}
