//! Writing rules as a third party would: the scaffold, built outside the
//! workspace and run beside the official pack; rule test cases as data,
//! the official pack's among them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use mizuchi_tests::packs::{regulator_setup, sign};
use mizuchi_tests::{
    mizuchi, root, run, s, sample, sample_copy, target_dir, unsigned_official_pack, wasm_dir,
};
use serde_json::Value;

/// `mizuchi rule test` of the official cases against the built pack.
fn official_cases(extra: &[&str]) -> mizuchi_tests::Run {
    let pack = unsigned_official_pack();
    let cases = root().join("rules-wasm");
    let mut args = vec![
        "rule",
        "test",
        s(&cases),
        "--pack",
        s(&pack),
        "--allow-unsigned",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn every_official_rule_has_a_failing_and_a_passing_case_and_all_pass() {
    // At least two cases per rule, one whose rule fails and one whose rule
    // does not: what a reviewer needs to see both sides of each rule.
    let mut outcomes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("rules-wasm/cases")).unwrap() {
        let path = entry.unwrap().path();
        let file: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        for case in file["cases"].as_array().unwrap() {
            for (rule, e) in case["expect"].as_object().unwrap() {
                outcomes
                    .entry(rule.clone())
                    .or_default()
                    .push(e["outcome"].as_str().unwrap().to_owned());
            }
        }
    }
    assert_eq!(outcomes.len(), 29, "{:?}", outcomes.keys());
    for (rule, seen) in &outcomes {
        assert!(seen.len() >= 2, "{rule} has {} case(s)", seen.len());
        assert!(
            seen.iter().any(|o| o == "fail"),
            "{rule} has no failing case: {seen:?}"
        );
        assert!(
            seen.iter().any(|o| o != "fail"),
            "{rule} has no passing case: {seen:?}"
        );
    }
    let total: usize = outcomes.values().map(Vec::len).sum();

    let junit = tempfile::NamedTempFile::new().unwrap();
    let out = official_cases(&["--junit", s(junit.path())]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.ends_with(&format!("PASS: {total}/{total}\n")),
        "{}",
        out.stdout
    );
    // The JUnit XML, as a CI server reads it.
    let xml = std::fs::read_to_string(junit.path()).unwrap();
    assert!(
        xml.contains(&format!(
            "<testsuites name=\"mizuchi rule test\" tests=\"{total}\" failures=\"0\" errors=\"0\""
        )),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), total);
}

/// A case file in a temporary directory whose base is the sample.
fn case_file(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("cases.json");
    let text = body.replace("SAMPLE", &sample().display().to_string());
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_failing_case_says_what_differs_exits_1_and_shows_in_junit() {
    let dir = tempfile::tempdir().unwrap();
    let file = case_file(
        dir.path(),
        r#"{
  "base": "SAMPLE",
  "cases": [
    {"name": "right", "expect": {"MLIT-AST-02": {"outcome": "pass", "findings": ["organisation:utility=pass"]}}},
    {"name": "wrong",
     "edit": {"governance": {"approvals[id=AP-2026-014]": {"approved_by": "P-001"}}},
     "expect": {"MLIT-GOV-02": {"outcome": "fail", "findings": ["approval:AP-2026-014=fail"]}}}
  ]
}"#,
    );
    let junit = dir.path().join("junit.xml");
    let pack = unsigned_official_pack();
    let args = [
        "rule",
        "test",
        s(&file),
        "--pack",
        s(&pack),
        "--allow-unsigned",
        "--lang",
        "en",
        "--junit",
        s(&junit),
    ];
    let out = run(&args);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("  FAIL  wrong (line 5,"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("MLIT-GOV-02: outcome pass, expected fail"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("PASS  right"),
        "only failures without -v: {}",
        out.stdout
    );
    assert!(
        out.stdout.contains("PASS: 1/2\nFAIL: 1/2\n"),
        "{}",
        out.stdout
    );
    // -v: every case, and each differing finding.
    let mut verbose = args.to_vec();
    verbose.push("-v");
    let out = run(&verbose);
    assert!(out.stdout.contains("  PASS  right"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("MLIT-GOV-02: missing finding approval:AP-2026-014=fail"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("MLIT-GOV-02: unexpected finding organisation:utility=pass"),
        "{}",
        out.stdout
    );
    // In Japanese.
    let ja: Vec<&str> = args
        .iter()
        .map(|a| if *a == "en" { "ja" } else { a })
        .chain(["-v"])
        .collect();
    let out = run(&ja);
    assert!(
        out.stdout
            .contains("MLIT-GOV-02: 結果は pass (期待は fail)"),
        "{}",
        out.stdout
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("tests=\"2\" failures=\"1\" errors=\"0\""),
        "{xml}"
    );
    assert!(
        xml.contains("<failure message=\"MLIT-GOV-02: outcome pass, expected fail\">"),
        "{xml}"
    );
}

#[test]
fn a_bad_case_file_is_refused_naming_file_line_and_field_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let file = case_file(
        dir.path(),
        "{\n  \"base\": \"SAMPLE\",\n  \"cases\": [\n    {\"name\": \"a\",\n     \"expect\": {\"MLIT-AST-02\": {\"outcome\": \"passed\"}}}\n  ]\n}\n",
    );
    let pack = unsigned_official_pack();
    let args = |file: &Path, lang| {
        run(&[
            "rule",
            "test",
            s(file),
            "--pack",
            s(&pack),
            "--allow-unsigned",
            "--lang",
            lang,
        ])
    };
    let en = args(&file, "en");
    assert_eq!(en.code, 2, "{}", en.stderr);
    let shown = file.display().to_string();
    assert!(
        en.stderr.contains(&format!(
            "`{shown}` line 5, `cases[0].expect.MLIT-AST-02.outcome`: this is not a valid case file: unknown variant `passed`"
        )),
        "{}",
        en.stderr
    );
    let ja = args(&file, "ja");
    assert!(
        ja.stderr
            .contains(&format!("`{shown}` 5 行目、`cases[0].expect.MLIT-AST-02.outcome`: ケースファイルとして読めません")),
        "{}",
        ja.stderr
    );

    // A case that cannot run (an edit of a record that is not there) is an
    // error of that case, named, and the others still run.
    let file = case_file(
        dir.path(),
        r#"{"base": "SAMPLE", "cases": [
  {"name": "typo", "edit": {"inventory": {"assets[id=NO-SUCH]": {"portable": true}}},
   "expect": {"MLIT-AST-02": {"outcome": "pass"}}},
  {"name": "fine", "expect": {"MLIT-AST-02": {"outcome": "pass"}}}]}"#,
    );
    let out = args(&file, "en");
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("  ERROR typo"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("`inventory` has no `assets[id=NO-SUCH]` to edit"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("PASS: 1/2\nERROR: 1/2\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn rule_new_refuses_ids_outside_a_namespace_and_existing_directories() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["lock-01", "ACME", "ACME--01", "1ACME-01", "ACME-lock"] {
        let out = run(&[
            "rule",
            "new",
            bad,
            "--out",
            s(&dir.path().join("x")),
            "--lang",
            "en",
        ]);
        assert_eq!(out.code, 2, "{bad}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!(
                "`{bad}` is not a rule id: write your namespace first"
            )),
            "{}",
            out.stderr
        );
        assert!(!dir.path().join("x").exists());
    }
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let out = run(&[
        "rule",
        "new",
        "ACME-LOCK-01",
        "--out",
        s(dir.path()),
        "--lang",
        "en",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("already exists and is not empty"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine"
    );
}

/// Cargo, as the test was run by.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

#[test]
fn a_third_party_rule_from_the_scaffold_builds_tests_signs_and_runs_beside_the_official_pack() {
    let (m, _, official) = regulator_setup("1.0.0");
    // Outside the workspace: a directory of its own, as a vendor's machine.
    let work = tempfile::tempdir().unwrap();
    let krate = work.path().join("acme-lock-01");
    let new = m.run(&[
        "rule",
        "new",
        "ACME-LOCK-01",
        "--out",
        s(&krate),
        "--sdk-path",
        s(&root()),
    ]);
    assert_eq!(new.code, 0, "{}", new.stderr);
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("mizuchi-sdk = \"0.1.0\""), "{manifest}");
    assert!(manifest.contains("[patch.crates-io]"), "{manifest}");
    assert!(manifest.contains("\n[workspace]\n"), "{manifest}");

    // Built as the README says, nothing edited. The build directory is kept
    // between test runs (it is the slow part), not the crate.
    let build_dir = target_dir().join("scaffold");
    let built = cargo()
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &build_dir)
        .env_remove("RUSTFLAGS")
        .args(["build", "--release", "--target", "wasm32-wasip2", "--quiet"])
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let component = build_dir.join("wasm32-wasip2/release/acme_lock_01.wasm");
    assert!(component.is_file());
    // Its unit test, natively, as its README says.
    let unit = cargo()
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &build_dir)
        .env_remove("RUSTFLAGS")
        .args(["test", "--quiet"])
        .output()
        .unwrap();
    assert!(
        unit.status.success(),
        "{}{}",
        String::from_utf8_lossy(&unit.stdout),
        String::from_utf8_lossy(&unit.stderr)
    );
    assert!(
        String::from_utf8_lossy(&unit.stdout).contains("test result: ok. 1 passed"),
        "{}",
        String::from_utf8_lossy(&unit.stdout)
    );

    // Its own cases pass against the component it built.
    let tested = mizuchi()
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &build_dir)
        .args(["--home", s(&m.home()), "rule", "test"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&tested.stdout);
    assert_eq!(
        tested.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&tested.stderr)
    );
    assert_eq!(stdout, "PASS: 4/4\n");

    // Packed from its own template, signed with a new key, trusted for
    // ACME- only, installed beside the official pack.
    let key = m.key("acme");
    let pack = m.path("acme-lock-01.pack");
    let b = m.run(&[
        "pack",
        "build",
        "-q",
        "--template",
        s(&krate.join("pack.json")),
        "--out",
        s(&pack),
        s(&component),
    ]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    sign(&m, &pack, &key);
    m.trust("ACME", "ACME-", &[&key], 1);
    m.installs(&official);
    assert!(
        m.installs(&pack)
            .contains("installed acme-lock-01 0.1.0; publisher ACME")
    );

    let out = m.run(&["eval", "--evidence", s(&sample()), "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 30);
    let mine = results
        .iter()
        .find(|r| r["rule"] == "ACME-LOCK-01")
        .unwrap();
    assert_eq!(mine["pack"], "acme-lock-01");
    // The sample's inventory was reviewed on 2025-12-15 and its assets all
    // belong to systems.
    assert_eq!(mine["outcome"], "pass", "{mine}");
    assert_eq!(
        results.iter().filter(|r| r["pack"] == "mlit-water").count(),
        29
    );
}

/// `componentize-py`, from PyPI (installed by `.ci/run`).
fn componentize_py() -> Command {
    Command::new(std::env::var_os("COMPONENTIZE_PY").unwrap_or_else(|| "componentize-py".into()))
}

#[test]
fn a_rule_in_python_built_from_source_decides_as_the_same_rule_in_rust() {
    // Built from source with componentize-py against the same WIT.
    let dir = tempfile::tempdir().unwrap();
    let python = dir.path().join("python");
    std::fs::create_dir_all(&python).unwrap();
    // Built in a copy: componentize-py's interpreter writes `__pycache__`
    // beside the sources it imports, and nothing is written into the tree.
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::copy(root().join("tests/python-guest/app.py"), src.join("app.py")).unwrap();
    let built = componentize_py()
        .current_dir(&src)
        .args(["-d", s(&root().join("sdk/wit")), "-w", "rule-module"])
        .args(["componentize", "app", "-o", s(&python.join("acme_py.wasm"))])
        .output()
        .expect(
            "componentize-py (PyPI `componentize-py`, installed by .ci/run; or set COMPONENTIZE_PY)",
        );
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let rust = mizuchi_tests::pack_of("acme-rust", &["acme_guest.wasm"]);

    // The same cases pass against both, in the sandbox.
    let cases = root().join("tests/python-guest/cases");
    for pack in [&python, &rust] {
        let out = run(&[
            "rule",
            "test",
            s(&cases),
            "--pack",
            s(pack),
            "--allow-unsigned",
            "-v",
        ]);
        assert_eq!(
            out.code,
            0,
            "{}: {}{}",
            pack.display(),
            out.stdout,
            out.stderr
        );
        assert!(out.stdout.ends_with("PASS: 5/5\n"), "{}", out.stdout);
    }

    // And on the sample, the very same findings, messages and evidence
    // references included.
    let findings = |pack: &Path| {
        let out = run(&[
            "eval",
            "--allow-unsigned",
            "--pack",
            s(pack),
            "--evidence",
            s(&sample()),
            "--format",
            "json",
        ]);
        assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
        let report = out.json();
        let result = report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == "ACME-CS-01")
            .cloned()
            .unwrap();
        (result["outcome"].clone(), result["findings"].clone())
    };
    let (py_outcome, py) = findings(&python);
    let (rs_outcome, rs) = findings(&rust);
    assert_eq!(py_outcome, rs_outcome);
    assert_eq!(py, rs);
    assert!(py.as_array().unwrap().len() >= 10, "{py}");
}

/// The example of evidence a pack defines: `tests/guests/acme-lock`, whose
/// `pack.json` defines `x-acme.screen-lock` with `screen-lock.schema.json`.
fn acme_lock() -> PathBuf {
    root().join("tests/guests/acme-lock")
}

#[test]
fn a_section_a_pack_defines_is_checked_against_its_schema_read_by_its_rule_and_vouched_for() {
    let (m, _, official) = regulator_setup("1.0.0");
    let key = m.key("acme");
    let pack = m.path("acme-lock.pack");
    let b = m.run(&[
        "pack",
        "build",
        "-q",
        "--template",
        s(&acme_lock().join("pack.json")),
        "--out",
        s(&pack),
        s(&wasm_dir().join("acme_lock_guest.wasm")),
    ]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    sign(&m, &pack, &key);
    m.trust("ACME", "ACME-", &[&key], 1);
    m.installs(&official);
    m.installs(&pack);

    // The utility adds the file; the bundle format becomes 2.1.0.
    let bundle = sample_copy();
    let dir = bundle.path();
    let added = m.run(&[
        "evidence",
        "add",
        s(&acme_lock().join("screen-lock.json")),
        "--section",
        "x-acme.screen-lock",
        "--into",
        s(dir),
    ]);
    assert_eq!(added.code, 0, "{}", added.stderr);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["format_version"], "2.1.0");
    let entry = &manifest["extensions"][0];
    assert_eq!(entry["section"], "x-acme.screen-lock");
    let file = entry["path"].as_str().unwrap().to_owned();
    let digest = entry["sha256"].as_str().unwrap().to_owned();
    let valid = m.run(&["--lang", "en", "evidence", "validate", s(dir)]);
    assert_eq!(valid.code, 0, "{}{}", valid.stdout, valid.stderr);
    assert!(!valid.stdout.contains("x-acme"), "{}", valid.stdout);

    // The rule reads it in the sandbox, beside the official inventory.
    let ledger = m.path("results.jsonl");
    let utility = m.key("utility");
    let out = m.run(&[
        "eval",
        "--evidence",
        s(dir),
        "--format",
        "json",
        "--key",
        s(&utility),
        "--ledger",
        s(&ledger),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report = out.json();
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 30);
    let mine = results
        .iter()
        .find(|r| r["rule"] == "ACME-LOCK-01")
        .unwrap();
    let findings: Vec<(String, String)> = mine["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["subject"]["id"].as_str().unwrap().to_owned(),
                f["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        ("KTN-HMI-01", "pass"),
        ("KTN-HMI-02", "fail"),
        ("HGS-HMI-01", "fail"),
        ("SKR-HMI-01", "insufficient-evidence"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(findings, want);

    // The signed result names the file with its digest, as the run's header does.
    let lines = std::fs::read_to_string(&ledger).unwrap();
    let statements: Vec<Value> = lines.lines().map(mizuchi_tests::packs::statement).collect();
    let names = |st: &Value| -> Vec<(String, String)> {
        st["subject"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["name"].as_str().unwrap().to_owned(),
                    d["digest"]["sha256"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let result = statements
        .iter()
        .find(|st| st["predicate"]["rule"]["id"] == "ACME-LOCK-01")
        .unwrap();
    assert!(
        names(result).contains(&(file.clone(), digest.clone())),
        "{result}"
    );
    assert!(names(&statements[0]).contains(&(file.clone(), digest.clone())));
    let official_rule = statements
        .iter()
        .find(|st| st["predicate"]["rule"]["id"] == "MLIT-ORD-01")
        .unwrap();
    assert!(!names(official_rule).iter().any(|(n, _)| *n == file));

    // A file against the schema is refused by file and JSON path, in both
    // languages, by `validate` and before any rule runs.
    let path = dir.join(&file);
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "\"lock_after_minutes\": 30",
        "\"lock_after_minutes\": \"30分\"",
    );
    std::fs::write(&path, text).unwrap();
    assert_eq!(m.run(&["evidence", "seal", s(dir)]).code, 0);
    let en = m.run(&["--lang", "en", "evidence", "validate", s(dir)]);
    assert_eq!(en.code, 2, "{}", en.stdout);
    let at = format!("{file} $.hmis[1].lock_after_minutes");
    assert!(
        en.stdout
            .contains(&format!("error: {at}: \"30分\" is not of types")),
        "{}",
        en.stdout
    );
    let ja = m.run(&["--lang", "ja", "evidence", "validate", s(dir)]);
    assert!(
        ja.stdout.contains(&format!("エラー: {at}: 型が違います")),
        "{}",
        ja.stdout
    );
    let refused = m.run(&["--lang", "en", "eval", "--evidence", s(dir)]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains(&at), "{}", refused.stderr);

    // The official sections stay closed, and a pack defines sections only
    // in its publisher's namespace, with a schema that is one.
    let bad = m.path("bad-pack");
    std::fs::create_dir_all(&bad).unwrap();
    let template: Value =
        serde_json::from_slice(&std::fs::read(acme_lock().join("pack.json")).unwrap()).unwrap();
    let refusals = [
        (
            "inventory",
            "{}",
            "`inventory` is an official evidence section",
        ),
        (
            "x-widgetco.lock",
            "{}",
            "publisher `ACME` may define only `x-acme.<name>`",
        ),
        (
            "x-acme.screen-lock",
            "{\"type\": 12}",
            "is not a valid JSON Schema",
        ),
    ];
    for (section, schema, expected) in refusals {
        let mut t = template.clone();
        t["extensions"][0]["section"] = section.into();
        std::fs::write(bad.join("pack.json"), t.to_string()).unwrap();
        std::fs::write(bad.join("screen-lock.schema.json"), schema).unwrap();
        let r = m.run(&[
            "--lang",
            "en",
            "pack",
            "build",
            "--template",
            s(&bad.join("pack.json")),
            "--out",
            s(&bad.join("x.pack")),
            s(&wasm_dir().join("acme_lock_guest.wasm")),
        ]);
        assert_eq!(r.code, 2, "{section}: {}", r.stderr);
        assert!(r.stderr.contains(expected), "{section}: {}", r.stderr);
        assert!(!bad.join("x.pack").exists());
    }
    // One definition of a section among the installed packs.
    let mut t = template.clone();
    t["name"] = "acme-lock-fork".into();
    std::fs::write(bad.join("pack.json"), t.to_string()).unwrap();
    std::fs::write(bad.join("screen-lock.schema.json"), r#"{"type": "object"}"#).unwrap();
    let fork = bad.join("fork.pack");
    let r = m.run(&[
        "pack",
        "build",
        "-q",
        "--template",
        s(&bad.join("pack.json")),
        "--out",
        s(&fork),
        s(&wasm_dir().join("acme_lock_guest.wasm")),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    sign(&m, &fork, &key);
    let before = m.snapshot();
    let r = m.run(&["--lang", "en", "pack", "install", s(&fork)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "packs `acme-lock` and `acme-lock-fork` define the extension section `x-acme.screen-lock` with different schemas"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(m.snapshot(), before, "a refused install wrote something");
}

#[test]
fn a_rule_test_patches_a_section_its_pack_defines() {
    let m = mizuchi_tests::packs::Machine::new();
    let dir = m.path("acme-lock");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["pack.json", "screen-lock.schema.json"] {
        std::fs::copy(acme_lock().join(f), dir.join(f)).unwrap();
    }
    std::fs::copy(
        wasm_dir().join("acme_lock_guest.wasm"),
        dir.join("acme_lock_guest.wasm"),
    )
    .unwrap();
    let out = m.run(&[
        "rule",
        "test",
        s(&acme_lock().join("cases")),
        "--pack",
        s(&dir),
        "--allow-unsigned",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "PASS: 3/3\n");
}
