//! Rule tests: `mizuchi rule test` over every official case, against
//! `mizuchi eval` of the same rules over the same bundles, one evaluation
//! per case, as a reviewer checking the cases by hand would run them.
//!
//! `rule test --keep` leaves each case's bundle and an index saying how to
//! evaluate it; the evaluations then run those bundles with the case's
//! rules, date and parameters. Measured in rounds, the cases then the
//! evaluations, back to back.

use std::fmt::Write as _;

use crate::measure::{self, Cost};
use crate::{Paths, s};

/// How many rounds.
const ROUNDS: usize = 3;

/// What the cases cost beside evaluating the same.
pub(crate) struct Row {
    cases: usize,
    test: Cost,
    /// The evaluations' wall time, summed over the cases.
    evals_ms: f64,
    /// Rule test ÷ evaluations, per round.
    ratios: measure::Ratios,
}

/// `mizuchi eval` for every case the index lists.
fn evaluate_each(p: &Paths, index: &[serde_json::Value]) -> f64 {
    let env = p.env();
    let mut total = 0.0;
    for case in index {
        let mut args: Vec<String> = vec![
            "-q".into(),
            "eval".into(),
            "--allow-unsigned".into(),
            "--pack".into(),
            s(&p.unsigned_pack),
            "--evidence".into(),
            case["bundle"].as_str().unwrap_or_default().into(),
            "--format".into(),
            "json".into(),
        ];
        for rule in case["rules"].as_array().into_iter().flatten() {
            args.extend(["--rule".into(), rule.as_str().unwrap_or_default().into()]);
        }
        if let Some(d) = case["as_of"].as_str() {
            args.extend(["--as-of".into(), d.into()]);
        }
        for param in case["params"].as_array().into_iter().flatten() {
            args.extend(["--param".into(), param.as_str().unwrap_or_default().into()]);
        }
        let cost = measure::run(&p.mizuchi, &args, &env, None);
        // 0: every rule passed; 1: one failed. Both are evaluations.
        assert!(
            cost.code == 0 || cost.code == 1,
            "mizuchi eval of a case failed: {args:?}"
        );
        total += cost.wall_ms;
    }
    total
}

/// Measures the official cases.
pub(crate) fn measure(p: &Paths) -> Row {
    let keep = p.bench.join("cases");
    std::fs::create_dir_all(&p.home).expect("the bench's home");
    let env = p.env();
    let args = vec![
        "-q".to_owned(),
        "rule".into(),
        "test".into(),
        s(&p.root.join("rules-wasm")),
        "--allow-unsigned".into(),
        "--pack".into(),
        s(&p.unsigned_pack),
        "--keep".into(),
        s(&keep),
    ];
    eprintln!("bench: rule test over the official cases");
    // Once unmeasured: both sides then find the modules compiled in the cache.
    let warm = measure::run(&p.mizuchi, &args, &env, None);
    assert_eq!(warm.code, 0, "mizuchi rule test failed");
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        let test = measure::run(&p.mizuchi, &args, &env, None);
        assert_eq!(test.code, 0, "mizuchi rule test failed");
        let index: Vec<serde_json::Value> =
            serde_json::from_slice(&std::fs::read(keep.join("index.json")).unwrap_or_default())
                .unwrap_or_default();
        let evals = evaluate_each(p, &index);
        rounds.push((test, evals, index.len()));
    }
    let mut tests: Vec<Cost> = rounds.iter().map(|r| r.0).collect();
    tests.sort_by(|a, b| a.wall_ms.total_cmp(&b.wall_ms));
    let mut evals: Vec<f64> = rounds.iter().map(|r| r.1).collect();
    evals.sort_by(f64::total_cmp);
    Row {
        cases: rounds.first().map_or(0, |r| r.2),
        test: tests[tests.len() / 2],
        evals_ms: measure::median(&evals),
        ratios: measure::Ratios::new(rounds.iter().map(|(t, e, _)| t.wall_ms / e).collect()),
    }
}

/// The section of `BENCHMARKS.md`.
pub(crate) fn render(r: &Row) -> String {
    let mut o = String::new();
    let mid = r.ratios.median();
    let _ = writeln!(
        o,
        "## Rule tests\n\n\
         `mizuchi rule test` over the official pack's {} cases (`rules-wasm/cases/`: each \
         case's bundle made on disk, its rules run in the sandbox, the findings compared), \
         against `mizuchi eval` of the same rules over the same bundles with the same dates and \
         parameters, one process per case as a reviewer would run them by hand \
         (`tests/benches/scale/authoring.rs`); {ROUNDS} rounds back to back after one unmeasured \
         run (so that both find the modules compiled in the cache), times are medians.\n\n\
         | cases | `rule test` | `eval` of each case, summed | ÷ | peak RSS of `rule test` |\n\
         | ---: | ---: | ---: | ---: | ---: |\n\
         | {} | {:.0} ms | {:.0} ms | **{}** | {:.0} MiB |\n",
        r.cases,
        r.cases,
        r.test.wall_ms,
        r.evals_ms,
        r.ratios.shown(2),
        r.test.rss_mib,
    );
    let _ = writeln!(
        o,
        "Goal: every official case within 2× of evaluating the same: {:.2}× — {}.",
        mid,
        if mid <= 2.0 { "met" } else { "**not met**" }
    );
    o
}
