//! Reports: rendering every format of a run, against evaluating it.
//!
//! The run is the full pack over the synthetic bundle of one million
//! authentication events; its `eval --format json` output is rendered with
//! `mizuchi report --from-json` as HTML, JUnit XML, CSV, OSCAL and, where
//! Chromium is installed, PDF. Measured in pairs, evaluation then
//! rendering, back to back.

use std::fmt::Write as _;

use crate::measure::{self, Cost};
use crate::{Paths, bundle, s};

/// The run's size.
pub(crate) const EVENTS: u64 = 1_000_000;

/// How many pairs.
const PAIRS: usize = 3;

/// What rendering cost beside evaluating.
pub(crate) struct Row {
    findings: u64,
    eval: Cost,
    /// HTML, JUnit, CSV and OSCAL, rendered by Mizuchi.
    text: Cost,
    /// The PDF, printed by Chromium from the HTML (`None`: no Chromium).
    pdf: Option<Cost>,
    /// (Text ÷ evaluation, everything ÷ evaluation) of each pair, sorted
    /// by the first.
    ratios: Vec<(f64, f64)>,
}

/// Chromium is on `PATH` (or named by `MIZUCHI_CHROMIUM`).
fn has_chromium() -> bool {
    std::env::var_os("MIZUCHI_CHROMIUM").is_some()
        || std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join("chromium").is_file()))
}

/// Measures rendering every format of the run over the 1M-event bundle.
pub(crate) fn measure(p: &Paths) -> Row {
    let dir = bundle(p, EVENTS);
    let json = p.bench.join(format!("report-{EVENTS}.json"));
    let out = p.bench.join("rendered");
    let env = p.env();
    let chromium = has_chromium();
    let eval = || measure::run(&p.mizuchi, &p.eval_args(&dir, &[]), &env, Some(&json));
    let render = |formats: &str| {
        let _ = std::fs::remove_dir_all(&out);
        let cost = measure::run(
            &p.mizuchi,
            &[
                "-q".into(),
                "report".into(),
                "--from-json".into(),
                s(&json),
                "--format".into(),
                formats.into(),
                "--out-dir".into(),
                s(&out),
            ],
            &env,
            None,
        );
        assert_eq!(cost.code, 0, "mizuchi report --format {formats} failed");
        cost
    };
    eprintln!("bench: reports of the {EVENTS}-event run");
    let runs: Vec<(Cost, Cost, Option<Cost>)> = (0..PAIRS)
        .map(|_| {
            let e = eval();
            let t = render("html,junit,csv,oscal");
            let pdf = chromium.then(|| render("pdf"));
            (e, t, pdf)
        })
        .collect();
    let mut ratios: Vec<(f64, f64)> = runs
        .iter()
        .map(|(e, t, pdf)| {
            let all = t.wall_ms + pdf.map_or(0.0, |c| c.wall_ms);
            (t.wall_ms / e.wall_ms, all / e.wall_ms)
        })
        .collect();
    ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median = |costs: Vec<Cost>| {
        let mut v = costs;
        v.sort_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms));
        v[v.len() / 2]
    };
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap_or_default()).unwrap_or_default();
    let findings = report["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|x| x["findings"].as_array().map_or(0, Vec::len) as u64)
                .sum()
        })
        .unwrap_or(0);
    Row {
        findings,
        eval: median(runs.iter().map(|r| r.0).collect()),
        text: median(runs.iter().map(|r| r.1).collect()),
        pdf: chromium.then(|| median(runs.iter().filter_map(|r| r.2).collect())),
        ratios,
    }
}

/// The section of `BENCHMARKS.md`.
pub(crate) fn render(r: &Row) -> String {
    let mut o = String::new();
    let mid = r.ratios[r.ratios.len() / 2];
    let mut all: Vec<f64> = r.ratios.iter().map(|x| x.1).collect();
    all.sort_by(f64::total_cmp);
    let all_mid = all[all.len() / 2];
    let pct = |x: f64| x * 100.0;
    let _ = writeln!(
        o,
        "## Reports\n\n\
         Rendering the full pack's run over {EVENTS} authentication events ({} findings) \
         with `mizuchi report --from-json`, against evaluating it (`mizuchi eval --format \
         json`), in {PAIRS} rounds back to back (`tests/benches/scale/reports.rs`); times are \
         medians. HTML, JUnit, CSV and OSCAL are rendered by Mizuchi in one process (which \
         also reads the evaluation's JSON); the PDF is Chromium printing the HTML.\n\n\
         | evaluation | HTML, JUnit, CSV, OSCAL | ÷ evaluation | PDF (Chromium) | every format ÷ evaluation | rendering peak RSS |\n\
         | ---: | ---: | ---: | ---: | ---: | ---: |\n\
         | {:.0} ms | {:.0} ms | **{:.1}%** ({:.1}–{:.1}%) | {} | **{}** | {:.0} MiB |\n",
        r.findings,
        r.eval.wall_ms,
        r.text.wall_ms,
        pct(mid.0),
        pct(r.ratios[0].0),
        pct(r.ratios[r.ratios.len() - 1].0),
        r.pdf.map_or_else(
            || "not measured (no Chromium)".to_owned(),
            |c| format!("{:.0} ms", c.wall_ms)
        ),
        if r.pdf.is_some() {
            format!("{:.1}%", pct(all_mid))
        } else {
            "not measured".to_owned()
        },
        r.text.rss_mib.max(r.pdf.map_or(0.0, |c| c.rss_mib)),
    );
    let met = |x: f64| if x <= 0.10 { "met" } else { "**not met**" };
    let _ = writeln!(
        o,
        "Goal: rendering every format at most 10% of the run's evaluation: {} (without the PDF: {:.1}% — {}).",
        if r.pdf.is_some() {
            format!("{:.1}% — {}", pct(all_mid), met(all_mid))
        } else {
            "not measured (no Chromium for the PDF)".to_owned()
        },
        pct(mid.0),
        met(mid.0)
    );
    o
}
