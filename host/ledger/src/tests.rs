//! Tamper and crash behaviour of ledgers, on small synthetic runs.

use std::collections::BTreeMap;

use std::path::{Path, PathBuf};

use mizuchi_evidence::Outcome;

use crate::keys::{PublicKey, SecretKey};
use crate::ledger::*;
use crate::merkle;
use crate::statement::{
    EvidenceRecord, HostInfo, ModuleRef, PackInfo, PackRef, RESULT_PREDICATE, RUN_PREDICATE,
    ResultPredicate, Reused, RuleRef, RunPredicate, STATEMENT_TYPE, Statement,
};

fn key() -> SecretKey {
    SecretKey::from_seed([42; 32])
}

fn trusted() -> Vec<PublicKey> {
    vec![key().public()]
}

/// A run of `results` results, as statement bytes.
fn run(n: u64, results: u64) -> Vec<Vec<u8>> {
    run_reusing(n, results, Vec::new())
}

/// A run of `results` results (rules `R-0`…) that also reuses `reused`.
fn run_reusing(n: u64, results: u64, reused: Vec<Reused>) -> Vec<Vec<u8>> {
    let id = format!("run-{n:016}");
    let host = HostInfo {
        version: "0.1.0".into(),
        rule_abi: "1.0.0".into(),
    };
    let header = Statement {
        kind: STATEMENT_TYPE.into(),
        subject: vec![],
        predicate_type: RUN_PREDICATE.into(),
        predicate: RunPredicate {
            run: id.clone(),
            host: host.clone(),
            packs: vec![PackInfo {
                name: "p".into(),
                version: "1.0.0".into(),
                digest: "d".into(),
                publisher: Some("P".into()),
                signed_by: vec!["k".into()],
                unsigned: false,
                modules: vec![],
            }],
            evidence: EvidenceRecord {
                utility_id: "U".into(),
                utility_name: mizuchi_evidence::Text::new("u", "u"),
                format_version: "1.0.0".into(),
                collected_on: jiff::civil::date(2026, 1, 1),
                digest: "e".into(),
            },
            as_of: jiff::civil::date(2026, 1, 2),
            overrides: BTreeMap::new(),
            rules: Vec::new(),
            results,
            reused,
        },
    };
    let mut out = vec![serde_json::to_vec(&header).unwrap()];
    for r in 0..results {
        let s = Statement {
            kind: STATEMENT_TYPE.into(),
            subject: vec![],
            predicate_type: RESULT_PREDICATE.into(),
            predicate: ResultPredicate {
                run: id.clone(),
                rule: RuleRef {
                    id: format!("R-{r}"),
                    version: Some("1.0.0".into()),
                },
                force: None,
                module: ModuleRef {
                    name: "m".into(),
                    sha256: "s".into(),
                },
                pack: PackRef {
                    name: "p".into(),
                    version: "1.0.0".into(),
                    digest: "d".into(),
                    publisher: Some("P".into()),
                    signed_by: vec!["k".into()],
                    unsigned: false,
                },
                parameters: BTreeMap::new(),
                as_of: jiff::civil::date(2026, 1, 2),
                host: host.clone(),
                fuel: 7,
                outcome: Outcome::Pass,
                findings: vec![],
                error: None,
                acceptances: vec![],
            },
        };
        out.push(serde_json::to_vec(&s).unwrap());
    }
    out
}

/// A ledger of two runs (6 entries) and a copy of its checkpoint after the first run.
fn ledger(dir: &Path) -> (PathBuf, Checkpoint) {
    let path = dir.join("ledger.jsonl");
    let mut w = Writer::open(&path, &key()).unwrap();
    let early = w.append_run("U", &run(1, 2)).unwrap().checkpoint;
    w.append_run("U", &run(2, 2)).unwrap();
    (path, early)
}

fn verdict(path: &Path, earlier: &[Checkpoint]) -> Verification {
    let e: Vec<(String, Checkpoint)> = earlier
        .iter()
        .map(|c| ("earlier".to_owned(), c.clone()))
        .collect();
    verify(path, &trusted(), &e).unwrap()
}

fn lines_of(path: &Path) -> Vec<Vec<u8>> {
    let l = Lines::read(path).unwrap();
    (0..l.len()).map(|i| l.line(i).to_vec()).collect()
}

fn write_lines(path: &Path, lines: &[Vec<u8>]) {
    let mut b = Vec::new();
    for l in lines {
        b.extend_from_slice(l);
        b.push(b'\n');
    }
    std::fs::write(path, b).unwrap();
}

#[test]
fn an_intact_ledger_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let (path, early) = ledger(dir.path());
    let v = verdict(&path, &[early]);
    assert!(v.ok(), "{v:?}");
    assert_eq!((v.entries, v.runs), (6, 2));
    assert_eq!(v.checkpoints.len(), 2);
}

#[test]
fn flipping_any_single_byte_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = ledger(dir.path());
    let original = std::fs::read(&path).unwrap();
    let mut undetected = Vec::new();
    for i in 0..original.len() {
        let mut b = original.clone();
        b[i] ^= 0x01;
        std::fs::write(&path, &b).unwrap();
        if verdict(&path, &[]).ok() {
            undetected.push(i);
        }
    }
    assert!(
        undetected.is_empty(),
        "flips at {undetected:?} of {} bytes went unnoticed",
        original.len()
    );
    assert!(original.len() > 3000);
}

fn first_bad(path: &Path) -> u64 {
    verdict(path, &[])
        .first_bad
        .map(|(i, _)| i)
        .unwrap_or(u64::MAX)
}

#[test]
fn deleting_duplicating_swapping_and_inserting_are_found_at_the_right_index() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = ledger(dir.path());
    let good = lines_of(&path);
    for i in 0..good.len() - 1 {
        let mut l = good.clone();
        l.remove(i);
        write_lines(&path, &l);
        assert_eq!(first_bad(&path), i as u64, "delete {i}");

        let mut l = good.clone();
        l.insert(i + 1, good[i].clone());
        write_lines(&path, &l);
        assert_eq!(first_bad(&path), i as u64 + 1, "duplicate {i}");

        let mut l = good.clone();
        l.swap(i, i + 1);
        write_lines(&path, &l);
        assert_eq!(first_bad(&path), i as u64, "swap {i}");
    }
    // A validly signed entry from another ledger, inserted.
    let other_dir = tempfile::tempdir().unwrap();
    let (other, _) = ledger(other_dir.path());
    let foreign = lines_of(&other)[3].clone();
    let mut l = good.clone();
    l.insert(2, foreign);
    write_lines(&path, &l);
    assert_eq!(first_bad(&path), 2);
}

#[test]
fn truncating_the_last_entries_is_detected_against_an_earlier_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let (path, early) = ledger(dir.path());
    let full = read_checkpoint(&checkpoint_path(&path)).unwrap();
    let good = lines_of(&path);
    for k in 1..=good.len() {
        write_lines(&path, &good[..good.len() - k]);
        // The attacker also puts back an older checkpoint...
        std::fs::write(checkpoint_path(&path), &early.text).unwrap();
        let v = verdict(&path, std::slice::from_ref(&full));
        assert!(!v.ok());
        let c = v.checkpoints.iter().find(|c| c.size == 6).unwrap();
        assert!(c.message.contains("truncation"), "{}", c.message);
        // ...or none, which does not verify at all.
        std::fs::remove_file(checkpoint_path(&path)).unwrap();
        assert!(matches!(
            verify(&path, &trusted(), &[("kept".into(), full.clone())]),
            Err(LedgerError::NoCheckpoint(_))
        ));
    }
    // Truncated back to the earlier checkpoint, that checkpoint alone is satisfied...
    write_lines(&path, &good[..3]);
    std::fs::write(checkpoint_path(&path), &early.text).unwrap();
    assert!(verdict(&path, &[early]).ok());
    // ...but not the later one an auditor kept.
    assert!(!verdict(&path, &[full]).ok());
}

#[test]
fn a_forked_checkpoint_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = ledger(dir.path());
    // Someone with the key signs another history of the same length.
    let fork = Checkpoint::sign("mizuchi.results/U", 6, &[7; 32], &key());
    let v = verdict(&path, &[fork]);
    assert!(!v.ok());
    assert!(
        v.checkpoints.iter().any(|c| c.message.contains("fork")),
        "{:?}",
        v.checkpoints
    );
}

#[test]
fn an_untrusted_signer_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = ledger(dir.path());
    let v = verify(&path, &[SecretKey::from_seed([1; 32]).public()], &[]).unwrap();
    assert_eq!(v.first_bad.map(|b| b.0), Some(0));
}

#[test]
fn a_torn_tail_is_pending_and_removed_only_by_repair() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = ledger(dir.path());
    let good = std::fs::read(&path).unwrap();
    let mut torn = good.clone();
    torn.extend_from_slice(b"{\"index\":6,\"prev\":\"ab");
    std::fs::write(&path, &torn).unwrap();
    // What the checkpoint acknowledged still verifies; the tail is pending.
    let v = verdict(&path, &[]);
    assert!(v.ok(), "{v:?}");
    assert!(
        v.pending
            .as_deref()
            .unwrap()
            .contains("21 bytes follow the last complete line"),
        "{v:?}"
    );
    assert!(matches!(
        Writer::open(&path, &key()),
        Err(LedgerError::NeedsRepair(_))
    ));
    let r = repair(&path, &trusted()).unwrap();
    assert_eq!((r.removed, r.entries), (21, 0));
    assert_eq!(
        std::fs::read(r.saved_to.unwrap()).unwrap(),
        b"{\"index\":6,\"prev\":\"ab"
    );
    assert_eq!(std::fs::read(&path).unwrap(), good);
    let v = verdict(&path, &[]);
    assert!(v.ok() && v.pending.is_none(), "{v:?}");
}

#[test]
fn entries_no_checkpoint_covers_were_never_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = ledger(dir.path());
    let cp = std::fs::read(checkpoint_path(&path)).unwrap();
    {
        // A run written and flushed, then the writer dies before its checkpoint.
        let mut w = Writer::open(&path, &key()).unwrap();
        w.append_run("U", &run(3, 1)).unwrap();
    }
    std::fs::write(checkpoint_path(&path), &cp).unwrap();
    let v = verdict(&path, &[]);
    assert!(v.ok(), "{v:?}");
    assert_eq!(v.acknowledged, 6);
    assert!(
        v.pending.as_deref().unwrap().contains("entries 6..7"),
        "{v:?}"
    );
    assert!(matches!(
        Writer::open(&path, &key()),
        Err(LedgerError::NeedsRepair(_))
    ));
    // Only the ledger's key vouches for what repair keeps.
    let stranger = [SecretKey::from_seed([1; 32]).public()];
    assert!(matches!(
        repair(&path, &stranger),
        Err(LedgerError::UntrustedCheckpoint { .. })
    ));
    assert_eq!(repair(&path, &trusted()).unwrap().entries, 2);
    let v = verdict(&path, &[]);
    assert!(v.ok() && v.pending.is_none(), "{v:?}");
    assert!(Writer::open(&path, &key()).is_ok());
}

#[test]
fn a_new_ledger_is_acknowledged_empty_before_its_first_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.jsonl");
    let w = Writer::open(&path, &key()).unwrap();
    drop(w);
    // Created and locked, nothing published: nothing to verify yet.
    assert!(matches!(
        verify(&path, &trusted(), &[]),
        Err(LedgerError::NoCheckpoint(_))
    ));
    let mut w = Writer::open(&path, &key()).unwrap();
    w.append_run("U", &run(1, 1)).unwrap();
    let v = verdict(&path, &[]);
    assert!(v.ok() && v.acknowledged == 2, "{v:?}");
    // The checkpoint of size 0 came first: a crash after it leaves a ledger
    // repair can restore to empty.
    std::fs::write(&path, b"").unwrap();
    let empty = Checkpoint::sign(&origin("U"), 0, &merkle::root(&[]), &key());
    std::fs::write(checkpoint_path(&path), &empty.text).unwrap();
    let v = verdict(&path, &[]);
    assert!(v.ok() && v.entries == 0, "{v:?}");
}

#[test]
fn a_missing_ledger_does_not_verify() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.jsonl");
    let empty = Checkpoint::sign(&origin("U"), 0, &merkle::root(&[]), &key());
    std::fs::write(checkpoint_path(&path), &empty.text).unwrap();
    assert!(matches!(
        verify(&path, &trusted(), &[]),
        Err(LedgerError::NoLedger(_))
    ));
    assert!(matches!(runs(&path), Err(LedgerError::NoLedger(_))));
}

#[test]
fn one_writer_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = ledger(dir.path());
    let _first = Writer::open(&path, &key()).unwrap();
    assert!(matches!(
        Writer::open(&path, &key()),
        Err(LedgerError::Locked(_))
    ));
}

#[test]
fn runs_of_another_utility_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = ledger(dir.path());
    let mut w = Writer::open(&path, &key()).unwrap();
    assert!(matches!(
        w.append_run("OTHER", &run(9, 1)),
        Err(LedgerError::OtherUtility { .. })
    ));
}

#[test]
fn a_statement_with_a_duplicate_key_is_a_bad_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.jsonl");
    let mut statements = run(1, 1);
    let text = String::from_utf8(statements[1].clone()).unwrap();
    statements[1] = text
        .replace(
            "\"outcome\":\"pass\"",
            "\"outcome\":\"fail\",\"outcome\":\"pass\"",
        )
        .into_bytes();
    let mut w = Writer::open(&path, &key()).unwrap();
    w.append_run("U", &statements).unwrap();
    let v = verdict(&path, &[]);
    let (i, why) = v.first_bad.unwrap();
    assert_eq!(i, 1);
    assert!(why.contains("duplicate key `outcome`"), "{why}");
}

#[test]
fn the_writer_removes_only_its_own_ledgers_leftover_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = ledger(dir.path());
    let mine = dir
        .path()
        .join(".ledger.jsonl.checkpoint.mizuchi-tmp-killed");
    let theirs = dir
        .path()
        .join(".other.jsonl.checkpoint.mizuchi-tmp-running");
    std::fs::write(&mine, b"half").unwrap();
    std::fs::write(&theirs, b"half").unwrap();
    let _w = Writer::open(&path, &key()).unwrap();
    assert!(!mine.exists());
    assert!(theirs.exists());
}

/// The references an incremental run makes to earlier results: one that
/// names a result of that rule by its line hash verifies, and every way of
/// naming something else fails at the header that names it.
#[test]
fn reused_results_must_be_earlier_results_of_that_rule_by_their_line_hash() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.jsonl");
    let mut w = Writer::open(&base, &key()).unwrap();
    // Entries 0..=2: a run of.
    w.append_run("U", &run(1, 2)).unwrap();
    drop(w);
    let hashes: Vec<String> = lines_of(&base).iter().map(|l| line_hash(l)).collect();
    let refer = |rule: &str, position: u64, index: u64, hash: &str| Reused {
        rule: rule.into(),
        position,
        index,
        hash: hash.into(),
    };
    let attempt = |name: &str, results: u64, reused: Vec<Reused>| {
        let path = dir.path().join(name);
        std::fs::copy(&base, &path).unwrap();
        std::fs::copy(checkpoint_path(&base), checkpoint_path(&path)).unwrap();
        let mut w = Writer::open(&path, &key()).unwrap();
        w.append_run("U", &run_reusing(2, results, reused)).unwrap();
        verdict(&path, &[])
    };
    // R-1 reused at position 1, R-0 evaluated again at position 0.
    let v = attempt("good.jsonl", 1, vec![refer("R-1", 1, 2, &hashes[2])]);
    assert!(v.ok(), "{v:?}");
    let cases = [
        (
            "another hash",
            vec![refer("R-1", 1, 2, &hashes[1])],
            "another hash",
        ),
        (
            "a header",
            vec![refer("R-1", 1, 0, &hashes[0])],
            "not a rule result",
        ),
        (
            "another rule",
            vec![refer("R-1", 1, 1, &hashes[1])],
            "is a result of `R-0`",
        ),
        (
            "a later entry",
            vec![refer("R-1", 1, 3, "00")],
            "not an earlier entry",
        ),
        (
            "no place",
            vec![refer("R-1", 2, 2, &hashes[2])],
            "beyond the run's 2 results",
        ),
        // R-0 is also among the results that follow: twice in one run.
        (
            "a rule evaluated too",
            vec![refer("R-0", 1, 1, &hashes[1])],
            "which its run reuses",
        ),
    ];
    for (i, (what, reused, why)) in cases.into_iter().enumerate() {
        let v = attempt(&format!("bad-{i}.jsonl"), 1, reused);
        let bad = v.first_bad.as_ref().map(|(_, w)| w.as_str()).unwrap_or("");
        assert!(!v.ok() && bad.contains(why), "{what}: {v:?}");
    }
}
