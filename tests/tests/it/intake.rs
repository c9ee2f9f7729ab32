//! Evidence intake from what utilities really keep: a second utility built
//! from its own workbook and exports alone, the sample rebuilt from its
//! sources, Windows logs checked field by field against an independent
//! parser, and the honesty of intake (nothing dropped or defaulted in
//! silence, nothing half-written).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use mizuchi_tests::{fixtures, mizuchi_exe, official_pack, realworld, root, run, s, sample};
use serde_json::Value;

fn kitahama() -> PathBuf {
    fixtures().join("utilities/kitahama")
}

/// Runs `mizuchi` and requires exit 0.
fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(out.code, 0, "mizuchi {}: {}", args.join(" "), out.stderr);
    out.stderr
}

/// Builds the second utility's bundle with import commands alone.
fn build_kitahama(bundle: &Path) {
    let k = kitahama();
    ok(&[
        "evidence",
        "init",
        s(bundle),
        "--utility-id",
        "JP-KITAHAMA",
        "--utility-name",
        "北浜町上下水道課",
        "--collected-on",
        "2026-11-27",
        "--assessment-date",
        "2026-11-27",
    ]);
    let workbook = k.join("北浜町_証跡.xlsx");
    ok(&[
        "evidence",
        "import",
        "sheet",
        s(&workbook),
        "--into",
        s(bundle),
    ]);
    let ad = k.join("AD_users.csv");
    ok(&[
        "evidence",
        "import",
        "ad-users",
        s(&ad),
        "--into",
        s(bundle),
        "--system",
        "SYS-OFFICE",
    ]);
    let events = k.join("Security_forwarded.xml");
    ok(&[
        "evidence",
        "import",
        "windows-xml",
        s(&events),
        "--into",
        s(bundle),
    ]);
}

#[test]
fn a_utility_with_only_spreadsheets_and_exports_gets_a_definite_outcome_from_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("kitahama");
    build_kitahama(&bundle);
    let v = run(&["evidence", "validate", s(&bundle), "--format", "json"]).json();
    assert_eq!(v["problems"].as_array().map(Vec::len), Some(0), "{v:#}");

    let out = run(&[
        "eval",
        "--pack",
        s(&official_pack()),
        "--evidence",
        s(&bundle),
        "--format",
        "json",
    ]);
    let report = out.json();
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 29);
    // Expected outcomes, written from the catalog (second edition) and the
    // facts recorded in the workbook before running the engine.
    let expected: BTreeMap<&str, &str> = [
        // p12 left on 2026-06-30 and still has an enabled AD account that
        // logged on on 2026-07-05.
        ("MLIT-ACC-02", "fail"),
        // No asset offers a service to the internet.
        ("MLIT-ACC-03", "not-applicable"),
        // PLC-1 has no anti-malware but has no media ports and stands only
        // on the closed control LAN.
        ("MLIT-ORD-02", "pass-alternative"),
    ]
    .into();
    for r in results {
        let rule = r["rule"].as_str().unwrap();
        let want = expected.get(rule).copied().unwrap_or("pass");
        assert_eq!(r["outcome"], want, "{rule}: {r:#}");
        for f in r["findings"].as_array().unwrap() {
            assert_ne!(f["status"], "insufficient-evidence", "{rule}: {f:#}");
        }
    }
}

#[test]
fn the_sample_rebuilds_from_its_sources_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("bundle");
    let status = Command::new("sh")
        .arg(root().join("samples/minamiyama/build.sh"))
        .arg(&out_dir)
        .env("MIZUCHI", mizuchi_exe())
        .env("MIZUCHI_LANG", "en")
        .output()
        .expect("run build.sh");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let files = |d: &Path| -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![d.to_path_buf()];
        while let Some(p) = stack.pop() {
            for e in std::fs::read_dir(&p).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(d).unwrap().to_string_lossy().into_owned();
                    out.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
        out
    };
    let (rebuilt, checked_in) = (files(&out_dir), files(&sample()));
    assert_eq!(
        rebuilt.keys().collect::<Vec<_>>(),
        checked_in.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &rebuilt {
        assert!(
            bytes == &checked_in[name],
            "{name} differs from the checked-in sample: rebuild it with `samples/minamiyama/build.sh`"
        );
    }
    // The year-less syslog says which year was assumed, in the manifest.
    let manifest: Value = serde_json::from_slice(&rebuilt["manifest.json"]).unwrap();
    let sshd = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().starts_with("auth-events/sshd-"))
        .unwrap();
    assert!(
        sshd["sources"][0]["assumed"]["year"].is_string(),
        "{sshd:#}"
    );
}

#[test]
fn the_bundle_layout_leaves_out_only_what_reads_back_as_not_recorded() {
    // The bundle writes a document one list item per line and leaves out
    // its `null` fields. For every document of the sample: its typed value
    // with every unrecorded field written out as `null` (the JSON view),
    // laid out again, must read back to the very same value.
    use mizuchi_evidence::{SectionKind, SectionShape};
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(sample().join("manifest.json")).unwrap()).unwrap();
    let (mut documents, mut nulls) = (0, 0);
    for f in manifest["files"].as_array().unwrap() {
        let kind: SectionKind = serde_json::from_value(f["kind"].clone()).unwrap();
        if kind.shape() != SectionShape::Document {
            continue;
        }
        let path = sample().join(f["path"].as_str().unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        let encoded = mizuchi_evidence::encode_document(kind, &text).unwrap();
        let with_nulls = mizuchi_evidence::document_json(kind, &encoded).unwrap();
        nulls += with_nulls.matches(":null").count();
        let value: Value = serde_json::from_str(&with_nulls).unwrap();
        let laid_out = mizuchi_evidence::canonical_document(kind, &value).unwrap();
        let laid_out = String::from_utf8(laid_out).unwrap();
        assert_eq!(
            mizuchi_evidence::encode_document(kind, &laid_out).unwrap(),
            encoded,
            "{kind}: laid out, it reads back differently"
        );
        // What the bundle holds is that layout, and it has no `null` field.
        assert_eq!(
            laid_out, text,
            "{kind}: the sample is not in the bundle layout"
        );
        assert!(
            !laid_out.contains(":null"),
            "{kind}: a null field is written"
        );
        documents += 1;
    }
    assert_eq!(documents, 10, "every document section of the sample");
    assert!(nulls > 100, "only {nulls} unrecorded fields were tested");
}

/// Runs the independent python-evtx reference on `file` with `args`.
fn reference(args: &[&str], file: &Path) -> Vec<Value> {
    let out = Command::new("python3")
        .arg(root().join("tests/evtx_reference.py"))
        .args(args)
        .arg(file)
        .output()
        .expect("python3 runs (`.ci/run` installs it)");
    assert!(
        out.status.success(),
        "the python-evtx reference failed (install it with `pip install python-evtx`, as `.ci/run` does): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// An imported event in the reference's terms: status codes as numbers,
/// absent fields as null, the time in nanoseconds.
fn as_reference(e: &Value) -> Value {
    let time: jiff::Timestamp = e["time"].as_str().unwrap().parse().unwrap();
    let code = |v: &Value| match v.as_str() {
        Some(h) => Value::from(u64::from_str_radix(h.trim_start_matches("0x"), 16).unwrap()),
        None => Value::Null,
    };
    serde_json::json!({
        "record_id": e["record_id"],
        "event_id": e["event_id"],
        "kind": e["kind"],
        "time_ns": i64::try_from(time.as_nanosecond()).unwrap(),
        "system": e["system"],
        "account": e["account"],
        "source": e["source"],
        "logon_type": e["logon_type"],
        "status": code(&e["status"]),
        "sub_status": code(&e["sub_status"]),
        "actor": e["actor"],
        "group": e["group"],
    })
}

/// The events imported from `file` into a fresh bundle, by record id, and
/// the import's report.
fn imported(file: &Path, extra: &[&str]) -> (Vec<Value>, Value) {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b");
    let mut args = vec!["evidence", "import", "evtx", s(file), "--into", s(&bundle)];
    args.extend(extra);
    args.extend(["--format", "json"]);
    let out = run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report = out.json();
    let mut events: Vec<Value> = Vec::new();
    for f in report[0]["files"].as_array().unwrap() {
        let text = std::fs::read_to_string(bundle.join(f.as_str().unwrap())).unwrap();
        events.extend(
            text.lines()
                .map(|l| as_reference(&serde_json::from_str(l).unwrap())),
        );
    }
    events.sort_by_key(|e| e["record_id"].as_u64());
    (events, report)
}

#[test]
fn every_kept_windows_event_matches_an_independent_parser_field_by_field() {
    let mut kinds: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for name in [
        "security.evtx",
        "Security_with_size_t.evtx",
        "logon-4624-4625-type2.evtx",
        "new-user-security.evtx",
    ] {
        let file = realworld(name);
        let want = reference(&[], &file);
        let (got, _) = imported(&file, &[]);
        assert_eq!(got.len(), want.len(), "{name}: events kept");
        for (g, w) in got.iter().zip(&want) {
            let (mut g, mut w) = (g.clone(), w.clone());
            let (gt, wt) = (g["time_ns"].take(), w["time_us"].take());
            // python-evtx renders the 100 ns ticks through a float of
            // seconds and truncates: a few microseconds off, far below the
            // second that any rule's time window counts in.
            let drift = gt.as_i64().unwrap() - wt.as_i64().unwrap() * 1000;
            assert!(
                drift.abs() <= 5_000,
                "{name}: record {}: {gt} ns against {wt} µs",
                w["record_id"]
            );
            g.as_object_mut().unwrap().remove("time_ns");
            w.as_object_mut().unwrap().remove("time_us");
            assert_eq!(g, w, "{name}: record {}", w["record_id"]);
            *kinds
                .entry(name)
                .or_default()
                .entry(g["kind"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    // What the files hold: logons, explicit credentials and the account
    // management of `security.evtx` (creations, changes, renames, group
    // membership), the failures and service stops of
    // `Security_with_size_t.evtx` (its 21 × 4776 all succeeded: status 0).
    let k = &kinds["security.evtx"];
    assert_eq!(k.values().sum::<usize>(), 703);
    assert_eq!(
        (
            k["account-created"],
            k["group-member-added"],
            k["account-changed"]
        ),
        (2, 8, 24)
    );
    let k = &kinds["Security_with_size_t.evtx"];
    assert_eq!(
        (
            k["logon-success"],
            k["logon-failure"],
            k["explicit-credentials"],
            k["logging-stopped"]
        ),
        (126, 15, 92, 3)
    );
}

#[test]
fn a_damaged_evtx_keeps_its_intact_chunks_and_names_the_damaged_ones() {
    let file = realworld("sample_with_a_bad_chunk_magic.evtx");
    let chunks = reference(&["--chunks"], &file);
    let (damaged, intact): (Vec<&Value>, Vec<&Value>) = chunks.iter().partition(|c| {
        !(c["magic"] == true && c["header_crc_ok"] == true && c["data_crc_ok"] == true)
    });
    let (events, report) = imported(&file, &[]);
    assert!(
        events.is_empty(),
        "the intact chunk holds no Security event"
    );
    // Every record of the intact chunks was read: kept or skipped by reason.
    let skipped: u64 = report[0]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_u64().unwrap())
        .sum();
    let intact_records: u64 = intact.iter().map(|c| c["records"].as_u64().unwrap()).sum();
    assert_eq!((intact.len(), skipped), (1, intact_records));
    assert_eq!(intact_records, 129);
    let warnings: Vec<&str> = report[0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["en"].as_str().unwrap())
        .collect();
    assert_eq!(warnings.len(), damaged.len(), "{warnings:#?}");
    for c in &damaged {
        let offset = format!("at byte offset {} ", c["offset"]);
        assert!(
            warnings.iter().any(|w| w.contains(&offset)),
            "{offset}: {warnings:#?}"
        );
    }
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("at byte offset 397312 "))
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("at byte offset 659456 "))
    );

    // `--strict` refuses the file, naming the first damaged chunk, and
    // leaves no bundle behind.
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b");
    for (lang, text) in [
        ("en", "chunk 0 at byte offset 4096 is damaged"),
        ("ja", "チャンク 0 (オフセット 4096) が壊れている"),
    ] {
        let out = run(&[
            "--lang",
            lang,
            "evidence",
            "import",
            "evtx",
            s(&file),
            "--into",
            s(&bundle),
            "--strict",
        ]);
        assert_eq!(out.code, 2);
        assert!(out.stderr.contains(text), "{}", out.stderr);
        assert!(!bundle.exists());
    }
}

/// Writes `text` to `name` in `dir` and returns its path.
fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn unused_and_orphaned_columns_are_reported_and_absent_columns_stay_unrecorded() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b");
    // 導入年月日 is used by no section; 設置場所 (area) needs 拠点 (site).
    let csv = file(
        dir.path(),
        "資産.csv",
        "資産ID,名称,種別,導入年月日,設置場所\nHMI-01,監視端末,監視操作端末,2020/4/1,ccr\n",
    );
    let out = run(&[
        "--lang",
        "ja",
        "evidence",
        "import",
        "sheet",
        s(&csv),
        "--into",
        s(&bundle),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("列「設置場所」には列「拠点」も必要です"),
        "{}",
        out.stderr
    );
    let csv = file(
        dir.path(),
        "資産.csv",
        "資産ID,名称,種別,導入年月日\nHMI-01,監視端末,監視操作端末,2020/4/1\n",
    );
    let out = run(&["evidence", "import", "sheet", s(&csv), "--into", s(&bundle)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "column `導入年月日` is not used by any section: ignored (1 cell held a value)"
        ),
        "{}",
        out.stderr
    );
    let inv: Value =
        serde_json::from_slice(&std::fs::read(bundle.join("inventory.json")).unwrap()).unwrap();
    let a = &inv["assets"][0];
    // No column for them: not recorded, never "no".
    assert_eq!(a["control_system"], Value::Null);
    assert_eq!(a["authentication"], Value::Null);
    assert_eq!(a["networks"], Value::Null);
}

#[test]
fn hand_edits_are_kept_unless_replaced_and_a_hand_written_file_can_be_added() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b");
    let csv = file(
        dir.path(),
        "研修.csv",
        "職員ID,研修名,情報セキュリティ,受講日\nP-1,研修,○,令和8年6月1日\n",
    );
    ok(&["evidence", "import", "sheet", s(&csv), "--into", s(&bundle)]);
    // Someone edits the imported file by hand and seals the bundle.
    let training = bundle.join("training.json");
    let text = std::fs::read_to_string(&training)
        .unwrap()
        .replace("P-1", "P-2");
    std::fs::write(&training, text).unwrap();
    ok(&["evidence", "seal", s(&bundle)]);
    // Re-importing would discard the edit: refused, and the edit stays.
    let csv = file(
        dir.path(),
        "研修.csv",
        "職員ID,研修名,情報セキュリティ,受講日\nP-1,研修,○,令和8年6月2日\n",
    );
    let out = run(&["evidence", "import", "sheet", s(&csv), "--into", s(&bundle)]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--replace"), "{}", out.stderr);
    let now = std::fs::read_to_string(&training).unwrap();
    assert!(now.contains("P-2"), "{now}");
    ok(&[
        "evidence",
        "import",
        "sheet",
        s(&csv),
        "--into",
        s(&bundle),
        "--replace",
    ]);

    // A section written by hand joins the manifest with `evidence add`.
    let people = file(
        dir.path(),
        "people.json",
        r#"{"people": [{"id": "P-1", "name": "一郎", "kind": "staff"}]}"#,
    );
    ok(&[
        "evidence",
        "add",
        s(&people),
        "--section",
        "people",
        "--into",
        s(&bundle),
    ]);
    let v = run(&["evidence", "validate", s(&bundle), "--format", "json"]).json();
    assert_eq!(v["problems"].as_array().map(Vec::len), Some(0), "{v:#}");
    let summary = run(&["evidence", "summary", s(&bundle), "--format", "json"]).json();
    assert_eq!(
        summary["sections"]["people"]["records"]["people"], 1,
        "{summary:#}"
    );
}

#[test]
fn a_syslog_without_years_is_imported_again_when_the_year_changes() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b");
    let log = fixtures().join("import/auth.log");
    ok(&[
        "evidence",
        "init",
        s(&bundle),
        "--utility-id",
        "X",
        "--collected-on",
        "2026-11-27",
    ]);
    let first = ok(&["evidence", "import", "sshd", s(&log), "--into", s(&bundle)]);
    assert!(first.contains("assumed"), "{first}");
    let times = |b: &Path| -> Vec<String> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(b.join("auth-events")).unwrap() {
            for l in std::fs::read_to_string(e.unwrap().path()).unwrap().lines() {
                let v: Value = serde_json::from_str(l).unwrap();
                out.push(v["time"].as_str().unwrap().to_owned());
            }
        }
        out
    };
    assert!(
        times(&bundle).iter().all(|t| t.starts_with("2026-")),
        "{:?}",
        times(&bundle)
    );
    let again = ok(&[
        "evidence",
        "import",
        "sshd",
        s(&log),
        "--into",
        s(&bundle),
        "--year",
        "2024",
    ]);
    assert!(!again.contains("already imported"), "{again}");
    let t = times(&bundle);
    assert!(
        !t.is_empty() && t.iter().all(|t| t.starts_with("2024-")),
        "{t:?}"
    );
}

#[test]
fn templates_import_back_and_the_column_reference_is_generated() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["xlsx", "csv"] {
        let out_dir = dir.path().join(format);
        std::fs::create_dir_all(&out_dir).unwrap();
        ok(&["evidence", "template", "--as", format, "--out", s(&out_dir)]);
        let mut inputs: Vec<String> = std::fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().path().to_string_lossy().into_owned())
            .collect();
        inputs.sort();
        assert!(!inputs.is_empty());
        // An empty template imports: its example rows are comments.
        let bundle = dir.path().join(format!("{format}-bundle"));
        let mut args = vec!["evidence", "import", "sheet"];
        args.extend(inputs.iter().map(String::as_str));
        args.extend(["--into", s(&bundle)]);
        let out = run(&args);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        assert!(
            !out.stderr.contains("not used by any section"),
            "{format}: {}",
            out.stderr
        );
    }
    let generated = dir.path().join("columns.md");
    ok(&["evidence", "template", "--reference", s(&generated)]);
    assert!(
        std::fs::read(&generated).unwrap()
            == std::fs::read(root().join("docs/columns.md")).unwrap(),
        "docs/columns.md drifted from the importers: regenerate it with `mizuchi evidence template --reference docs/columns.md`"
    );
}

#[test]
fn the_summary_says_before_evaluation_which_rules_lack_which_sections() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b");
    let inventory = root().join("samples/minamiyama/sources/資産台帳.xlsx");
    ok(&[
        "evidence",
        "import",
        "sheet",
        s(&inventory),
        "--into",
        s(&bundle),
    ]);
    let pack = official_pack();
    let v = run(&[
        "evidence",
        "summary",
        s(&bundle),
        "--pack",
        s(&pack),
        "--format",
        "json",
    ])
    .json();
    let rules = v["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 29);
    let missing = |id: &str| -> Vec<&str> {
        let r = rules.iter().find(|r| r["rule"] == id).unwrap();
        r["needs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["records"].is_null())
            .map(|n| n["section"].as_str().unwrap())
            .collect()
    };
    assert_eq!(missing("MLIT-AST-02"), Vec::<&str>::new());
    assert_eq!(missing("MLIT-ACC-01"), ["auth-events"]);
    assert_eq!(missing("MLIT-ORD-04"), ["sites"]);
    let text = run(&["evidence", "summary", s(&bundle), "--pack", s(&pack)]);
    assert!(
        text.stdout
            .contains("2 of 29 rules have every section they read"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("MLIT-ORD-04 Physical isolation and entry control for control-system computers: sites and controlled areas (sites)"),
        "{}",
        text.stdout
    );
}

#[test]
fn validation_warns_about_records_dated_after_the_collection_date() {
    let dir = tempfile::tempdir().unwrap();
    // Collected on 2026-11-20: a training on 2026-12-01 cannot have
    // happened yet; a contract ending in 2027 may well lie ahead.
    let training = br#"{"records": [{"person": "P1", "course": "c", "security": true, "completed_on": "2026-12-01"}]}"#;
    let contracts = br#"{"contracts": [{"id": "C1", "contractor": "x", "title": "s", "scope": ["information-systems"], "starts_on": "2026-04-01", "ends_on": "2027-03-31"}]}"#;
    mizuchi_tests::write_bundle(
        dir.path(),
        &[
            ("training.json", "training", training.to_vec()),
            ("contracts.json", "contracts", contracts.to_vec()),
        ],
    );
    let v = run(&["evidence", "validate", s(dir.path()), "--format", "json"]).json();
    let problems = v["problems"].as_array().unwrap();
    let dated: Vec<&Value> = problems
        .iter()
        .filter(|p| {
            p["message"]["en"]
                .as_str()
                .unwrap()
                .contains("after the day the evidence was collected")
        })
        .collect();
    assert_eq!(dated.len(), 1, "{problems:#?}");
    assert!(
        problems.iter().all(|p| p["severity"] == "warning"),
        "{problems:#?}"
    );
    assert_eq!(dated[0]["severity"], "warning");
    assert_eq!(dated[0]["file"], "training.json");
    assert_eq!(dated[0]["path"], "$.records[0].completed_on");
    assert!(
        dated[0]["message"]["ja"]
            .as_str()
            .unwrap()
            .contains("証跡の収集日 2026-11-20 より後")
    );
}
