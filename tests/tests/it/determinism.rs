//! The same pack, evidence, parameters and date give the same bytes, on every
//! run and with any number of threads.

use mizuchi_tests::{official_pack, run, s, sample};

#[test]
fn json_output_is_byte_identical_across_runs_and_thread_counts() {
    let pack = official_pack();
    let sample = sample();
    let base = [
        "eval",
        "--pack",
        s(&pack),
        "--evidence",
        s(&sample),
        "--format",
        "json",
    ];
    let first = run(&base);
    let second = run(&base);
    let mut one = base.to_vec();
    one.extend(["--jobs", "1"]);
    let single = run(&one);
    let mut many = base.to_vec();
    many.extend(["--jobs", "8"]);
    let eight = run(&many);
    assert!(!first.stdout.is_empty());
    assert_eq!(first.stdout, second.stdout, "two runs differ");
    assert_eq!(
        first.stdout, single.stdout,
        "1 thread differs from all cores"
    );
    assert_eq!(
        first.stdout, eight.stdout,
        "8 threads differ from all cores"
    );
}

#[test]
fn the_assessment_date_changes_the_result_and_the_clock_does_not() {
    let pack = official_pack();
    let sample = sample();
    let at = |date: &str| {
        run(&[
            "eval",
            "--pack",
            s(&pack),
            "--evidence",
            s(&sample),
            "--format",
            "json",
            "--as-of",
            date,
        ])
        .json()
    };
    let before = at("2026-01-01");
    let after = at("2027-02-01");
    let outcome = |v: &serde_json::Value, id: &str| {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == "MLIT-ORD-03")
            .unwrap()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["subject"]["id"] == id && f["status"] != "warn")
            .unwrap()["status"]
            .clone()
    };
    // Windows Server 2016 is supported until 2027-01-12; after that the
    // server passes only through its closed network and disabled ports.
    assert_eq!(outcome(&before, "OPS-SV-01"), "pass");
    assert_eq!(outcome(&after, "OPS-SV-01"), "pass-alternative");
    assert_eq!(before["as_of"], "2026-01-01");
}
