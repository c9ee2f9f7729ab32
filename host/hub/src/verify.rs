//! Deciding whether a push is accepted: pure, no storage, no clock.
//!
//! In order, the first failure refusing the push: the checkpoint is signed
//! by the utility's enrolled key and names the utility's ledger; its tree is
//! not smaller than the one the hub accepted (else the ledger was
//! truncated), and is the same tree if it is the same size (else rewritten);
//! the consistency proof shows the hub's tree is a prefix of it (else the
//! ledger forked); the entries are exactly those from the hub's size to the
//! checkpoint's, each at its index, chained to the one before and signed by
//! the utility's key; and they, after the entries the hub holds, make the
//! checkpoint's root. Only then are runs and results read from them and the
//! regulator's policy applied, which flags but never refuses: a run is what
//! the utility did, and the regulator must see it.

use mizuchi_evidence::{Force, Outcome};
use mizuchi_ledger::keys::PublicKey;
use mizuchi_ledger::ledger::{Checkpoint, GENESIS, check_line, line_hash, origin};
use mizuchi_ledger::merkle::{self, Hash};
use mizuchi_ledger::statement::{RESULT_PREDICATE, RUN_PREDICATE, Reused, RuleRef, RunPredicate};

use crate::wire::Push;

/// The regulator's policy: what every run must meet or be flagged for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Publishers whose packs every run must use (none: any trusted one).
    pub required_publishers: Vec<String>,
}

/// What the hub holds of one utility's ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// Entries accepted.
    pub size: u64,
    /// Their root.
    pub root: Hash,
    /// The SHA-256 of the last accepted line (the next entry's `prev`).
    pub last_line: String,
}

impl Held {
    /// Nothing accepted yet.
    pub fn empty() -> Held {
        Held {
            size: 0,
            root: merkle::root(&[]),
            last_line: GENESIS.to_owned(),
        }
    }
}

/// Why a push is refused. `Rewritten` is also flagged for the regulator:
/// the utility's own key signed a ledger that contradicts what it pushed
/// before.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The push is not well formed.
    #[error("{0}")]
    Malformed(String),
    /// A signature is missing or not the utility's.
    #[error("{0}")]
    Signature(String),
    /// The ledger contradicts what the hub accepted before.
    #[error("{0}")]
    Rewritten(String),
}

/// A run read from accepted entries, with the policy flags it raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    /// The run id.
    pub run: String,
    /// The index of its header.
    pub index: u64,
    /// The assessment date.
    pub as_of: String,
    /// `name version (publisher)` of each pack.
    pub packs: String,
    /// Each flag: a code and what it means.
    pub flags: Vec<(String, String)>,
}

/// A rule result read from accepted entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRecord {
    /// The run id.
    pub run: String,
    /// The rule id.
    pub rule: String,
    /// `ordinance` or `recommended` (empty when the result does not say).
    pub force: String,
    /// The outcome.
    pub outcome: String,
}

/// A result a run reuses from an earlier entry of its ledger
/// (`docs/ledger.md`, section 3): stored as a result of the run once the
/// entry it names, by index and line hash, is found among the accepted ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReusedRecord {
    /// The header of the run that reuses it.
    pub header: std::sync::Arc<RunPredicate>,
    /// The reference: rule, place, entry index and line hash.
    pub reference: Reused,
}

/// A verified push, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The new entries: index, line, leaf hash and line hash (hex).
    pub entries: Vec<(u64, String, String, String)>,
    /// The checkpoint.
    pub checkpoint: Checkpoint,
    /// The runs the entries start.
    pub runs: Vec<RunRecord>,
    /// The results they hold.
    pub results: Vec<ResultRecord>,
    /// The results their runs reuse from earlier entries.
    pub reused: Vec<ReusedRecord>,
}

fn hash_from_hex(s: &str) -> Option<Hash> {
    let bytes = hex::decode(s).ok()?;
    bytes.try_into().ok()
}

/// Verifies `push` from utility `utility` (enrolled with `key`) against what
/// the hub holds (`held`, and the leaf hashes of the accepted entries).
pub fn verify_push(
    utility: &str,
    key: &PublicKey,
    held: &Held,
    leaves: &[Hash],
    push: &Push,
    policy: &Policy,
) -> Result<Accepted, Refusal> {
    let checkpoint = Checkpoint::parse(&push.checkpoint)
        .map_err(|e| Refusal::Malformed(format!("the checkpoint is not a signed note: {e}")))?;
    if checkpoint.verified_by(std::slice::from_ref(key)).is_none() {
        return Err(Refusal::Signature(format!(
            "the checkpoint is not signed by the key enrolled for utility `{utility}`"
        )));
    }
    let want = origin(utility);
    if checkpoint.origin != want {
        return Err(Refusal::Malformed(format!(
            "the checkpoint is of `{}`, not of `{want}`",
            checkpoint.origin
        )));
    }
    if checkpoint.size < held.size {
        return Err(Refusal::Rewritten(format!(
            "the ledger's signed checkpoint covers {} entries, but {} were accepted before: the ledger was truncated or replaced",
            checkpoint.size, held.size
        )));
    }
    if checkpoint.size == held.size && checkpoint.root != held.root {
        return Err(Refusal::Rewritten(format!(
            "the ledger's signed checkpoint of {} entries has another root than the one accepted before: the ledger was rewritten",
            checkpoint.size
        )));
    }
    let proof: Vec<Hash> = push
        .consistency
        .iter()
        .map(|h| hash_from_hex(h))
        .collect::<Option<_>>()
        .ok_or_else(|| {
            Refusal::Malformed(
                "the consistency proof holds a value that is not a SHA-256 in hex".into(),
            )
        })?;
    if !merkle::verify_consistency(
        held.size,
        checkpoint.size,
        &proof,
        &held.root,
        &checkpoint.root,
    ) {
        return Err(Refusal::Rewritten(format!(
            "the ledger of {} entries does not extend the {} entries accepted before (the consistency proof fails): the ledger was rewritten or forked",
            checkpoint.size, held.size
        )));
    }
    let expected = checkpoint.size - held.size;
    if push.entries.len() as u64 != expected {
        return Err(Refusal::Malformed(format!(
            "the push holds {} entries; the checkpoint covers {expected} more than the {} accepted (push exactly entries {} to {})",
            push.entries.len(),
            held.size,
            held.size,
            checkpoint.size
        )));
    }
    let mut prev = held.last_line.clone();
    let mut all: Vec<Hash> = leaves.to_vec();
    let mut accepted = Accepted {
        entries: Vec::with_capacity(push.entries.len()),
        checkpoint: checkpoint.clone(),
        runs: Vec::new(),
        results: Vec::new(),
        reused: Vec::new(),
    };
    for (i, line) in push.entries.iter().enumerate() {
        let index = held.size + i as u64;
        let (kind, predicate) =
            check_line(index, line.as_bytes(), &prev, std::slice::from_ref(key))
                .map_err(|why| Refusal::Signature(format!("entry {index} {why}")))?;
        read_statement(&mut accepted, index, &kind, predicate, policy);
        let leaf = merkle::leaf_hash(line.as_bytes());
        all.push(leaf);
        prev = line_hash(line.as_bytes());
        accepted
            .entries
            .push((index, line.clone(), hex::encode(leaf), prev.clone()));
    }
    if merkle::root(&all) != checkpoint.root {
        return Err(Refusal::Rewritten(
            "the entries pushed do not make the checkpoint's tree".into(),
        ));
    }
    Ok(accepted)
}

/// Reads a run header or a result into the records the views show, and
/// applies the policy to a run.
fn read_statement(
    out: &mut Accepted,
    index: u64,
    kind: &str,
    predicate: serde_json::Value,
    policy: &Policy,
) {
    if kind == RUN_PREDICATE {
        let Ok(run) = serde_json::from_value::<RunPredicate>(predicate) else {
            return;
        };
        let mut flags = Vec::new();
        for p in &run.packs {
            if p.unsigned {
                flags.push((
                    "unsigned-pack".to_owned(),
                    format!("pack {} {} ran unsigned", p.name, p.version),
                ));
            }
            // An unsigned pack has no publisher to check: it is flagged as such.
            if let Some(publisher) = p.publisher.as_deref()
                && !policy.required_publishers.is_empty()
                && !policy.required_publishers.iter().any(|r| r == publisher)
            {
                flags.push((
                    "publisher".to_owned(),
                    format!(
                        "pack {} {} is published by `{publisher}`, not by {}",
                        p.name,
                        p.version,
                        policy.required_publishers.join(", ")
                    ),
                ));
            }
        }
        if !run.overrides.is_empty() {
            let keys: Vec<&str> = run.overrides.keys().map(String::as_str).collect();
            flags.push((
                "overrides".to_owned(),
                format!("parameters overridden: {}", keys.join(", ")),
            ));
        }
        let packs = run
            .packs
            .iter()
            .map(|p| {
                format!(
                    "{} {} ({})",
                    p.name,
                    p.version,
                    p.publisher.as_deref().unwrap_or("unsigned")
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let header = std::sync::Arc::new(run.clone());
        out.reused.extend(run.reused.iter().map(|r| ReusedRecord {
            header: std::sync::Arc::clone(&header),
            reference: r.clone(),
        }));
        out.runs.push(RunRecord {
            run: run.run,
            index,
            as_of: run.as_of.to_string(),
            packs,
            flags,
        });
    } else if kind == RESULT_PREDICATE {
        // What the views show of a result; its findings stay in the stored
        // line (the signature already covered them).
        #[derive(serde::Deserialize)]
        struct ResultHead {
            run: String,
            rule: RuleRef,
            #[serde(default)]
            force: Option<Force>,
            outcome: Outcome,
        }
        let Ok(r) = serde_json::from_value::<ResultHead>(predicate) else {
            return;
        };
        out.results.push(ResultRecord {
            run: r.run,
            rule: r.rule.id,
            force: r.force.map(|f| f.as_str().to_owned()).unwrap_or_default(),
            outcome: r.outcome.as_str().to_owned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Head, push_from_ledger};
    use mizuchi_ledger::keys::SecretKey;
    use mizuchi_ledger::ledger::Writer;
    use mizuchi_ledger::statement::{ResourceDescriptor, STATEMENT_TYPE, Statement};

    fn statement(n: u64) -> Vec<u8> {
        let s = Statement {
            kind: STATEMENT_TYPE.to_owned(),
            subject: vec![ResourceDescriptor::sha256("manifest.json", &"0".repeat(64))],
            predicate_type: "https://example.org/test/v1".to_owned(),
            predicate: serde_json::json!({ "n": n }),
        };
        serde_json::to_vec(&s).unwrap()
    }

    /// A ledger of `runs` runs of two statements each, by `key`; ledgers of
    /// different names hold different statements (another history).
    fn ledger(dir: &std::path::Path, name: &str, key: &SecretKey, runs: u64) -> std::path::PathBuf {
        let path = dir.join(name);
        let history = u64::from(name.as_bytes()[0]) * 1000;
        let mut w = Writer::open(&path, key).unwrap();
        for r in 0..runs {
            w.append_run(
                "U-1",
                &[statement(history + 2 * r), statement(history + 2 * r + 1)],
            )
            .unwrap();
        }
        path
    }

    fn held_after(accepted: &Accepted) -> (Held, Vec<Hash>) {
        let leaves: Vec<Hash> = accepted
            .entries
            .iter()
            .map(|(_, line, _, _)| merkle::leaf_hash(line.as_bytes()))
            .collect();
        let last = accepted.entries.last().map(|(_, _, _, h)| h.clone());
        (
            Held {
                size: leaves.len() as u64,
                root: merkle::root(&leaves),
                last_line: last.unwrap_or_else(|| GENESIS.to_owned()),
            },
            leaves,
        )
    }

    fn head(held: &Held) -> Head {
        Head {
            size: held.size,
            root: hex::encode(held.root),
        }
    }

    #[test]
    fn a_push_extends_what_was_accepted_and_a_rewritten_ledger_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate().unwrap();
        let public = key.public();
        let policy = Policy::default();
        let path = ledger(dir.path(), "a.jsonl", &key, 2);
        let first = push_from_ledger(&path, &head(&Held::empty())).unwrap();
        let accepted = verify_push("U-1", &public, &Held::empty(), &[], &first, &policy).unwrap();
        assert_eq!(accepted.entries.len(), 4);
        let (held, leaves) = held_after(&accepted);

        // The same ledger, one run longer: the new entries only.
        let mut w = Writer::open(&path, &key).unwrap();
        w.append_run("U-1", &[statement(7), statement(8)]).unwrap();
        let next = push_from_ledger(&path, &head(&held)).unwrap();
        assert_eq!(next.entries.len(), 2);
        let more = verify_push("U-1", &public, &held, &leaves, &next, &policy).unwrap();
        assert_eq!(more.entries[0].0, 4);
        // The line hash kept for the next push is the chain's.
        assert_eq!(more.entries[0].3, line_hash(more.entries[0].1.as_bytes()));

        // Another history of the same key and utility: refused, each way.
        let other = ledger(dir.path(), "b.jsonl", &key, 3);
        let forked = push_from_ledger(&other, &head(&held)).unwrap();
        let e = verify_push("U-1", &public, &held, &leaves, &forked, &policy).unwrap_err();
        assert!(matches!(e, Refusal::Rewritten(_)), "{e}");
        let same_size = ledger(dir.path(), "c.jsonl", &key, 2);
        let replaced = push_from_ledger(&same_size, &head(&Held::empty())).unwrap();
        let e = verify_push("U-1", &public, &held, &leaves, &replaced, &policy).unwrap_err();
        assert!(e.to_string().contains("another root"), "{e}");
        let shorter = ledger(dir.path(), "d.jsonl", &key, 1);
        let truncated = push_from_ledger(&shorter, &head(&Held::empty())).unwrap();
        let e = verify_push("U-1", &public, &held, &leaves, &truncated, &policy).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
    }

    #[test]
    fn signatures_entries_and_proofs_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let key = SecretKey::generate().unwrap();
        let stranger = SecretKey::generate().unwrap().public();
        let policy = Policy::default();
        let path = ledger(dir.path(), "a.jsonl", &key, 2);
        let push = push_from_ledger(&path, &head(&Held::empty())).unwrap();
        let empty = Held::empty();
        // Another utility's key.
        let e = verify_push("U-1", &stranger, &empty, &[], &push, &policy).unwrap_err();
        assert!(matches!(e, Refusal::Signature(_)), "{e}");
        // Another utility's id.
        let e = verify_push("U-2", &key.public(), &empty, &[], &push, &policy).unwrap_err();
        assert!(
            e.to_string().contains("not of `mizuchi.results/U-2`"),
            "{e}"
        );
        // An entry changed in transit.
        let mut changed = push.clone();
        changed.entries[1] = changed.entries[1].replacen("\"index\":1", "\"index\":7", 1);
        let e = verify_push("U-1", &key.public(), &empty, &[], &changed, &policy).unwrap_err();
        assert!(e.to_string().starts_with("entry 1 "), "{e}");
        // An entry left out.
        let mut short = push.clone();
        short.entries.pop();
        let e = verify_push("U-1", &key.public(), &empty, &[], &short, &policy).unwrap_err();
        assert!(matches!(e, Refusal::Malformed(_)), "{e}");
        // A proof that is not hex.
        let mut bad = push.clone();
        bad.consistency = vec!["zz".into()];
        let e = verify_push("U-1", &key.public(), &empty, &[], &bad, &policy).unwrap_err();
        assert!(e.to_string().contains("consistency proof"), "{e}");
    }
}
