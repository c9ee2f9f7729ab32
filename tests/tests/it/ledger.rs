//! Signed results through the real binary: recording, verification by
//! Mizuchi and by an independent script, proofs, replay.

use std::path::{Path, PathBuf};

use mizuchi_ledger::merkle;
use mizuchi_tests::{copy_dir, official_pack, root, run, s, sample, sample_file};

struct Recorded {
    _dir: tempfile::TempDir,
    ledger: PathBuf,
    key: PathBuf,
    public: PathBuf,
}

fn record(runs: &[&str]) -> Recorded {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("utility.pem");
    let out = run(&["key", "generate", "--out", s(&key), "-q"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ledger = dir.path().join("results.jsonl");
    let pack = official_pack();
    for as_of in runs {
        let out = run(&[
            "eval",
            "--pack",
            s(&pack),
            "--evidence",
            s(&sample()),
            "--as-of",
            as_of,
            "--ledger",
            s(&ledger),
            "--key",
            s(&key),
            "--format",
            "json",
        ]);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stderr.contains("recorded run-"), "{}", out.stderr);
    }
    let public = dir.path().join("utility.pub.pem");
    Recorded {
        _dir: dir,
        ledger,
        key,
        public,
    }
}

fn run_ids(ledger: &Path) -> Vec<String> {
    let v = run(&["ledger", "show", s(ledger), "--format", "json"]).json();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["run"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn recorded_runs_verify_and_an_untrusted_key_does_not() {
    let r = record(&["2026-11-27", "2026-12-01"]);
    let out = run(&["ledger", "verify", s(&r.ledger), "--trust", s(&r.public)]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(": 60 entries, 2 runs"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("verified: every entry"),
        "{}",
        out.stdout
    );
    assert_eq!(run_ids(&r.ledger).len(), 2);
    let other = r.key.with_file_name("other.pem");
    run(&["key", "generate", "--out", s(&other), "-q"]);
    let out = run(&[
        "ledger",
        "verify",
        s(&r.ledger),
        "--trust",
        s(&other.with_file_name("other.pub.pem")),
    ]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("FAILED: entry 0 has no valid signature by a trusted key"),
        "{}",
        out.stdout
    );
    // The key id is stable and the same from either half of the key.
    let a = run(&["key", "id", s(&r.key)]).stdout;
    let b = run(&["key", "id", s(&r.public)]).stdout;
    assert_eq!(a, b);
    assert_eq!(a.trim().len(), 64);
}

#[test]
fn an_independent_verifier_written_from_the_format_document_agrees() {
    let r = record(&["2026-11-27"]);
    let script = root().join("tests/verify_ledger.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(&r.ledger)
        .arg("--trust")
        .arg(&r.public)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = run(&[
        "ledger",
        "verify",
        s(&r.ledger),
        "--trust",
        s(&r.public),
        "--format",
        "json",
    ])
    .json();
    assert!(
        stdout.contains(&format!(
            "verified 30 entries, root {}",
            ours["root"].as_str().unwrap()
        )),
        "{stdout}"
    );
    // It also catches a changed entry.
    let mut bytes = std::fs::read(&r.ledger).unwrap();
    let at = bytes.iter().position(|b| *b == b'\n').unwrap() + 30;
    bytes[at] ^= 1;
    std::fs::write(&r.ledger, bytes).unwrap();
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(&r.ledger)
        .arg("--trust")
        .arg(&r.public)
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn an_inclusion_proof_verifies_against_the_checkpoint() {
    let r = record(&["2026-11-27"]);
    let out = run(&["ledger", "proof", s(&r.ledger), "--entry", "7"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let p = out.json();
    let cp = mizuchi_ledger::ledger::read_checkpoint(&mizuchi_ledger::ledger::checkpoint_path(
        &r.ledger,
    ))
    .unwrap();
    let h = |x: &serde_json::Value| -> merkle::Hash {
        hex::decode(x.as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap()
    };
    let proof: Vec<merkle::Hash> = p["proof"].as_array().unwrap().iter().map(h).collect();
    assert_eq!(p["tree_size"], 30);
    assert!(merkle::verify_inclusion(
        &h(&p["leaf_hash"]),
        7,
        30,
        &proof,
        &cp.root
    ));
    assert!(!merkle::verify_inclusion(
        &h(&p["leaf_hash"]),
        8,
        30,
        &proof,
        &cp.root
    ));
    assert_eq!(
        run(&["ledger", "proof", s(&r.ledger), "--entry", "30"]).code,
        2
    );
}

#[test]
fn replay_reproduces_the_signed_bytes_and_names_the_evidence_that_changed() {
    let r = record(&["2026-11-27"]);
    let id = run_ids(&r.ledger).remove(0);
    let pack = official_pack();
    let out = run(&[
        "replay",
        s(&r.ledger),
        "--run",
        &id,
        "--trust",
        s(&r.public),
        "--pack",
        s(&pack),
        "--evidence",
        s(&sample()),
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("29 of 29 results identical byte for byte"),
        "{}",
        out.stdout
    );

    // Change one evidence file (an account is disabled), reseal, replay.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&sample(), dir.path());
    let accounts = dir.path().join("accounts.json");
    let text = std::fs::read_to_string(&accounts).unwrap().replacen(
        "\"enabled\":true",
        "\"enabled\":false",
        1,
    );
    std::fs::write(&accounts, text).unwrap();
    assert_eq!(run(&["evidence", "seal", s(dir.path())]).code, 0);
    let out = run(&[
        "replay",
        s(&r.ledger),
        "--run",
        &id,
        "--trust",
        s(&r.public),
        "--pack",
        s(&pack),
        "--evidence",
        s(dir.path()),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1);
    let v = out.json();
    let changed: Vec<&serde_json::Value> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["identical"] == false)
        .collect();
    assert!(!changed.is_empty());
    for x in &changed {
        let d = &x["differences"][0];
        assert_eq!(d["kind"], "evidence-changed", "{x}");
        let subjects: Vec<&str> = d["subjects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(subjects, ["accounts.json"]);
    }
    let names: Vec<&str> = changed
        .iter()
        .map(|x| x["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["MLIT-ACC-02", "MLIT-ACC-04", "MLIT-ORD-01"],
        "the rules that read accounts"
    );
    // Rules that do not read accounts replay byte for byte.
    let untouched = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "MLIT-ORD-04")
        .unwrap();
    assert_eq!(untouched["identical"], true);
    assert_eq!(v["header_identical"], false, "the bundle digest changed");
}

/// The files a run's header statement vouches for.
fn header_subjects(ledger: &Path) -> Vec<String> {
    use base64::Engine as _;
    let text = std::fs::read_to_string(ledger).unwrap();
    let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let payload = base64::engine::general_purpose::STANDARD
        .decode(line["envelope"]["payload"].as_str().unwrap())
        .unwrap();
    let statement: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    statement["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_run_reads_and_vouches_for_only_the_logs_its_rules_read() {
    // The door log no longer matches the manifest.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&sample(), dir.path());
    let door_name = sample_file("door-events/");
    let door = dir.path().join(&door_name);
    let mut text = std::fs::read_to_string(&door).unwrap();
    let first = text.lines().next().unwrap().to_owned();
    text.push_str(&first);
    text.push('\n');
    std::fs::write(&door, text).unwrap();
    let pack = official_pack();
    let key = dir.path().join("utility.pem");
    assert_eq!(run(&["key", "generate", "-q", "--out", s(&key)]).code, 0);
    let eval = |rule: &str, ledger: &Path| {
        run(&[
            "eval",
            "--pack",
            s(&pack),
            "--evidence",
            s(dir.path()),
            "--rule",
            rule,
            "--ledger",
            s(ledger),
            "--key",
            s(&key),
        ])
    };

    // A rule that reads no door event runs, and the run vouches for the
    // documents and the authentication log it read, not the door log.
    let ledger = dir.path().join("a.jsonl");
    let out = eval("MLIT-ACC-01", &ledger);
    assert!(matches!(out.code, 0 | 1), "{}", out.stderr);
    let subjects = header_subjects(&ledger);
    assert!(
        subjects.iter().any(|s| s == "inventory.json"),
        "{subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.starts_with("auth-events/")),
        "{subjects:?}"
    );
    assert!(
        !subjects.iter().any(|s| s.starts_with("door-events/")),
        "{subjects:?}"
    );

    // A rule that reads it, and a full run, refuse the bundle, naming the file.
    for rule in ["MLIT-PHY-01", ""] {
        let ledger = dir.path().join(format!("b{rule}.jsonl"));
        let out = if rule.is_empty() {
            run(&["eval", "--pack", s(&pack), "--evidence", s(dir.path())])
        } else {
            eval(rule, &ledger)
        };
        assert_eq!(out.code, 2, "{rule}: {}", out.stderr);
        assert!(
            out.stderr.contains(&door_name) && out.stderr.contains("does not match its digest"),
            "{rule}: {}",
            out.stderr
        );
    }
}

#[test]
fn ledger_errors_are_said_in_japanese_too() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.pem");
    assert_eq!(run(&["key", "generate", "-q", "--out", s(&key)]).code, 0);
    let missing = dir.path().join("missing.jsonl");
    let pubkey = mizuchi::public_path(&key);
    let ja = run(&[
        "--lang",
        "ja",
        "ledger",
        "verify",
        s(&missing),
        "--trust",
        s(&pubkey),
    ]);
    assert_eq!(ja.code, 2);
    assert!(ja.stderr.contains("がありません"), "{}", ja.stderr);
    assert!(!ja.stderr.contains("does not exist"), "{}", ja.stderr);
    let en = run(&[
        "--lang",
        "en",
        "ledger",
        "verify",
        s(&missing),
        "--trust",
        s(&pubkey),
    ]);
    assert!(en.stderr.contains("does not exist"), "{}", en.stderr);
}
