//! The `mizuchi` binary as a user runs it: output formats, exit statuses and
//! errors on bad input.

use mizuchi_tests::{fixtures, official_pack, run, s, sample};

fn eval(extra: &[&str]) -> mizuchi_tests::Run {
    let pack = official_pack();
    let sample = sample();
    let mut args = vec!["eval", "--pack", s(&pack), "--evidence", s(&sample)];
    args.extend_from_slice(extra);
    run(&args)
}

fn result<'a>(report: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    report["results"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["rule"] == rule))
        .unwrap_or_else(|| panic!("no result for {rule}"))
}

#[test]
fn rules_lists_the_ordinance_rules_with_metadata_in_both_languages() {
    let pack = official_pack();
    let out = run(&["rules", "--pack", s(&pack), "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    let rules = v["rules"].as_array().unwrap();
    let ord: Vec<&serde_json::Value> = rules
        .iter()
        .filter(|r| r["id"].as_str().unwrap().starts_with("MLIT-ORD-"))
        .collect();
    let ids: Vec<&str> = ord.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["MLIT-ORD-01", "MLIT-ORD-02", "MLIT-ORD-03", "MLIT-ORD-04"]
    );
    for r in ord {
        assert_eq!(r["force"], "ordinance");
        assert!(r["version"].as_str().unwrap().starts_with("2.0."), "{r}");
        assert!(r["section"].as_str().unwrap().starts_with("コラム2"));
        assert!(!r["title"]["ja"].as_str().unwrap().is_empty());
        assert!(r["title"]["en"].as_str().unwrap().is_ascii());
    }
    let text = run(&["rules", "--pack", s(&pack), "--lang", "en"]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("MLIT-ORD-03"));
    assert!(text.stdout.contains("サポート終了OSの不使用"));
    assert!(text.stdout.contains("No end-of-support operating system"));
}

#[test]
fn eval_json_reports_every_rule_and_exits_1_when_rules_fail() {
    let out = eval(&["--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["format"], "mizuchi-report");
    assert_eq!(v["evidence"]["utility_id"], "JP-MINAMIYAMA-WW");
    assert_eq!(result(&v, "MLIT-ORD-01")["outcome"], "fail");
    let ord03 = result(&v, "MLIT-ORD-03");
    assert_eq!(ord03["parameters"]["eol_warning_days"], 365);
    assert!(ord03["fuel"].as_u64().unwrap() > 0);
    let statuses: Vec<&str> = ord03["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap())
        .collect();
    for expected in [
        "pass",
        "pass-alternative",
        "fail",
        "warn",
        "insufficient-evidence",
    ] {
        assert!(
            statuses.contains(&expected),
            "no {expected} finding in ORD-03: {statuses:?}"
        );
    }
}

#[test]
fn eval_exits_0_when_no_rule_fails() {
    let pack = official_pack();
    let bundle = fixtures().join("bundles/all-pass");
    let out = run(&[
        "eval",
        "--pack",
        s(&pack),
        "--evidence",
        s(&bundle),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let v = out.json();
    for rule in ["MLIT-ORD-01", "MLIT-ORD-02", "MLIT-ORD-03", "MLIT-ORD-04"] {
        assert_eq!(result(&v, rule)["outcome"], "pass", "{rule}");
    }
}

#[test]
fn fail_on_decides_which_outcomes_exit_1() {
    let out = eval(&["--format", "json", "--fail-on", "error"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = eval(&["--fail-on", "sometimes"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("`sometimes` is not an outcome"),
        "{}",
        out.stderr
    );
}

#[test]
fn malformed_evidence_exits_2_naming_file_and_field() {
    let pack = official_pack();
    let bundle = fixtures().join("bundles/malformed-inventory");
    let out = run(&["eval", "--pack", s(&pack), "--evidence", s(&bundle)]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    let err = &out.stderr;
    assert!(
        err.starts_with("error: cannot use the evidence bundle"),
        "{err}"
    );
    assert!(err.contains("inventory.json"), "{err}");
    assert!(err.contains("assets[0].control_system"), "{err}");
    // The same error in Japanese: the command line's own words and the
    // bundle's problems.
    let out = run(&[
        "--lang",
        "ja",
        "eval",
        "--pack",
        s(&pack),
        "--evidence",
        s(&bundle),
    ]);
    assert_eq!(out.code, 2);
    let err = &out.stderr;
    assert!(err.starts_with("エラー: 証跡バンドル `"), "{err}");
    assert!(
        err.contains("を使えません: バンドルにエラーが 1 件あります:"),
        "{err}"
    );
    assert!(
        err.contains("inventory.json $.assets[0].control_system: 型が違います"),
        "{err}"
    );
    assert!(
        err.contains("ヒント: `mizuchi evidence validate BUNDLE`"),
        "{err}"
    );
}

#[test]
fn a_missing_pack_or_bundle_exits_2_and_says_what_to_do() {
    let out = run(&[
        "eval",
        "--pack",
        "/nonexistent/pack",
        "--evidence",
        s(&sample()),
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("cannot load the pack `/nonexistent/pack`"),
        "{}",
        out.stderr
    );
    let pack = official_pack();
    let out = run(&[
        "eval",
        "--pack",
        s(&pack),
        "--evidence",
        "/nonexistent/bundle",
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("manifest.json"), "{}", out.stderr);
}

#[test]
fn parameters_are_checked_and_the_value_used_is_reported() {
    let out = eval(&[
        "--format",
        "json",
        "--param",
        "MLIT-ORD-02.max_definition_age_days=60",
    ]);
    let v = out.json();
    let ord02 = result(&v, "MLIT-ORD-02");
    assert_eq!(ord02["parameters"]["max_definition_age_days"], 60);
    let hmi01 = ord02["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["subject"]["id"] == "KTN-HMI-01")
        .unwrap();
    // Definitions from 2026-09-30 are 58 days old: current under a 60-day limit.
    assert_eq!(hmi01["status"], "pass");

    let out = eval(&["--param", "MLIT-ORD-02.max_age=3"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("has no parameter `max_age`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("max_definition_age_days"),
        "{}",
        out.stderr
    );
    let out = eval(&["--param", "MLIT-ORD-02.max_definition_age_days=soon"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("takes an integer"), "{}", out.stderr);
    let out = eval(&["--param", "MLIT-XXX-99.k=1"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no pack of the run has rule `MLIT-XXX-99`"),
        "{}",
        out.stderr
    );
}

#[test]
fn text_output_shows_ordinance_apart_and_speaks_both_languages() {
    let en = eval(&["--lang", "en"]);
    assert!(
        en.stdout
            .contains("Ordinance (legally required technical standards)")
    );
    assert!(
        en.stdout
            .contains("entry control to the room does not replace it")
    );
    let ja = eval(&["--lang", "ja"]);
    assert!(ja.stdout.contains("省令（遵守すべき技術的基準）"));
    assert!(ja.stdout.contains("入退室管理は主体認証の代替になりません"));
}

#[test]
fn a_run_limited_to_some_rules_reports_only_them_and_replays_identically() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("utility.pem");
    assert_eq!(run(&["key", "generate", "-q", "--out", s(&key)]).code, 0);
    let ledger = dir.path().join("results.jsonl");
    let out = eval(&[
        "--rule",
        "MLIT-BAK-01",
        "--rule",
        "MLIT-ACC-01",
        "--format",
        "json",
        "--ledger",
        s(&ledger),
        "--key",
        s(&key),
    ]);
    assert!(matches!(out.code, 0 | 1), "{}", out.stderr);
    let report = out.json();
    let ids: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["MLIT-ACC-01", "MLIT-BAK-01"]);

    let shown = run(&["ledger", "show", s(&ledger), "--format", "json"]).json();
    let id = shown[0]["run"].as_str().unwrap().to_owned();
    let pack = official_pack();
    let replay = run(&[
        "replay",
        s(&ledger),
        "--run",
        &id,
        "--trust",
        s(&key),
        "--pack",
        s(&pack),
        "--evidence",
        s(&sample()),
    ]);
    assert_eq!(replay.code, 0, "{}{}", replay.stdout, replay.stderr);
    assert!(
        replay.stdout.contains("2 of 2 results identical"),
        "{}",
        replay.stdout
    );

    let unknown = eval(&["--rule", "MLIT-XXX-01"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("no pack of the run has rule `MLIT-XXX-01`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly_not_with_a_panic() {
    // `mizuchi evidence validate B 2>&1 | head -1`: both pipes closed early.
    let mut child = mizuchi_tests::mizuchi()
        .args(["evidence", "validate", "--lang", "en"])
        .arg(fixtures().join("bundles/broken-digest"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2), "{status:?}");
}

#[test]
fn the_terminal_report_fits_the_width_has_no_fuel_column_and_no_colour_when_piped() {
    let pack = official_pack();
    let sample = sample();
    for (lang, columns) in [("ja", 60usize), ("en", 60), ("en", 100)] {
        let out = mizuchi_tests::mizuchi()
            .args([
                "--lang",
                lang,
                "eval",
                "--pack",
                s(&pack),
                "--evidence",
                s(&sample),
            ])
            .env("COLUMNS", columns.to_string())
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("MLIT-ORD-01"));
        for line in text.lines() {
            // East Asian wide characters take two columns.
            let width: usize = line
                .chars()
                .map(|c| {
                    if ('\u{1100}'..='\u{FFDC}').contains(&c)
                        && !('\u{2500}'..='\u{257F}').contains(&c)
                        && c != '…'
                        && c != '—'
                        && c != '→'
                    {
                        2
                    } else {
                        1
                    }
                })
                .sum();
            assert!(
                width <= columns,
                "{lang} at {columns}: {width} columns: {line}"
            );
        }
        assert!(!text.contains("fuel") && !text.contains("燃料"));
        assert!(!text.contains('\u{1b}'), "colour codes in piped output");
    }
}
