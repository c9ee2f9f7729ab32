//! Evidence bundles: validation of the sample and of a corpus of broken
//! bundles, importers on real and realistic files, summaries, archives and
//! the synthetic generator.

use std::path::Path;

use mizuchi_tests::{fixtures, realworld, run, s, sample, write_bundle};
use serde_json::Value;

/// The problems `evidence validate` reports, as JSON.
fn problems(bundle: &Path) -> (i32, Vec<Value>) {
    let out = run(&["evidence", "validate", s(bundle), "--format", "json"]);
    let v = out.json();
    (
        out.code,
        v["problems"].as_array().cloned().unwrap_or_default(),
    )
}

fn has(problems: &[Value], file: &str, line: Option<u64>, path: Option<&str>, text: &str) -> bool {
    problems.iter().any(|p| {
        p["severity"] == "error"
            && p["file"] == file
            && line.is_none_or(|l| p["line"] == l)
            && path.is_none_or(|x| p["path"] == x)
            && p["message"]["en"].as_str().unwrap_or("").contains(text)
            && !p["message"]["ja"].as_str().unwrap_or("").is_empty()
    })
}

#[test]
fn the_sample_validates() {
    let out = run(&["evidence", "validate", s(&sample()), "--lang", "en"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(": 0 errors"), "{}", out.stdout);
}

#[test]
fn broken_bundles_exit_2_naming_file_line_and_path() {
    let b = fixtures().join("bundles");
    // (bundle, file, line, JSON path, what the message says)
    type Case = (
        &'static str,
        &'static str,
        Option<u64>,
        Option<&'static str>,
        &'static str,
    );
    let cases: &[Case] = &[
        (
            "broken-digest",
            "networks.json",
            None,
            None,
            "does not match its digest",
        ),
        (
            "broken-missing-file",
            "people.json",
            None,
            None,
            "listed in the manifest but missing",
        ),
        (
            "broken-reference",
            "inventory.json",
            None,
            Some("$.assets[0].networks[1]"),
            "network `office` is not in",
        ),
        (
            "broken-jsonl-line7",
            "auth-events.jsonl",
            Some(7),
            None,
            "not valid JSON",
        ),
        (
            "broken-escape",
            "manifest.json",
            None,
            Some("$.files[3].path"),
            "points outside the bundle",
        ),
        (
            "broken-duplicate-key",
            "inventory.json",
            Some(6),
            None,
            "duplicate key `name` in the object at $.assets[0]",
        ),
    ];
    for (dir, file, line, path, text) in cases {
        let (code, p) = problems(&b.join(dir));
        assert_eq!(code, 2, "{dir}");
        assert!(
            has(&p, file, *line, *path, text),
            "{dir}: expected {file} {line:?} {path:?} `{text}` in {p:#?}"
        );
    }
    // Text output names them the same way.
    let out = run(&[
        "evidence",
        "validate",
        s(&b.join("broken-jsonl-line7")),
        "--lang",
        "en",
    ]);
    assert!(
        out.stdout.contains("error: auth-events.jsonl:7:"),
        "{}",
        out.stdout
    );
}

fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(fixtures().join("bundles").join(name)).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    dir
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_is_refused() {
    let dir = fixture_copy("all-pass");
    let target = dir.path().join("networks-real.json");
    std::fs::rename(dir.path().join("networks.json"), &target).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("networks.json")).unwrap();
    let (code, p) = problems(dir.path());
    assert_eq!(code, 2);
    assert!(
        has(&p, "networks.json", None, None, "symbolic link"),
        "{p:#?}"
    );
}

#[test]
fn invalid_utf8_and_inexact_numbers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = br#"{"assets":[{"id":"A","name":"caf"#.to_vec();
    bad.extend([0xE9, b'"']);
    bad.extend(br#","kind":"hmi"}]}"#);
    let log = b"{\"time\":\"2026-04-01T00:00:00Z\",\"kind\":\"logon-success\",\"system\":\"a\",\"account\":\"b\",\"record_id\":9007199254740993}\n".to_vec();
    write_bundle(
        dir.path(),
        &[
            ("inventory.json", "inventory", bad),
            ("auth.jsonl", "auth-events", log),
        ],
    );
    let (code, p) = problems(dir.path());
    assert_eq!(code, 2);
    assert!(
        has(&p, "inventory.json", None, None, "is not UTF-8"),
        "{p:#?}"
    );
    assert!(
        has(&p, "auth.jsonl", Some(1), None, "outside ±(2^53−1)"),
        "{p:#?}"
    );
}

#[test]
fn document_problems_come_in_manifest_order_and_a_second_file_for_a_section_is_refused() {
    // Documents are checked on several threads, largest first; what they
    // find is still listed in the order of the manifest.
    let dir = tempfile::tempdir().unwrap();
    let big_bad = format!(
        r#"{{"people":[{}{{"id":"P","name":"x","kind":"staff","unknown":1}}]}}"#,
        r#"{"id":"Q","name":"y","kind":"staff"},"#.repeat(2000)
    );
    write_bundle(
        dir.path(),
        &[
            ("sites.json", "sites", b"{\"sites\": [}".to_vec()),
            ("people.json", "people", big_bad.into_bytes()),
            ("networks.json", "networks", b"[1]".to_vec()),
            ("people-2.json", "people", b"{}".to_vec()),
        ],
    );
    let (code, p) = problems(dir.path());
    assert_eq!(code, 2, "{p:#?}");
    let files: Vec<&str> = p
        .iter()
        .filter(|p| p["severity"] == "error")
        .filter_map(|p| p["file"].as_str())
        .collect();
    assert_eq!(
        files,
        [
            "manifest.json",
            "sites.json",
            "people.json",
            "networks.json"
        ],
        "{p:#?}"
    );
    assert!(
        has(
            &p,
            "manifest.json",
            None,
            Some("$.files[3]"),
            "section `people` is in both `people.json` and `people-2.json`"
        ),
        "{p:#?}"
    );
    assert!(
        has(
            &p,
            "people.json",
            None,
            Some("$.people[2000]"),
            "unknown field `unknown`"
        ),
        "{p:#?}"
    );
}

#[test]
fn evtx_import_yields_the_logon_events_in_utc() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b");
    let out = run(&[
        "evidence",
        "import",
        "evtx",
        s(&realworld("security.evtx")),
        "--into",
        s(&bundle),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = run(&["evidence", "summary", s(&bundle), "--format", "json"]).json();
    let auth = &v["sections"]["auth-events"];
    // Every Security event a rule can use, not only logons (the reference
    // test compares them field by field with an independent parser).
    assert_eq!(auth["records"]["events"], 703);
    assert_eq!(auth["kinds"]["logon-success"], 583);
    assert_eq!(auth["event_ids"]["4624"], 583);
    assert_eq!(auth["event_ids"]["4720"], 2);
    assert_eq!(auth["event_ids"]["4732"], 6);
    assert_eq!(auth["kinds"]["account-changed"], 24);
    assert_eq!(auth["first"], "2016-07-08T18:12:51.6816408Z");

    let out = run(&[
        "evidence",
        "import",
        "evtx",
        s(&realworld("logon-4624-4625-type2.evtx")),
        "--into",
        s(&bundle),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = std::fs::read_dir(bundle.join("auth-events"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| std::fs::read_to_string(p).unwrap().lines().count() == 4)
        .unwrap();
    let lines: Vec<Value> = std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let success = lines
        .iter()
        .filter(|e| e["kind"] == "logon-success")
        .count();
    let failures: Vec<&Value> = lines
        .iter()
        .filter(|e| e["kind"] == "logon-failure")
        .collect();
    assert_eq!((success, failures.len()), (3, 1));
    assert_eq!(failures[0]["account"], "IEUser");
    assert_eq!(failures[0]["logon_type"], 2);
    assert_eq!(failures[0]["status"], "0xC000006D");
    assert_eq!(failures[0]["sub_status"], "0xC000006A");
    assert_eq!(failures[0]["time"], "2020-09-09T13:18:23.6279525Z");
    let v = run(&["evidence", "summary", s(&bundle), "--format", "json"]).json();
    assert_eq!(v["sections"]["auth-events"]["event_ids"]["4625"], 1);
    assert_eq!(v["sections"]["auth-events"]["event_ids"]["4624"], 586);
}

#[test]
fn importing_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b");
    let evtx = realworld("logon-4624-4625-type2.evtx");
    let inv = fixtures().join("import/inventory-en.csv");
    run(&["evidence", "import", "evtx", s(&evtx), "--into", s(&bundle)]);
    run(&["evidence", "import", "sheet", s(&inv), "--into", s(&bundle)]);
    let before = std::fs::read(bundle.join("manifest.json")).unwrap();
    let again = run(&["evidence", "import", "evtx", s(&evtx), "--into", s(&bundle)]);
    assert!(
        again.stderr.contains("already imported"),
        "{}",
        again.stderr
    );
    run(&["evidence", "import", "sheet", s(&inv), "--into", s(&bundle)]);
    assert_eq!(before, std::fs::read(bundle.join("manifest.json")).unwrap());
}

#[test]
fn a_shift_jis_inventory_with_japanese_headers_and_era_dates_equals_its_english_twin() {
    let dir = tempfile::tempdir().unwrap();
    let (en, ja) = (dir.path().join("en"), dir.path().join("ja"));
    let i = fixtures().join("import");
    for (csv, bundle) in [("inventory-en.csv", &en), ("inventory-ja-sjis.csv", &ja)] {
        let out = run(&[
            "evidence",
            "import",
            "sheet",
            s(&i.join(csv)),
            "--into",
            s(bundle),
        ]);
        assert_eq!(out.code, 0, "{csv}: {}", out.stderr);
    }
    let read = |b: &Path| -> Value {
        serde_json::from_slice(&std::fs::read(b.join("inventory.json")).unwrap()).unwrap()
    };
    let (a, b) = (read(&en), read(&ja));
    assert_eq!(a, b);
    assert_eq!(a["assets"].as_array().unwrap().len(), 5);
    assert_eq!(b["assets"][0]["id"], "KTN-HMI-01");
    assert_eq!(
        b["assets"][0]["anti_malware"]["definitions_updated_on"],
        "2026-09-30"
    );
    assert_eq!(
        b["assets"][4]["exposed_services"][1]["exposure"],
        "internet"
    );
}

#[test]
fn an_unreadable_row_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("inv.csv");
    std::fs::write(&csv, "id,name,kind,control system,anti-malware,definitions updated\nA1,a,hmi,yes,yes,R1.4.30\nA2,b,scada,maybe,yes,2026-01-01\n").unwrap();
    let bundle = dir.path().join("b");
    run(&[
        "evidence",
        "init",
        s(&bundle),
        "--utility-id",
        "X",
        "--collected-on",
        "2026-11-20",
    ]);
    let before = std::fs::read(bundle.join("manifest.json")).unwrap();
    for (lang, expected) in [
        (
            "en",
            [
                "inv.csv, line 2, column `definitions updated`: `R1.4.30` is not a day of the 令和 era",
                "inv.csv, line 3, column `kind`: `scada` is not one of the values allowed",
                "inv.csv, line 3, column `control system`: `maybe` is not yes or no",
                "hint: fix those rows, or pass --skip-bad-rows",
            ],
        ),
        (
            "ja",
            [
                "inv.csv 2 行目 列「definitions updated」: `R1.4.30` は令和の期間",
                "inv.csv 3 行目 列「kind」: `scada` は使える値ではありません",
                "inv.csv 3 行目 列「control system」: `maybe` ははい・いいえではありません",
                "ヒント: その行を直すか",
            ],
        ),
    ] {
        let out = run(&[
            "--lang",
            lang,
            "evidence",
            "import",
            "sheet",
            s(&csv),
            "--into",
            s(&bundle),
        ]);
        assert_eq!(out.code, 2);
        for e in expected {
            assert!(out.stderr.contains(e), "{lang}: `{e}` in\n{}", out.stderr);
        }
    }
    assert_eq!(before, std::fs::read(bundle.join("manifest.json")).unwrap());
    let files: Vec<_> = std::fs::read_dir(&bundle).unwrap().collect();
    assert_eq!(files.len(), 1, "only the manifest: {files:?}");

    // Into a bundle that does not exist yet, a failed import leaves no
    // directory behind.
    let fresh = dir.path().join("fresh");
    let out = run(&["evidence", "import", "sheet", s(&csv), "--into", s(&fresh)]);
    assert_eq!(out.code, 2);
    assert!(!fresh.exists());
}

#[test]
fn event_viewer_exports_sshd_door_and_backup_logs_import() {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("b");
    let i = fixtures().join("import");
    let init = run(&[
        "evidence",
        "init",
        s(&b),
        "--utility-id",
        "X",
        "--collected-on",
        "2026-11-27",
    ]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    for (kind, file, extra) in [
        (
            "windows-csv",
            "windows-security-ja.csv",
            vec!["--system", "HGS-HMI-01"],
        ),
        (
            "windows-csv",
            "windows-security-en.csv",
            vec!["--system", "DC01"],
        ),
        ("sshd", "auth.log", vec![]),
        ("sheet", "door.csv", vec![]),
        ("sheet", "backups.csv", vec![]),
    ] {
        let mut args = vec!["evidence", "import", kind];
        let path = i.join(file);
        args.push(s(&path));
        args.extend(["--into", s(&b)]);
        args.extend(extra);
        let out = run(&args);
        assert_eq!(out.code, 0, "{file}: {}", out.stderr);
    }
    let v = run(&["evidence", "summary", s(&b), "--format", "json"]).json();
    let auth = &v["sections"]["auth-events"];
    assert_eq!(auth["kinds"]["logon-failure"], 3, "{auth}");
    assert_eq!(auth["kinds"]["logon-success"], 2, "{auth}");
    assert_eq!(auth["kinds"]["lockout"], 1, "{auth}");
    // Event Viewer writes local time: 2026/04/01 9:00:01 JST is 00:00:01 UTC.
    assert_eq!(auth["first"], "2026-04-01T00:00:01Z");
    assert_eq!(v["sections"]["door-events"]["kinds"]["granted"], 2);
    assert_eq!(v["sections"]["door-events"]["kinds"]["denied"], 1);
    assert_eq!(v["sections"]["backups"]["records"]["runs"], 3);
    let jsonl: String = std::fs::read_dir(b.join("auth-events"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(jsonl.contains(r#""account":"operator","domain":"HGS-HMI-01","source":"127.0.0.1","logon_type":2,"status":"0xC000006D","sub_status":"0xC000006A""#), "{jsonl}");
    assert!(
        jsonl.contains(
            r#""kind":"lockout","system":"DC01","account":"operator","source":"HGS-HMI-01""#
        ),
        "{jsonl}"
    );
    assert!(jsonl.contains(r#""time":"2026-11-20T00:00:01Z","kind":"logon-failure","system":"plant-gw","account":"admin","source":"203.0.113.7""#), "{jsonl}");
}

#[test]
fn an_archive_is_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let tar = dir.path().join("minamiyama.tar");
    let out = run(&["evidence", "archive", s(&sample()), "--out", s(&tar)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let again = dir.path().join("again.tar");
    run(&["evidence", "archive", s(&sample()), "--out", s(&again)]);
    assert_eq!(
        std::fs::read(&tar).unwrap(),
        std::fs::read(&again).unwrap(),
        "archives are deterministic"
    );
    assert_eq!(run(&["evidence", "validate", s(&tar)]).code, 0);
    let from_dir = run(&["evidence", "summary", s(&sample()), "--format", "json"]).json();
    let from_tar = run(&["evidence", "summary", s(&tar), "--format", "json"]).json();
    assert_eq!(from_dir, from_tar);
}

#[test]
fn synthetic_bundles_are_valid_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let r = run(&[
            "evidence",
            "synth",
            "--out",
            s(out),
            "--seed",
            "7",
            "--assets",
            "50",
            "--people",
            "60",
            "--auth-events",
            "20000",
            "--door-events",
            "3000",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    assert_eq!(
        std::fs::read(a.join("manifest.json")).unwrap(),
        std::fs::read(b.join("manifest.json")).unwrap()
    );
    let v = run(&["evidence", "validate", s(&a), "--format", "json"]);
    assert_eq!(v.code, 0, "{}", v.stdout);
    let logs = &v.json()["logs"];
    assert_eq!(logs["auth-events.jsonl"]["records"], 20000);
    assert_eq!(logs["door-events.jsonl"]["records"], 3000);
}
