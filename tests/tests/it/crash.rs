//! Killing the ledger writer at random points never loses an acknowledged
//! entry, and what is left verifies once the unacknowledged tail is repaired.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use mizuchi::SecretKey;
use mizuchi_ledger::ledger::{self, LedgerError};

/// A small deterministic generator, so that a failure can be reproduced.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn killing_the_writer_at_random_points_loses_no_acknowledged_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.jsonl");
    let key = SecretKey::from_seed([9; 32]);
    let trusted = [key.public()];
    let mut rng = Lcg(2026);
    let mut acknowledged = 0u64;
    let (mut torn, mut unacknowledged) = (0, 0);
    for iteration in 0..200 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ledger-writer"))
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.next(20_000)));
        child.kill().unwrap();
        child.wait().unwrap();
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        if let Some(n) = out
            .lines()
            .filter_map(|l| l.strip_prefix("ack "))
            .filter_map(|n| n.parse().ok())
            .max()
        {
            acknowledged = acknowledged.max(n);
        }
        // Sometimes the power goes too: the last bytes reach the disk
        // half-written (after the ledger's first checkpoint, which a new
        // ledger publishes before its first byte).
        if iteration % 5 == 4 && ledger::checkpoint_path(&path).exists() {
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            f.write_all(&b"{\"index\":1,\"prev\":\"0000"[..1 + rng.next(20) as usize])
                .unwrap();
        }
        match ledger::Writer::open(&path, &key) {
            Ok(_) => {}
            Err(LedgerError::NeedsRepair(why)) => {
                if why.contains("torn") {
                    torn += 1;
                } else {
                    unacknowledged += 1;
                }
                ledger::repair(&path, &trusted).unwrap();
            }
            Err(e) => panic!("iteration {iteration}: {e}"),
        }
        let v = match ledger::verify(&path, &trusted, &[]) {
            Ok(v) => v,
            // Killed before a new ledger's first checkpoint: nothing was written.
            Err(LedgerError::NoCheckpoint(_)) if acknowledged == 0 => {
                assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
                continue;
            }
            Err(e) => panic!("iteration {iteration}: {e}"),
        };
        assert!(v.ok(), "iteration {iteration}: {v:?}");
        assert!(v.pending.is_none(), "iteration {iteration}: {v:?}");
        assert!(
            v.entries >= acknowledged,
            "iteration {iteration}: {acknowledged} entries were acknowledged but only {} remain",
            v.entries
        );
    }
    assert!(acknowledged > 0, "the writer never got a run acknowledged");
    eprintln!(
        "200 kills: {acknowledged} entries acknowledged and kept; {torn} torn tails and {unacknowledged} unacknowledged runs repaired"
    );
}
