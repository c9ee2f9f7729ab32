//! Verification that cannot be fooled: one test per class of hostile input,
//! race or fault that an adversarial review found (step 7). Each test is
//! named for the property it proves; `docs/reliability.md` lists them.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mizuchi::SecretKey;
use mizuchi_ledger::dsse::{Envelope, IN_TOTO};
use mizuchi_ledger::ledger::{self, Checkpoint, Entry};
use mizuchi_ledger::merkle;
use mizuchi_tests::packs::*;
use mizuchi_tests::{
    Run, mizuchi, official_pack, root, run, s, sample, sample_copy, sample_file, sha256, walk,
    write_bundle,
};

// ---------------------------------------------------------------------------
// Helpers

/// A ledger recorded by evaluating the official pack on the sample, one run
/// per assessment date, in a directory of its own.
struct Recorded {
    dir: tempfile::TempDir,
    ledger: PathBuf,
    key: PathBuf,
    public: PathBuf,
}

fn record(dates: &[&str]) -> Recorded {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("utility.pem");
    let out = run(&["key", "generate", "--out", s(&key), "-q"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ledger = dir.path().join("results.jsonl");
    for as_of in dates {
        let out = eval_into(&ledger, &key, as_of);
        assert_eq!(out.code, 1, "{}", out.stderr);
    }
    let public = dir.path().join("utility.pub.pem");
    Recorded {
        dir,
        ledger,
        key,
        public,
    }
}

fn eval_into(ledger: &Path, key: &Path, as_of: &str) -> Run {
    eval_into_with(ledger, key, as_of, &[])
}

/// [`eval_into`], with `extra` arguments.
fn eval_into_with(ledger: &Path, key: &Path, as_of: &str, extra: &[&str]) -> Run {
    let (pack, sample) = (official_pack(), sample());
    let mut args = vec![
        "eval",
        "--pack",
        s(&pack),
        "--evidence",
        s(&sample),
        "--as-of",
        as_of,
        "--ledger",
        s(ledger),
        "--key",
        s(key),
        "--format",
        "json",
    ];
    args.extend(extra);
    run(&args)
}

/// The statements of a ledger, by line.
fn statements(ledger: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(ledger)
        .unwrap()
        .lines()
        .map(statement)
        .collect()
}

/// Rewrites the ledger's checkpoint so that it covers every line, signed
/// with `key`: what the holder of the key can always do.
fn recheckpoint(ledger: &Path, key: &SecretKey, utility: &str) {
    let text = std::fs::read(ledger).unwrap();
    let leaves: Vec<merkle::Hash> = text
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(merkle::leaf_hash)
        .collect();
    let c = Checkpoint::sign(
        &ledger::origin(utility),
        leaves.len() as u64,
        &merkle::root(&leaves),
        key,
    );
    std::fs::write(ledger::checkpoint_path(ledger), c.text).unwrap();
}

/// Runs `mizuchi args…`, killing it if it has not finished after `limit`:
/// `None` means it hung.
fn run_within(args: &[&str], limit: Duration) -> Option<Run> {
    let mut child = mizuchi()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stdout = String::new();
            let mut stderr = String::new();
            child
                .stdout
                .take()
                .unwrap()
                .read_to_string(&mut stdout)
                .unwrap();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            return Some(Run {
                code: status.code().unwrap_or(-1),
                stdout,
                stderr,
            });
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// The python verifier of `docs/ledger.md` on a ledger.
fn python_verifier(ledger: &Path, public: &Path) -> (bool, String) {
    let out = Command::new("python3")
        .arg(root().join("tests/verify_ledger.py"))
        .arg(ledger)
        .arg("--trust")
        .arg(public)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

// ---------------------------------------------------------------------------
// 1. A ledger that does not exist does not verify.

#[test]
fn a_missing_ledger_or_checkpoint_is_an_error_and_an_empty_ledger_needs_a_signed_checkpoint_of_size_0()
 {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k.pem");
    assert_eq!(run(&["key", "generate", "-q", "--out", s(&key)]).code, 0);
    let public = dir.path().join("k.pub.pem");

    let missing = dir.path().join("missing.jsonl");
    let out = run(&["ledger", "verify", s(&missing), "--trust", s(&public)]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("missing.jsonl"), "{}", out.stderr);
    assert!(!out.stdout.contains("verified"), "{}", out.stdout);

    // An empty file without a checkpoint has acknowledged nothing.
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let out = run(&["ledger", "verify", s(&empty), "--trust", s(&public)]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("empty.jsonl.checkpoint"),
        "{}",
        out.stderr
    );

    // With a checkpoint of size 0 signed by a trusted key it verifies, and
    // the report says that the ledger is empty.
    let k = SecretKey::read(&key).unwrap();
    let c = Checkpoint::sign(&ledger::origin("X"), 0, &merkle::root(&[]), &k);
    std::fs::write(ledger::checkpoint_path(&empty), &c.text).unwrap();
    let out = run(&["ledger", "verify", s(&empty), "--trust", s(&public)]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("0 entries"), "{}", out.stdout);
    assert!(out.stdout.contains("empty"), "{}", out.stdout);

    // ...but not against a checkpoint signed by someone else.
    let other = SecretKey::from_seed([1; 32]);
    let c = Checkpoint::sign(&ledger::origin("X"), 0, &merkle::root(&[]), &other);
    std::fs::write(ledger::checkpoint_path(&empty), &c.text).unwrap();
    let out = run(&["ledger", "verify", s(&empty), "--trust", s(&public)]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);

    // A recorded ledger whose checkpoint is gone.
    let r = record(&["2026-11-27"]);
    std::fs::remove_file(ledger::checkpoint_path(&r.ledger)).unwrap();
    let out = run(&["ledger", "verify", s(&r.ledger), "--trust", s(&r.public)]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("results.jsonl.checkpoint"),
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------
// 2. Verify sees a consistent snapshot while a writer appends.

#[test]
fn verify_never_reports_tampering_while_a_writer_appends() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.jsonl");
    let trusted = [SecretKey::from_seed([9; 32]).public()];
    let mut writer = Command::new(env!("CARGO_BIN_EXE_ledger-writer"))
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !ledger::checkpoint_path(&path).exists() {
        assert!(start.elapsed() < Duration::from_secs(30), "no checkpoint");
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut tries = 0;
    let mut failures = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        let v = ledger::verify(&path, &trusted, &[]).unwrap();
        if !v.ok() {
            failures.push(format!("{v:?}"));
        }
        tries += 1;
    }
    writer.kill().unwrap();
    writer.wait().unwrap();
    assert!(tries >= 10, "only {tries} verifications ran");
    assert!(
        failures.is_empty(),
        "{} of {tries} verifications failed while the writer ran; the first: {}",
        failures.len(),
        failures[0]
    );
    eprintln!("{tries} verifications while the writer appended: none failed");
}

// ---------------------------------------------------------------------------
// 3. Repair and the writer act only on a checkpoint the ledger's key signed.

#[test]
fn repair_and_append_trust_only_a_checkpoint_signed_by_the_ledger_key() {
    let r = record(&["2026-11-27", "2026-12-01"]);
    let cp = ledger::checkpoint_path(&r.ledger);
    let signed = std::fs::read_to_string(&cp).unwrap();
    let entries = |p: &Path| std::fs::read_to_string(p).unwrap().lines().count();
    assert_eq!(entries(&r.ledger), 60);
    let foreign = {
        // Right size and root, signed by a key that is not the ledger's.
        let other = SecretKey::from_seed([7; 32]);
        let c = Checkpoint::parse(&signed).unwrap();
        Checkpoint::sign(&c.origin, c.size, &c.root, &other).text
    };
    let cases: [(&str, Option<String>); 3] = [
        ("deleted", None),
        ("size edited", Some(signed.replace("\n60\n", "\n30\n"))),
        ("signed by another key", Some(foreign)),
    ];
    for (case, checkpoint) in cases {
        match &checkpoint {
            None => std::fs::remove_file(&cp).unwrap(),
            Some(text) => std::fs::write(&cp, text).unwrap(),
        }
        let before = std::fs::read(&r.ledger).unwrap();
        for args in [
            vec!["ledger", "repair", s(&r.ledger)],
            vec!["ledger", "repair", s(&r.ledger), "--trust", s(&r.public)],
        ] {
            let out = run(&args);
            assert_eq!(
                out.code, 2,
                "{case}: {args:?}: {}{}",
                out.stdout, out.stderr
            );
            assert_eq!(
                std::fs::read(&r.ledger).unwrap(),
                before,
                "{case}: repair changed the ledger"
            );
        }
        let out = eval_into(&r.ledger, &r.key, "2026-12-02");
        assert_eq!(out.code, 2, "{case}: {}", out.stderr);
        assert!(out.stderr.contains("checkpoint"), "{case}: {}", out.stderr);
        assert_eq!(
            std::fs::read(&r.ledger).unwrap(),
            before,
            "{case}: a run was appended"
        );
    }
    // With its own checkpoint back, the ledger is whole and takes new runs.
    std::fs::write(&cp, &signed).unwrap();
    let out = run(&["ledger", "repair", s(&r.ledger), "--trust", s(&r.public)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("nothing to repair"), "{}", out.stdout);
    assert_eq!(eval_into(&r.ledger, &r.key, "2026-12-02").code, 1);
    assert_eq!(entries(&r.ledger), 90);
}

// ---------------------------------------------------------------------------
// 4. Concurrent installs never roll the pack store back.

#[test]
fn concurrent_installs_never_leave_the_store_behind_its_highest_version() {
    let (m, key, _) = regulator_setup("1.0.0");
    let t = template(&m.path(""), "mlit-water", "1.1.0", "MLIT", CURRENT);
    let older = build(&m, &t, &official_modules(), "mlit-water-1.1.0.pack");
    sign(&m, &older, &key);
    let t = template(&m.path(""), "mlit-water", "1.2.0", "MLIT", CURRENT);
    let newer = build(&m, &t, &official_modules(), "mlit-water-1.2.0.pack");
    sign(&m, &newer, &key);
    // The older install compiles every module (no cache) while the newer one,
    // whose modules are cached, finishes first.
    let home = m.home();
    let slow = mizuchi()
        .args([
            "--home",
            s(&home),
            "--no-cache",
            "pack",
            "install",
            s(&older),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let fast = m.run(&["pack", "install", s(&newer)]);
    assert_eq!(fast.code, 0, "{}", fast.stderr);
    let slow = slow.wait_with_output().unwrap();
    let slow_err = String::from_utf8_lossy(&slow.stderr);
    // Whichever finished last, the store is at the highest version.
    let list = m.run(&["pack", "list"]);
    assert!(list.stdout.contains("1.2.0"), "{}", list.stdout);
    assert!(
        !list.stdout.contains("1.1.0"),
        "{}\n{slow_err}",
        list.stdout
    );
    let installed: serde_json::Value = serde_json::from_slice(
        &std::fs::read(home.join("packs/mlit-water/installed.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(installed["current"], "1.2.0", "{slow_err}");
    assert_eq!(installed["highest"], "1.2.0");
    if slow.status.code() == Some(2) {
        assert!(slow_err.contains("rollback"), "{slow_err}");
    }
    let out = m.run(&["eval", "--evidence", s(&sample())]);
    assert_eq!(out.code, 1, "{}", out.stderr);
}

// ---------------------------------------------------------------------------
// 5. What is verified is what is stored; a damaged store heals by reinstalling.

#[test]
fn a_pack_swapped_during_install_is_not_stored_and_reinstalling_repairs_the_store() {
    let (m, key, pack) = regulator_setup("1.0.0");
    let original = std::fs::read(&pack).unwrap();
    // A well-formed pack of the same name and version, not signed.
    let t = template(&m.path(""), "mlit-water", "1.0.0", "MLIT", CURRENT);
    let forged = build(&m, &t, &official_modules()[..1], "forged.pack");
    let forged_bytes = std::fs::read(&forged).unwrap();
    let stored = m.home().join("packs/mlit-water/1.0.0.pack");
    let mut swapped = 0;
    for attempt in 0..3 {
        let _ = std::fs::remove_dir_all(m.home().join("packs"));
        std::fs::write(&pack, &original).unwrap();
        let home = m.home();
        let child = mizuchi()
            .args([
                "--home",
                s(&home),
                "--no-cache",
                "pack",
                "install",
                s(&pack),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // While the modules compile, the file is replaced (atomically).
        std::thread::sleep(Duration::from_millis(300 + 200 * attempt));
        let tmp = m.path("swap.tmp");
        std::fs::write(&tmp, &forged_bytes).unwrap();
        std::fs::rename(&tmp, &pack).unwrap();
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            swapped += 1;
            assert_eq!(
                sha256(&std::fs::read(&stored).unwrap()),
                sha256(&original),
                "the stored pack is not the one that was verified"
            );
        }
    }
    assert!(swapped > 0, "no install finished");

    // A damaged stored pack is refused at run time, and installing the same
    // version again repairs it.
    std::fs::write(&pack, &original).unwrap();
    let mut damaged = original.clone();
    let at = damaged.len() / 2;
    damaged[at] ^= 0xff;
    std::fs::write(&stored, &damaged).unwrap();
    let out = m.run(&["eval", "--evidence", s(&sample())]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = m.run(&["pack", "install", s(&pack)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read(&stored).unwrap(), original);
    let out = m.run(&["eval", "--evidence", s(&sample())]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let _ = key;
}

// ---------------------------------------------------------------------------
// 6. A run accepts exactly the log lines validation accepts.

#[test]
fn eval_refuses_the_log_lines_validate_refuses() {
    let lines = [
        // An unknown field.
        r#"{"time": "2026-11-02T22:00:00Z", "kind": "logon-success", "system": "HGS-HMI-01", "account": "operator", "colour": "red"}"#,
        // A renamed optional field (`src` for `source`).
        r#"{"time": "2026-11-02T22:00:00Z", "kind": "logon-failure", "system": "HGS-HMI-01", "account": "operator", "src": "10.0.0.1"}"#,
        // An integer past 2^53 − 1.
        r#"{"time": "2026-11-02T22:00:00Z", "kind": "logon-success", "system": "HGS-HMI-01", "account": "operator", "record_id": 9007199254740993}"#,
        // A status code with a sign.
        r#"{"time": "2026-11-02T22:00:00Z", "kind": "logon-failure", "system": "HGS-HMI-01", "account": "operator", "status": "0x+1"}"#,
    ];
    for line in lines {
        let b = sample_copy();
        let name = sample_file("auth-events/windows-csv-");
        let log = b.path().join(&name);
        let mut text = std::fs::read_to_string(&log).unwrap();
        text.push_str(line);
        text.push('\n');
        std::fs::write(&log, text).unwrap();
        assert_eq!(run(&["evidence", "seal", s(b.path())]).code, 0);
        let out = run(&["evidence", "validate", s(b.path())]);
        assert_eq!(out.code, 2, "validate accepted {line}");
        let out = run(&[
            "eval",
            "--pack",
            s(&official_pack()),
            "--evidence",
            s(b.path()),
            "--rule",
            "MLIT-ACC-01",
        ]);
        assert_eq!(out.code, 2, "eval accepted {line}: {}", out.stderr);
        assert!(out.stderr.contains(&name), "{}", out.stderr);
    }
}

// ---------------------------------------------------------------------------
// 7. A FIFO or other non-regular file is refused, never waited on.

#[test]
fn non_regular_files_are_refused_at_once() {
    let limit = Duration::from_secs(20);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = d.join("k.pem");
    assert_eq!(run(&["key", "generate", "-q", "--out", s(&key)]).code, 0);
    let public = d.join("k.pub.pem");
    let fifo = d.join("fifo");
    mkfifo(&fifo);

    // A bundle whose inventory, then whose manifest, is a FIFO.
    let bundle = d.join("bundle");
    write_bundle(
        &bundle,
        &[("inventory.json", "inventory", br#"{"assets": []}"#.to_vec())],
    );
    mkfifo(&bundle.join("inventory.json"));
    let bundle2 = d.join("bundle2");
    std::fs::create_dir_all(&bundle2).unwrap();
    mkfifo(&bundle2.join("manifest.json"));
    // A ledger (with a checkpoint, read first), and a recorded ledger
    // whose checkpoint is a FIFO.
    let r = record(&["2026-11-27"]);
    std::fs::copy(
        ledger::checkpoint_path(&r.ledger),
        ledger::checkpoint_path(&fifo),
    )
    .unwrap();
    mkfifo(&ledger::checkpoint_path(&r.ledger));
    // A home whose trust store is a FIFO.
    let home = d.join("home");
    std::fs::create_dir_all(&home).unwrap();
    mkfifo(&home.join("trust.json"));

    let pack = official_pack();
    let sample = sample();
    let (l, new1, new2) = (d.join("l.jsonl"), d.join("new"), d.join("new2"));
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("evidence file", vec!["evidence", "validate", s(&bundle)]),
        ("manifest", vec!["evidence", "validate", s(&bundle2)]),
        (
            "evidence file (eval)",
            vec!["eval", "--pack", s(&pack), "--evidence", s(&bundle)],
        ),
        (
            "ledger",
            vec!["ledger", "verify", s(&fifo), "--trust", s(&public)],
        ),
        ("ledger (show)", vec!["ledger", "show", s(&fifo)]),
        (
            "ledger (eval)",
            vec![
                "eval",
                "--pack",
                s(&pack),
                "--evidence",
                s(&sample),
                "--ledger",
                s(&fifo),
                "--key",
                s(&key),
            ],
        ),
        (
            "checkpoint",
            vec!["ledger", "verify", s(&r.ledger), "--trust", s(&r.public)],
        ),
        (
            "trusted key",
            vec!["ledger", "verify", s(&r.ledger), "--trust", s(&fifo)],
        ),
        (
            "signing key",
            vec![
                "eval",
                "--pack",
                s(&pack),
                "--evidence",
                s(&sample),
                "--ledger",
                s(&l),
                "--key",
                s(&fifo),
            ],
        ),
        ("pack", vec!["pack", "verify", s(&fifo)]),
        (
            "pack (eval)",
            vec!["eval", "--pack", s(&fifo), "--evidence", s(&sample)],
        ),
        ("trust store", vec!["--home", s(&home), "rules"]),
        (
            "import input",
            vec!["evidence", "import", "sheet", s(&fifo), "--into", s(&new1)],
        ),
        (
            "import input (evtx)",
            vec!["evidence", "import", "evtx", s(&fifo), "--into", s(&new2)],
        ),
    ];
    for (what, args) in cases {
        let out = run_within(&args, limit)
            .unwrap_or_else(|| panic!("{what}: `mizuchi {}` waited on a FIFO", args.join(" ")));
        assert_eq!(out.code, 2, "{what}: {}{}", out.stdout, out.stderr);
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(all.contains("not a regular file"), "{what}: {all}");
    }
}

// ---------------------------------------------------------------------------
// 8. An archive member given twice is refused, wherever a tar is read.

#[test]
fn a_duplicate_archive_member_is_refused_in_bundles_and_packs() {
    // An evidence archive whose inventory is there twice: the manifest's
    // digest matches the second.
    let dir = tempfile::tempdir().unwrap();
    let first = br#"{"assets": []}"#.to_vec();
    let second = br#"{"assets": [], "reviewed_on": "2026-01-01"}"#.to_vec();
    let bundle = dir.path().join("b");
    write_bundle(&bundle, &[("inventory.json", "inventory", second.clone())]);
    let manifest = std::fs::read(bundle.join("manifest.json")).unwrap();
    let tar = dir.path().join("b.tar");
    write_archive(
        &tar,
        &[
            ("manifest.json".into(), manifest),
            ("inventory.json".into(), first),
            ("./inventory.json".into(), second),
        ],
    );
    let out = run(&["evidence", "validate", s(&tar), "--lang", "en"]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("twice"), "{}", out.stdout);

    // A pack whose signed manifest is followed by a second one.
    let (m, _, pack) = regulator_setup("1.0.0");
    let mut members = entries(&pack);
    let envelope = members
        .iter()
        .find(|(n, _)| n == "manifest.dsse.json")
        .unwrap()
        .clone();
    members.insert(0, ("manifest.dsse.json".into(), b"{}".to_vec()));
    members.push(envelope);
    let twice = m.path("twice.pack");
    write_archive(&twice, &members);
    let out = m.run(&["pack", "verify", s(&twice)]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("twice"), "{}", out.stderr);
    m.refuses(&twice, "twice");
}

// ---------------------------------------------------------------------------
// 9. A manifest path is checked in one place, the same for validate and eval.

#[test]
fn a_manifest_path_that_is_not_plain_is_refused_by_validate_and_eval_alike() {
    for (listed, shown) in [
        ("inventory.json/", "inventory.json/"),
        ("./inventory.json", "./inventory.json"),
        ("sub//inventory.json", "sub//inventory.json"),
    ] {
        let b = sample_copy();
        if listed.starts_with("sub") {
            std::fs::create_dir_all(b.path().join("sub")).unwrap();
            std::fs::rename(
                b.path().join("inventory.json"),
                b.path().join("sub/inventory.json"),
            )
            .unwrap();
        }
        let manifest = b.path().join("manifest.json");
        let text = std::fs::read_to_string(&manifest)
            .unwrap()
            .replace("\"inventory.json\"", &format!("{listed:?}"));
        std::fs::write(&manifest, text).unwrap();
        let out = run(&["evidence", "validate", s(b.path()), "--lang", "en"]);
        assert_eq!(out.code, 2, "{listed}: {}", out.stdout);
        assert!(out.stdout.contains(shown), "{listed}: {}", out.stdout);
        let out = run(&[
            "eval",
            "--pack",
            s(&official_pack()),
            "--evidence",
            s(b.path()),
        ]);
        assert_eq!(out.code, 2, "{listed}: {}", out.stderr);
        assert!(out.stderr.contains(shown), "{listed}: {}", out.stderr);
    }
}

// ---------------------------------------------------------------------------
// 10. Replay verifies the ledger before comparing anything.

#[test]
fn replay_refuses_a_ledger_that_does_not_verify() {
    let r = record(&["2026-11-27", "2026-12-01"]);
    let runs = run(&["ledger", "show", s(&r.ledger), "--format", "json"]).json();
    let second = runs[1]["run"].as_str().unwrap().to_owned();
    let replay = |ledger: &Path, trust: &Path| {
        run(&[
            "replay",
            s(ledger),
            "--run",
            &second,
            "--trust",
            s(trust),
            "--pack",
            s(&official_pack()),
            "--evidence",
            s(&sample()),
        ])
    };
    let out = replay(&r.ledger, &r.public);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("29 of 29"), "{}", out.stdout);

    // Signed by a key the replayer does not trust.
    let stranger = r.dir.path().join("stranger.pem");
    assert_eq!(
        run(&["key", "generate", "-q", "--out", s(&stranger)]).code,
        0
    );
    let out = replay(&r.ledger, &r.dir.path().join("stranger.pub.pem"));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("trusted key"), "{}", out.stderr);

    // A line of the first run is not an entry.
    let text = std::fs::read_to_string(&r.ledger).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[5] = "{\"not\":\"an entry\"}";
    let broken = r.dir.path().join("broken.jsonl");
    std::fs::write(&broken, lines.join("\n") + "\n").unwrap();
    std::fs::copy(
        ledger::checkpoint_path(&r.ledger),
        ledger::checkpoint_path(&broken),
    )
    .unwrap();
    let out = replay(&broken, &r.public);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("entry 5"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------
// 12. A waived result vouches for the waiver it relies on.

#[test]
fn a_waived_result_vouches_for_the_risk_acceptance_it_relies_on() {
    let r = record(&["2026-11-27"]);
    let all = statements(&r.ledger);
    let waived = all
        .iter()
        .find(|st| st["predicate"]["outcome"] == "waived")
        .expect("the sample has a waived result");
    let rule = waived["predicate"]["rule"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let subjects: Vec<&str> = waived["subject"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert!(
        subjects.contains(&"governance.json"),
        "{rule}: {subjects:?}"
    );

    // A changed acceptance is named as the evidence that changed.
    let b = sample_copy();
    let gov = b.path().join("governance.json");
    let text = std::fs::read_to_string(&gov).unwrap().replace(
        "\"expires_on\":\"2027-03-31\"",
        "\"expires_on\":\"2027-03-30\"",
    );
    std::fs::write(&gov, text).unwrap();
    assert_eq!(run(&["evidence", "seal", s(b.path())]).code, 0);
    let id = run(&["ledger", "show", s(&r.ledger), "--format", "json"]).json()[0]["run"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = run(&[
        "replay",
        s(&r.ledger),
        "--run",
        &id,
        "--trust",
        s(&r.public),
        "--pack",
        s(&official_pack()),
        "--evidence",
        s(b.path()),
        "--format",
        "json",
    ]);
    let v = out.json();
    let x = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == rule.as_str())
        .unwrap();
    assert_eq!(x["identical"], false, "{x}");
    assert_eq!(x["differences"][0]["kind"], "evidence-changed", "{x}");
    assert_eq!(x["differences"][0]["subjects"][0], "governance.json", "{x}");
}

// ---------------------------------------------------------------------------
// 13. Duplicate keys and loose types in signed bytes are refused by both verifiers.

#[test]
fn a_duplicate_key_inside_a_signed_statement_is_refused_by_both_verifiers() {
    let r = record(&["2026-11-27"]);
    let key = SecretKey::read(&r.key).unwrap();
    let text = std::fs::read_to_string(&r.ledger).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let last = lines.len() - 1;
    let entry: Entry = serde_json::from_str(&lines[last]).unwrap();
    let payload = String::from_utf8(entry.envelope.payload_bytes().unwrap()).unwrap();
    let outcome = statement(&lines[last])["predicate"]["outcome"]
        .as_str()
        .unwrap()
        .to_owned();
    let forged = payload.replace(
        &format!("\"outcome\":\"{outcome}\""),
        &format!("\"outcome\":\"{outcome}\",\"outcome\":\"pass\""),
    );
    assert_ne!(forged, payload);
    let entry = Entry {
        envelope: Envelope::sign(IN_TOTO, forged.as_bytes(), &key),
        ..entry
    };
    lines[last] = serde_json::to_string(&entry).unwrap();
    std::fs::write(&r.ledger, lines.join("\n") + "\n").unwrap();
    recheckpoint(&r.ledger, &key, "JP-MINAMIYAMA-WW");
    let out = run(&["ledger", "verify", s(&r.ledger), "--trust", s(&r.public)]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!("entry {last}")) && out.stdout.contains("outcome"),
        "{}",
        out.stdout
    );
    let (ok, said) = python_verifier(&r.ledger, &r.public);
    assert!(!ok, "{said}");
    assert!(said.contains("duplicate"), "{said}");
}

/// A run header that names a reused result by another line's hash, or by
/// the right hash of another rule's result, is signed by the utility's own
/// key and still refused by both verifiers.
#[test]
fn a_forged_reference_to_an_earlier_result_is_refused_by_both_verifiers() {
    let r = record(&["2026-11-27"]);
    let again = eval_into_with(&r.ledger, &r.key, "2026-11-27", &["--incremental", "-q"]);
    assert_eq!(again.code, 1, "{}", again.stderr);
    let key = SecretKey::read(&r.key).unwrap();
    let original = std::fs::read_to_string(&r.ledger).unwrap();
    let (ok, said) = python_verifier(&r.ledger, &r.public);
    assert!(ok, "{said}");
    let lines: Vec<String> = original.lines().map(str::to_owned).collect();
    let last = lines.len() - 1;
    let hashes: Vec<String> = lines.iter().map(|l| sha256(l.as_bytes())).collect();
    let entry: Entry = serde_json::from_str(&lines[last]).unwrap();
    let payload = String::from_utf8(entry.envelope.payload_bytes().unwrap()).unwrap();
    // The first reference: rule at position 0, entry 1.
    let named = format!("\"index\":1,\"hash\":\"{}\"", hashes[1]);
    assert!(payload.contains(&named), "{payload}");
    for (what, forged, why) in [
        (
            "another line's hash",
            format!("\"index\":1,\"hash\":\"{}\"", hashes[2]),
            "another hash",
        ),
        (
            "another rule's result",
            format!("\"index\":2,\"hash\":\"{}\"", hashes[2]),
            "is a result of",
        ),
    ] {
        let entry = Entry {
            envelope: Envelope::sign(
                IN_TOTO,
                payload.replacen(&named, &forged, 1).as_bytes(),
                &key,
            ),
            ..entry.clone()
        };
        let mut forged_lines = lines.clone();
        forged_lines[last] = serde_json::to_string(&entry).unwrap();
        std::fs::write(&r.ledger, forged_lines.join("\n") + "\n").unwrap();
        recheckpoint(&r.ledger, &key, "JP-MINAMIYAMA-WW");
        let out = run(&["ledger", "verify", s(&r.ledger), "--trust", s(&r.public)]);
        assert_eq!(out.code, 1, "{what}: {}", out.stdout);
        assert!(
            out.stdout.contains(&format!("entry {last}")) && out.stdout.contains(why),
            "{what}: {}",
            out.stdout
        );
        let (ok, said) = python_verifier(&r.ledger, &r.public);
        assert!(!ok, "{what}: {said}");
        assert!(
            said.contains(&format!("entry {last} reuses entry")),
            "{what}: {said}"
        );
    }
}

#[test]
fn the_python_verifier_refuses_loose_indexes_duplicate_members_and_crlf_checkpoints() {
    let r = record(&["2026-11-27"]);
    let key = SecretKey::read(&r.key).unwrap();
    let original = std::fs::read_to_string(&r.ledger).unwrap();
    let last = original.lines().count() - 1;
    let mutate = |from: &str, to: &str| {
        let mut lines: Vec<String> = original.lines().map(str::to_owned).collect();
        assert!(lines[last].contains(from), "{from}");
        lines[last] = lines[last].replacen(from, to, 1);
        std::fs::write(&r.ledger, lines.join("\n") + "\n").unwrap();
        recheckpoint(&r.ledger, &key, "JP-MINAMIYAMA-WW");
    };
    for (from, to) in [
        (
            format!("{{\"index\":{last},"),
            format!("{{\"index\":{last}.0,"),
        ),
        (
            format!("{{\"index\":{last},"),
            format!("{{\"index\":{last},\"index\":{last},"),
        ),
    ] {
        mutate(&from, &to);
        let out = run(&["ledger", "verify", s(&r.ledger), "--trust", s(&r.public)]);
        assert_eq!(out.code, 1, "{to}: {}", out.stdout);
        let (ok, said) = python_verifier(&r.ledger, &r.public);
        assert!(!ok, "{to}: {said}");
    }
    // A checkpoint with CRLF line ends.
    std::fs::write(&r.ledger, &original).unwrap();
    recheckpoint(&r.ledger, &key, "JP-MINAMIYAMA-WW");
    let (ok, said) = python_verifier(&r.ledger, &r.public);
    assert!(ok, "{said}");
    let cp = ledger::checkpoint_path(&r.ledger);
    let crlf = std::fs::read_to_string(&cp).unwrap().replace('\n', "\r\n");
    std::fs::write(&cp, crlf).unwrap();
    let (ok, said) = python_verifier(&r.ledger, &r.public);
    assert!(!ok, "{said}");
    let out = run(&["ledger", "verify", s(&r.ledger), "--trust", s(&r.public)]);
    assert_ne!(out.code, 0, "{}", out.stdout);
}

// ---------------------------------------------------------------------------
// 14. Smaller: nothing appended that cannot be acknowledged; no litter; the umask.

/// The user id of this process, as the owner of a file it creates.
fn my_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    let f = tempfile::NamedTempFile::new().unwrap();
    f.as_file().metadata().unwrap().uid()
}

#[test]
fn a_ledger_in_a_read_only_directory_gets_no_entry_it_cannot_acknowledge() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    // Root ignores directory permissions: the runs are made as `nobody`.
    const NOBODY: u32 = 65534;
    let as_root = my_uid() == 0;
    let base = tempfile::Builder::new()
        .prefix("mizuchi-ro-")
        .tempdir_in("/tmp")
        .unwrap();
    let dir = base.path().join("ledgers");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    if as_root {
        std::os::unix::fs::chown(&dir, Some(NOBODY), Some(NOBODY)).unwrap();
    }
    let cache = base.path().join("cache");
    let mz = |args: &[&str]| {
        let mut c = mizuchi();
        c.env("MIZUCHI_CACHE_DIR", &cache)
            .env("MIZUCHI_HOME", dir.join("home"))
            .env("HOME", &dir)
            .args(args);
        if as_root {
            c.uid(NOBODY).gid(NOBODY);
        }
        let out = c.output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    let key = dir.join("k.pem");
    let out = mz(&["key", "generate", "-q", "--out", s(&key)]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The pack and the sample, where `nobody` can read them.
    let pack = base.path().join("mlit-water.pack");
    std::fs::copy(official_pack(), &pack).unwrap();
    std::fs::set_permissions(&pack, std::fs::Permissions::from_mode(0o644)).unwrap();
    let ledger = dir.join("results.jsonl");
    let eval = || {
        mz(&[
            "--no-cache",
            "eval",
            "--allow-unsigned",
            "--pack",
            s(&pack),
            "--evidence",
            s(&sample()),
            "--rule",
            "MLIT-GOV-01",
            "--ledger",
            s(&ledger),
            "--key",
            s(&key),
        ])
    };
    let out = eval();
    assert!(matches!(out.code, 0 | 1), "{}", out.stderr);
    let before = std::fs::read(&ledger).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = eval();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("checkpoint"), "{}", out.stderr);
    assert_eq!(
        std::fs::read(&ledger).unwrap(),
        before,
        "entries were appended that no checkpoint can acknowledge"
    );
}

#[test]
fn temporary_files_left_by_a_killed_install_are_removed_by_the_next_one() {
    let (m, _, pack) = regulator_setup("1.0.0");
    m.installs(&pack);
    let dir = m.home().join("packs/mlit-water");
    // What a kill -9 between creating and renaming leaves behind.
    for name in [".tmpAbC123", ".mizuchi-tmp-XyZ789"] {
        std::fs::write(dir.join(name), b"half a pack").unwrap();
    }
    std::fs::write(m.home().join("packs/.tmpQwE456"), b"half an index").unwrap();
    // Killed installs, for real.
    for delay in [50u64, 150, 400, 800] {
        let home = m.home();
        let mut child = mizuchi()
            .args([
                "--home",
                s(&home),
                "--no-cache",
                "pack",
                "install",
                s(&pack),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
    }
    m.installs(&pack);
    let litter: Vec<String> = walk(&m.home().join("packs"))
        .into_iter()
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with(".tmp") || n.starts_with(".mizuchi-tmp")
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(litter.is_empty(), "{litter:?}");
    let out = m.run(&["eval", "--evidence", s(&sample())]);
    assert_eq!(out.code, 1, "{}", out.stderr);
}

#[test]
fn public_artefacts_respect_the_umask_and_private_keys_stay_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // What this process's umask gives a new file.
    let probe = tempfile::tempdir().unwrap();
    let plain = probe.path().join("plain");
    std::fs::File::create(&plain)
        .unwrap()
        .write_all(b"x")
        .unwrap();
    let expected = mode(&plain);

    let (m, key, pack) = regulator_setup("1.0.0");
    assert_eq!(mode(&key), 0o600, "a private key");
    assert_eq!(mode(&mizuchi::public_path(&key)), expected);
    assert_eq!(mode(&pack), expected, "a built and signed pack");
    let site = m.path("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::copy(&pack, site.join("mlit-water-1.0.0.pack")).unwrap();
    assert_eq!(m.run(&["pack", "index", s(&site)]).code, 0);
    assert_eq!(mode(&site.join("index.json")), expected, "index.json");

    let bundle = m.path("bundle");
    let out = run(&[
        "evidence",
        "import",
        "sheet",
        s(&root().join("tests/fixtures/import/inventory-en.csv")),
        "--into",
        s(&bundle),
        "--utility-id",
        "X",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(mode(&bundle.join("manifest.json")), expected, "a manifest");
    assert_eq!(mode(&bundle.join("inventory.json")), expected, "a section");
    let tar = m.path("bundle.tar");
    assert_eq!(
        run(&["evidence", "archive", s(&bundle), "--out", s(&tar)]).code,
        0
    );
    assert_eq!(mode(&tar), expected, "an archive");

    let r = record(&["2026-11-27"]);
    assert_eq!(mode(&r.ledger), expected, "a ledger");
    assert_eq!(
        mode(&ledger::checkpoint_path(&r.ledger)),
        expected,
        "a checkpoint"
    );
}
