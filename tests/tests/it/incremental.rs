//! `eval --incremental`: a run reuses the signed result of every rule whose
//! inputs did not change since the ledger's last run, and of no other; the
//! ledger verifies (Mizuchi and the independent script), `ledger show` and
//! the report see every result, and replay compares the reused ones too.

use std::collections::BTreeSet;
use std::path::PathBuf;

use mizuchi_tests::{Run, official_pack, root, run, s, sample_copy, sha256};

struct Ledger {
    dir: tempfile::TempDir,
    bundle: tempfile::TempDir,
    ledger: PathBuf,
    key: PathBuf,
}

impl Ledger {
    fn new() -> Ledger {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("utility.pem");
        let out = run(&["key", "generate", "--out", s(&key), "-q"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        Ledger {
            ledger: dir.path().join("results.jsonl"),
            dir,
            bundle: sample_copy(),
            key,
        }
    }

    fn public(&self) -> PathBuf {
        self.dir.path().join("utility.pub.pem")
    }

    /// `eval` into the ledger, incrementally unless `full`, with `extra`
    /// arguments; returns the run's output.
    fn eval(&self, full: bool, extra: &[&str]) -> Run {
        let pack = official_pack();
        let mut args = vec![
            "eval",
            "--evidence",
            s(self.bundle.path()),
            "--ledger",
            s(&self.ledger),
            "--key",
            s(&self.key),
            "--format",
            "json",
        ];
        if !extra.contains(&"--pack") {
            args.extend(["--pack", s(&pack)]);
        }
        if !full {
            args.push("--incremental");
        }
        args.extend(extra);
        let out = run(&args);
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stderr.contains("recorded run-"), "{}", out.stderr);
        out
    }

    /// The rules the last run evaluated (not reused), and how many results it has.
    fn evaluated(&self) -> (BTreeSet<String>, usize) {
        let runs = run(&["ledger", "show", s(&self.ledger), "--format", "json"]).json();
        let last = runs.as_array().unwrap().last().unwrap().clone();
        let rules = last["rules"].as_array().unwrap();
        let evaluated = rules
            .iter()
            .filter(|r| r["reused"].as_bool() != Some(true))
            .map(|r| r["rule"].as_str().unwrap().to_owned())
            .collect();
        (evaluated, rules.len())
    }

    /// Changes the bundle's file `rel` with `edit` and seals the change in
    /// the manifest, as a utility re-importing one section would.
    fn change(&self, rel: &str, edit: impl FnOnce(String) -> String) {
        let path = self.bundle.path().join(rel);
        let text = edit(std::fs::read_to_string(&path).unwrap());
        std::fs::write(&path, &text).unwrap();
        let manifest = self.bundle.path().join("manifest.json");
        let mut m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
        for f in m["files"].as_array_mut().unwrap() {
            if f["path"] == rel {
                f["sha256"] = sha256(text.as_bytes()).into();
                f["imported_sha256"] = f["sha256"].clone();
            }
        }
        std::fs::write(&manifest, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    }

    fn verifies(&self) {
        let out = run(&[
            "ledger",
            "verify",
            s(&self.ledger),
            "--trust",
            s(&self.public()),
        ]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        let py = std::process::Command::new("python3")
            .arg(root().join("tests/verify_ledger.py"))
            .arg(&self.ledger)
            .arg("--trust")
            .arg(self.public())
            .output()
            .unwrap();
        assert!(
            py.status.success(),
            "{}{}",
            String::from_utf8_lossy(&py.stdout),
            String::from_utf8_lossy(&py.stderr)
        );
    }
}

/// The official pack's rules that declare `section`.
fn readers(section: &str) -> BTreeSet<String> {
    let v = run(&["rules", "--pack", s(&official_pack()), "--format", "json"]).json();
    v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["needs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["section"] == section)
        })
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn changing_one_input_re_runs_exactly_the_rules_that_read_it() {
    let l = Ledger::new();
    l.eval(true, &[]);
    let (all, total) = l.evaluated();
    assert_eq!(all.len(), total);
    assert!(total >= 29, "{total}");

    // Nothing changed: nothing is evaluated, every result is the last run's.
    let out = l.eval(false, &[]);
    assert!(
        out.stderr
            .contains(&format!("reused {total} results of earlier runs")),
        "{}",
        out.stderr
    );
    assert_eq!(l.evaluated(), (BTreeSet::new(), total));
    // The report printed is the whole run, reused results included.
    assert_eq!(out.json()["results"].as_array().unwrap().len(), total);

    // A parameter: its rule alone, and again when it is set back.
    l.eval(false, &["--param", "MLIT-BAK-01.backup_max_age_days=30"]);
    assert_eq!(l.evaluated(), (set(&["MLIT-BAK-01"]), total));
    l.eval(false, &[]);
    assert_eq!(l.evaluated(), (set(&["MLIT-BAK-01"]), total));

    // One log file: the rules that read door events.
    let door = std::fs::read_dir(l.bundle.path().join("door-events"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .next()
        .unwrap();
    l.change(&format!("door-events/{door}"), |mut t| {
        t.push_str(
            "{\"time\":\"2026-11-20T02:00:00Z\",\"area\":\"kitano-ccr\",\"door\":\"北野 中央監視室 正面\",\"card\":\"C-0031\",\"result\":\"denied\",\"direction\":\"entry\"}\n",
        );
        t
    });
    l.eval(false, &[]);
    let doors = readers("door-events");
    assert!(!doors.is_empty());
    assert_eq!(l.evaluated(), (doors, total));

    // One document: the rules that read training records.
    l.change("training.json", |t| {
        t.replacen("2026-06-15", "2026-06-16", 1)
    });
    l.eval(false, &[]);
    let trained = readers("training");
    assert!(!trained.is_empty());
    assert_eq!(l.evaluated(), (trained, total));

    // The assessment date: every rule.
    l.eval(false, &["--as-of", "2026-12-01"]);
    assert_eq!(l.evaluated(), (all.clone(), total));

    // The pack (the same modules, run unsigned: another pack to the
    // results): every rule.
    let unsigned = mizuchi_tests::unsigned_official_pack();
    let other_pack = [
        "--as-of",
        "2026-12-01",
        "--pack",
        s(&unsigned),
        "--allow-unsigned",
    ];
    l.eval(false, &other_pack);
    assert_eq!(l.evaluated(), (all, total));
    l.eval(false, &other_pack);
    assert_eq!(l.evaluated(), (BTreeSet::new(), total));

    // Every run, the reused ones too, verifies, by Mizuchi and by the
    // script written from docs/ledger.md.
    l.verifies();
    let show = run(&["ledger", "show", s(&l.ledger)]);
    assert!(
        show.stdout.contains(&format!(
            "{total} of {total} results reused from earlier runs"
        )),
        "{}",
        show.stdout
    );

    // Replay evaluates every rule again and compares each reused result
    // with the entry its run names: identical.
    let runs = run(&["ledger", "show", s(&l.ledger), "--format", "json"]).json();
    let last = runs.as_array().unwrap().last().unwrap()["run"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = run(&[
        "replay",
        s(&l.ledger),
        "--run",
        &last,
        "--trust",
        s(&l.public()),
        "--pack",
        s(&unsigned),
        "--allow-unsigned",
        "--evidence",
        s(l.bundle.path()),
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);

    // The report made from the ledger shows all the last run's results.
    let html = l.dir.path().join("report");
    let out = run(&[
        "report",
        "--ledger",
        s(&l.ledger),
        "--trust",
        s(&l.public()),
        "--format",
        "junit",
        "--out-dir",
        s(&html),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let junit = std::fs::read_to_string(html.join("junit.xml")).unwrap();
    assert_eq!(junit.matches("<testcase ").count(), total, "{junit}");
}

/// A reused result does not read its logs again, but a log the manifest
/// lists must still be there: missing, it refuses the run, incremental or
/// limited to a rule that reads no log, naming the file.
#[test]
fn a_listed_log_that_is_missing_refuses_a_run_that_does_not_read_it() {
    let l = Ledger::new();
    l.eval(true, &[]);
    let dir = l.bundle.path().join("auth-events");
    let gone = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .min()
        .unwrap();
    std::fs::remove_file(dir.join(&gone)).unwrap();
    let pack = official_pack();
    let base = [
        "eval",
        "--pack",
        s(&pack),
        "--evidence",
        s(l.bundle.path()),
        "--ledger",
        s(&l.ledger),
        "--key",
        s(&l.key),
    ];
    for extra in [&["--incremental"][..], &["--rule", "MLIT-GOV-01"][..]] {
        let mut args = base.to_vec();
        args.extend(extra);
        let out = run(&args);
        assert_eq!(out.code, 2, "{extra:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("auth-events/{gone}"))
                && out.stderr.contains("listed in the manifest but missing"),
            "{extra:?}: {}",
            out.stderr
        );
    }
}
