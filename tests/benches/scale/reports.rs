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
    formats: String,
    findings: u64,
    eval: Cost,
    render: Cost,
    /// Rendering ÷ evaluation of each pair, sorted.
    ratios: Vec<f64>,
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
    let env = [
        ("MIZUCHI_HOME", p.home.as_path()),
        ("MIZUCHI_CACHE_DIR", p.cache.as_path()),
    ];
    let formats = if has_chromium() {
        "html,pdf,junit,csv,oscal"
    } else {
        "html,junit,csv,oscal"
    };
    let eval = || {
        measure::run(
            &p.mizuchi,
            &[
                "eval".into(),
                "-q".into(),
                "--pack".into(),
                s(&p.signed_pack),
                "--evidence".into(),
                s(&dir),
                "--format".into(),
                "json".into(),
            ],
            &env,
            Some(&json),
        )
    };
    let render = || {
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
        assert_eq!(cost.code, 0, "mizuchi report failed");
        cost
    };
    eprintln!("bench: reports of the {EVENTS}-event run ({formats})");
    let pairs: Vec<(Cost, Cost)> = (0..PAIRS).map(|_| (eval(), render())).collect();
    let mut ratios: Vec<f64> = pairs.iter().map(|(e, r)| r.wall_ms / e.wall_ms).collect();
    ratios.sort_by(f64::total_cmp);
    let median = |side: fn(&(Cost, Cost)) -> Cost| {
        let mut v: Vec<Cost> = pairs.iter().map(side).collect();
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
        formats: formats.to_owned(),
        findings,
        eval: median(|p| p.0),
        render: median(|p| p.1),
        ratios,
    }
}

/// The section of `BENCHMARKS.md`.
pub(crate) fn render(r: &Row) -> String {
    let mut o = String::new();
    let median = r.ratios[r.ratios.len() / 2];
    let _ = writeln!(
        o,
        "## Reports\n\n\
         Rendering every format of the full pack's run over {EVENTS} authentication events \
         ({} findings) with `mizuchi report --from-json` (`{}`), against evaluating it \
         (`mizuchi eval --format json`), in {PAIRS} pairs back to back \
         (`tests/benches/scale/reports.rs`); times are medians.\n\n\
         | evaluation | rendering | rendering ÷ evaluation | rendering peak RSS |\n\
         | ---: | ---: | ---: | ---: |\n\
         | {:.0} ms | {:.0} ms | **{:.1}%** ({:.1}–{:.1}%) | {:.0} MiB |\n\n\
         Goal: rendering every format at most 10% of the run's evaluation: {:.1}% — {}.{}",
        r.findings,
        r.formats,
        r.eval.wall_ms,
        r.render.wall_ms,
        median * 100.0,
        r.ratios[0] * 100.0,
        r.ratios[r.ratios.len() - 1] * 100.0,
        r.render.rss_mib,
        median * 100.0,
        if median <= 0.10 { "met" } else { "**not met**" },
        if r.formats.contains("pdf") {
            ""
        } else {
            " (PDF not measured: no Chromium on this machine.)"
        }
    );
    o
}
