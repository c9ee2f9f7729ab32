//! Verification of a ledger: every signature, the chain, the structure of
//! runs, the Merkle root against signed checkpoints (the ledger's own and any
//! earlier ones an auditor kept), which detects edits, deletions, reordering,
//! truncation and forks.
//!
//! Signed bytes are read strictly: a line or a statement with a duplicate
//! key, or a number no JSON reader holds exactly, is a bad entry, since two
//! readers could take different values from it.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use mizuchi_evidence::Outcome;

use crate::dsse::IN_TOTO;
use crate::keys::PublicKey;
use crate::ledger::{
    Checkpoint, Entry, GENESIS, LedgerError, Lines, as_run, checkpoint_path, line_hash, origin,
    read_own_checkpoint,
};
use crate::merkle::{self, Hash};
use crate::statement::{
    RESULT_PREDICATE, RUN_PREDICATE, ResultPredicate, Reused, RunPredicate, STATEMENT_TYPE,
    Statement,
};

/// A checkpoint checked against the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckpointCheck {
    /// Where it came from (a file path).
    pub source: String,
    /// The entries it covers.
    pub size: u64,
    /// It verified and holds for the ledger.
    pub ok: bool,
    /// What was found.
    pub message: String,
}

/// What verification found.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// Complete lines in the ledger.
    pub entries: u64,
    /// Run headers among them.
    pub runs: u64,
    /// Hex of the Merkle root of every complete entry.
    pub root: String,
    /// Entries covered by the largest verified checkpoint: the acknowledged history.
    pub acknowledged: u64,
    /// The first bad entry and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_bad: Option<(u64, String)>,
    /// Each checkpoint checked: the ledger's own first, then those given.
    pub checkpoints: Vec<CheckpointCheck>,
    /// What follows the acknowledged history: a run being written, or what
    /// an interrupted write left. Not verified, and not a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<String>,
    /// Key ids that signed entries.
    pub signers: Vec<String>,
}

impl Verification {
    /// Every acknowledged entry verified and every checkpoint held.
    pub fn ok(&self) -> bool {
        self.first_bad.is_none()
            && !self.checkpoints.is_empty()
            && self.checkpoints.iter().all(|c| c.ok)
    }
}

/// A verified entry's statement: its exact bytes and predicate type.
#[derive(Debug, Clone)]
pub struct VerifiedEntry {
    /// The statement's predicate type.
    pub predicate_type: String,
    /// The statement's exact bytes, as signed and verified.
    pub statement: Vec<u8>,
    /// SHA-256 (lower-case hex) of the entry's line: what the next entry's
    /// `prev`, and a later run's `reused` reference, name it by.
    pub hash: String,
}

/// Checks the `reused` references of the run header at `index`
/// (`docs/ledger.md`, section 3) against the entries verified before it;
/// returns the rules they name.
fn check_reused(
    run: &RunPredicate,
    index: u64,
    verified: &[VerifiedEntry],
) -> Result<std::collections::BTreeSet<String>, String> {
    let mut rules = std::collections::BTreeSet::new();
    let places = run.results.saturating_add(run.reused.len() as u64);
    let mut last: Option<u64> = None;
    for r in &run.reused {
        let what = reference_name(r);
        if r.index >= index {
            return Err(format!("{what} is not an earlier entry"));
        }
        if last.is_some_and(|l| r.position <= l) || r.position >= places {
            return Err(format!(
                "{what} stands at position {}, out of order or beyond the run's {places} results",
                r.position
            ));
        }
        last = Some(r.position);
        let entry = usize::try_from(r.index)
            .ok()
            .and_then(|i| verified.get(i))
            .ok_or_else(|| format!("{what} is not an entry that verified"))?;
        check_reused_result(run, r, &entry.hash, &entry.predicate_type, &entry.statement)?;
        if !rules.insert(r.rule.clone()) {
            return Err(format!("reuses `{}` twice", r.rule));
        }
    }
    Ok(rules)
}

fn reference_name(r: &Reused) -> String {
    format!("its reused result of `{}` (entry {})", r.rule, r.index)
}

/// Checks one reference of run header `run` against the entry it names,
/// given by its line hash, predicate type and statement bytes: the hash the
/// reference gives, a result of that rule, with the header's assessment
/// date and host and one of its packs.
fn check_reused_result(
    run: &RunPredicate,
    r: &Reused,
    hash: &str,
    predicate_type: &str,
    statement: &[u8],
) -> Result<(), String> {
    let what = reference_name(r);
    if hash != r.hash {
        return Err(format!("{what} names a line of another hash"));
    }
    if predicate_type != RESULT_PREDICATE {
        return Err(format!("{what} is not a rule result"));
    }
    let then: Statement<ResultPredicate> =
        serde_json::from_slice(statement).map_err(|e| format!("{what} cannot be read: {e}"))?;
    let p = then.predicate;
    if p.rule.id != r.rule {
        return Err(format!("{what} is a result of `{}`", p.rule.id));
    }
    if p.as_of != run.as_of || p.host != run.host {
        return Err(format!(
            "{what} was evaluated as of {} by host {}, not as of {} by host {}",
            p.as_of, p.host.version, run.as_of, run.host.version
        ));
    }
    if !run.packs.iter().any(|k| k.digest == p.pack.digest) {
        return Err(format!(
            "{what} comes from pack {} {}, which the run does not run",
            p.pack.name, p.pack.version
        ));
    }
    Ok(())
}

/// Checks reference `r` of run header `run` against `line`, the ledger line
/// it names (`docs/ledger.md`, section 3), as `verify` does: what a holder
/// of the ledger's lines, such as the regulator's hub, uses. The line's
/// signature is not checked here: it must be a line that verified.
pub fn check_reference(run: &RunPredicate, r: &Reused, line: &[u8]) -> Result<(), String> {
    let what = reference_name(r);
    let entry: Entry =
        serde_json::from_slice(line).map_err(|e| format!("{what} is not a ledger entry: {e}"))?;
    let statement = entry
        .envelope
        .payload_bytes()
        .map_err(|e| format!("{what} has no statement: {e}"))?;
    #[derive(serde::Deserialize)]
    struct Kind {
        #[serde(rename = "predicateType")]
        predicate_type: String,
    }
    let kind: Kind = serde_json::from_slice(&statement)
        .map_err(|e| format!("{what} has no predicate type: {e}"))?;
    check_reused_result(run, r, &line_hash(line), &kind.predicate_type, &statement)
}

/// Parses signed JSON strictly (no duplicate key, exact numbers) into `T`.
fn strict<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{what} is not UTF-8: {e}"))?;
    crate::strict::check(bytes).map_err(|e| format!("{what} is not strict JSON: {e}"))?;
    serde_json::from_str(text).map_err(|e| format!("{what} is malformed: {e}"))
}

/// Checks one entry; returns its statement's predicate type, predicate and bytes.
fn check_entry<P: DeserializeOwned>(
    i: u64,
    line: &[u8],
    prev: &str,
    trusted: &[PublicKey],
    signers: &mut BTreeMap<String, ()>,
) -> Result<(String, P, Vec<u8>), String> {
    let entry: Entry = strict(line, "it")?;
    if entry.index != i {
        return Err(format!(
            "has index {} where {i} was expected (entries were removed, added or reordered)",
            entry.index
        ));
    }
    if entry.prev != prev {
        return Err("does not chain to the entry before it (`prev` differs from its hash)".into());
    }
    if entry.envelope.payload_type != IN_TOTO {
        return Err(format!(
            "has payload type `{}`, not `{IN_TOTO}`",
            entry.envelope.payload_type
        ));
    }
    // A payload that is not base64 has no valid signature, and is refused
    // as such; one that verifies is used as it was verified, decoded once.
    let (by, payload) = entry.envelope.verified_payload(trusted).unwrap_or_default();
    let Some(key) = by.first() else {
        let ids: Vec<&str> = entry
            .envelope
            .signatures
            .iter()
            .map(|s| s.keyid.as_str())
            .collect();
        return Err(format!(
            "has no valid signature by a trusted key (signed by {})",
            ids.join(", ")
        ));
    };
    signers.insert(key.key_id(), ());
    // The predicate is read as `P`: `verify` skips it here and reads it as
    // the type the statement says, straight from the bytes (a tree of JSON
    // values for a result of thousands of findings costs more than the
    // signature).
    let s: Statement<P> = strict(&payload, "its statement")?;
    if s.kind != STATEMENT_TYPE {
        return Err(format!("its statement type is `{}`", s.kind));
    }
    Ok((s.predicate_type, s.predicate, payload))
}

/// The predicate of a statement already checked strictly.
fn predicate<T: DeserializeOwned>(statement: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice::<Statement<T>>(statement).map(|s| s.predicate)
}

/// One entry, checked as [`verify`] checks each: its line is a strict
/// entry at `index` chaining to `prev` (the hex SHA-256 of the line before,
/// [`crate::ledger::GENESIS`] for the first), its envelope signed by a key
/// of `trusted`, its payload an in-toto statement. Returns the statement's
/// predicate type and predicate, or why the entry is refused. For a
/// receiver of entries that arrive one push at a time (a regulator's hub).
pub fn check_line(
    index: u64,
    line: &[u8],
    prev: &str,
    trusted: &[PublicKey],
) -> Result<(String, serde_json::Value), String> {
    let mut signers = BTreeMap::new();
    check_entry(index, line, prev, trusted, &mut signers).map(|(t, p, _)| (t, p))
}

/// What a ledger entry's statement is, as far as the order of the entries
/// around it is concerned.
enum Kind {
    Run(Box<RunPredicate>),
    /// A result of `run` for `rule`; its findings, read to check the
    /// predicate, are not kept.
    Result {
        run: String,
        rule: String,
    },
}

/// One entry checked on its own: the key that signed it (if a trusted one
/// did, even when something after the signature is wrong), and its
/// predicate type, kind and statement bytes or why it is refused.
struct Alone {
    signer: Option<String>,
    checked: Result<(String, Kind, Vec<u8>), String>,
}

/// Everything [`verify_entries`] checks of entry `i` that does not depend on
/// the entries before it, given the hash of the line before (`prev`).
fn check_alone(i: u64, line: &[u8], prev: &str, trusted: &[PublicKey]) -> Alone {
    let mut signers = BTreeMap::new();
    let checked = check_entry(i, line, prev, trusted, &mut signers).and_then(
        |(ptype, serde::de::IgnoredAny, statement)| {
            let kind = if ptype == RUN_PREDICATE {
                Kind::Run(Box::new(
                    predicate(&statement)
                        .map_err(|e| format!("its run header is malformed: {e}"))?,
                ))
            } else if ptype == RESULT_PREDICATE {
                let r: ResultPredicate =
                    predicate(&statement).map_err(|e| format!("its result is malformed: {e}"))?;
                Kind::Result {
                    run: r.run,
                    rule: r.rule.id,
                }
            } else {
                return Err(format!("has predicate type `{ptype}`"));
            };
            Ok((ptype, kind, statement))
        },
    );
    Alone {
        signer: signers.into_keys().next(),
        checked,
    }
}

/// Verifies the ledger at `path` against the trusted keys, with its own
/// checkpoint and any `earlier` checkpoints. A ledger or checkpoint that
/// does not exist is an error.
pub fn verify(
    path: &Path,
    trusted: &[PublicKey],
    earlier: &[(String, Checkpoint)],
) -> Result<Verification, LedgerError> {
    verify_entries(path, trusted, earlier).map(|(v, _)| v)
}

/// [`verify`], also returning the statement of every acknowledged entry
/// that verified, from the very bytes that were verified.
pub fn verify_entries(
    path: &Path,
    trusted: &[PublicKey],
    earlier: &[(String, Checkpoint)],
) -> Result<(Verification, Vec<VerifiedEntry>), LedgerError> {
    // The checkpoint first: a writer appends before it publishes, so the
    // ledger read next holds at least what this checkpoint covers.
    let own_path = checkpoint_path(path);
    let own = match read_own_checkpoint(path) {
        Ok(Some(c)) => Ok(c),
        Ok(None) => return Err(LedgerError::NoCheckpoint(own_path)),
        Err(LedgerError::Checkpoint { message, .. }) => Err(message),
        Err(e) => return Err(e),
    };
    let lines = Lines::read(path)?;
    let n = lines.len() as u64;
    // Each line's hashes, then each entry's own checks (the line, its
    // signature, its statement and predicate), side by side on the run's
    // threads: they need nothing but the line and the hash of the line
    // before it, and a ledger's bytes are mostly in a few large results.
    // What depends on the entries before (the runs, reused results, which
    // entry is the first bad one) is decided in order below, exactly as if
    // each entry were checked only once those before it had verified.
    let hashes: Vec<(Hash, String)> = (0..lines.len())
        .into_par_iter()
        .map(|i| (merkle::leaf_hash(lines.line(i)), line_hash(lines.line(i))))
        .collect();
    let leaves: Vec<Hash> = hashes.iter().map(|(leaf, _)| *leaf).collect();
    let checked_alone: Vec<Alone> = (0..lines.len())
        .into_par_iter()
        .map(|i| {
            let prev = match i.checked_sub(1) {
                Some(before) => hashes[before].1.as_str(),
                None => GENESIS,
            };
            check_alone(i as u64, lines.line(i), prev, trusted)
        })
        .collect();

    let mut signers = BTreeMap::new();
    let mut first_bad: Option<(u64, String)> = None;
    let mut runs = 0u64;
    let mut utility: Option<String> = None;
    let mut verified = Vec::with_capacity(lines.len());
    // The run being read: its id, the results it still owes, and where it started.
    let mut open: Option<(String, u64, u64)> = None;
    // The rules the run being read reuses: none of its own results may be one.
    let mut reused = std::collections::BTreeSet::new();
    for (i, alone) in checked_alone.into_iter().enumerate() {
        let idx = i as u64;
        if let Some(key) = alone.signer {
            signers.insert(key, ());
        }
        let checked = alone.checked.and_then(|(ptype, kind, statement)| {
            match kind {
                Kind::Run(run) => {
                    if let Some((id, left, _)) = &open {
                        return Err(format!(
                            "starts a run while run {id} still lacks {left} results"
                        ));
                    }
                    reused = check_reused(&run, idx, &verified)?;
                    if let Some(u) = &utility
                        && *u != run.evidence.utility_id
                    {
                        return Err(format!(
                            "records utility `{}` in a ledger of `{u}`",
                            run.evidence.utility_id
                        ));
                    }
                    utility.get_or_insert(run.evidence.utility_id.clone());
                    runs += 1;
                    open = (run.results > 0).then_some((run.run, run.results, idx));
                }
                Kind::Result { run, rule } => {
                    if reused.contains(&rule) {
                        return Err(format!("is a result of `{rule}`, which its run reuses"));
                    }
                    match open.as_mut() {
                        Some((id, left, _)) if *id == run => {
                            *left -= 1;
                            if *left == 0 {
                                open = None;
                            }
                        }
                        Some((id, _, _)) => {
                            return Err(format!("is a result of run {run} inside run {id}"));
                        }
                        None => {
                            return Err(format!("is a result of run {run} outside any run header"));
                        }
                    }
                }
            }
            Ok(VerifiedEntry {
                predicate_type: ptype,
                statement,
                hash: hashes[i].1.clone(),
            })
        });
        match checked {
            Ok(e) => verified.push(e),
            Err(why) => {
                first_bad = Some((idx, why));
                break;
            }
        }
    }

    // Checkpoints: the ledger's own, and those given.
    let expected_origin = utility.as_deref().map(origin);
    let mut list: Vec<(String, Checkpoint)> = Vec::new();
    let mut checks = Vec::new();
    let own_name = own_path.display().to_string();
    match own {
        Ok(c) => list.push((own_name, c)),
        Err(message) => checks.push(CheckpointCheck {
            source: own_name,
            size: 0,
            ok: false,
            message: format!("is not a checkpoint: {message}"),
        }),
    }
    list.extend(earlier.iter().cloned());
    let mut acknowledged = 0u64;
    for (source, c) in &list {
        let mut check = |ok: bool, message: String| {
            checks.push(CheckpointCheck {
                source: source.clone(),
                size: c.size,
                ok,
                message,
            })
        };
        let Some(key) = c.verified_by(trusted) else {
            check(false, "no valid signature by a trusted key".into());
            continue;
        };
        if let Some(o) = &expected_origin
            && c.origin != *o
        {
            check(false, format!("is for log `{}`, not `{o}`", c.origin));
            continue;
        }
        if c.size > n {
            check(
                false,
                format!(
                    "covers {} entries but the ledger holds {n}: entries {n}..{} were removed (truncation)",
                    c.size,
                    c.size - 1
                ),
            );
            continue;
        }
        let prefix = merkle::root(&leaves[..c.size as usize]);
        if prefix != c.root {
            check(
                false,
                format!(
                    "its root for {} entries differs from the ledger's: history was rewritten (fork)",
                    c.size
                ),
            );
            continue;
        }
        acknowledged = acknowledged.max(c.size);
        check(
            true,
            format!(
                "signed by {}, consistent with the ledger",
                &key.key_id()[..16]
            ),
        );
    }

    // What follows the acknowledged entries is pending: complete entries
    // there were checked like the others (a bad one is still bad), but a run
    // they leave unfinished or a torn line is a write in progress, or one an
    // interrupted write left.
    let mut pending = Vec::new();
    if first_bad.is_none()
        && let Some((id, left, start)) = &open
    {
        if *start < acknowledged {
            first_bad = Some((
                acknowledged,
                format!("run {id} ends {left} results short inside the acknowledged entries"),
            ));
        } else {
            pending.push(format!("run {id} still lacks {left} results"));
        }
    }
    if acknowledged < n {
        pending.insert(
            0,
            format!(
                "entries {acknowledged}..{} follow the last checkpoint",
                n - 1
            ),
        );
    }
    if let Some(t) = &lines.torn {
        pending.push(format!(
            "{} bytes follow the last complete line (offset {})",
            t.bytes, t.offset
        ));
    }
    verified.truncate(acknowledged as usize);
    let v = Verification {
        entries: n,
        runs,
        root: hex::encode(merkle::root(&leaves)),
        acknowledged,
        first_bad,
        checkpoints: checks,
        pending: (!pending.is_empty()).then(|| {
            format!(
                "{}: a run being written, or one an interrupted write left (once no run is being written, repairing the ledger removes it)",
                pending.join("; ")
            )
        }),
        signers: signers.into_keys().collect(),
    };
    Ok((v, verified))
}

/// A pack as `ledger show` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct PackSummary {
    /// The pack's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// SHA-256 of its manifest.
    pub digest: String,
    /// Its publisher, for a signed pack.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The pack was run without a signature check (`--allow-unsigned`).
    pub unsigned: bool,
}

/// One rule's result as `ledger show --run` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSummary {
    /// The rule id.
    pub rule: String,
    /// What it decided.
    pub outcome: Outcome,
    /// How many of its findings failed.
    pub failed: u64,
    /// The run took it from an earlier run's entry instead of evaluating
    /// the rule (`eval --incremental`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reused: bool,
}

/// A run as `ledger show` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// The run's id.
    pub run: String,
    /// Index of the run's header entry.
    pub index: u64,
    /// The utility.
    pub utility_id: String,
    /// The assessment date.
    pub as_of: mizuchi_evidence::Date,
    /// The packs run, in order.
    pub packs: Vec<PackSummary>,
    /// Parameters set for the run (`RULE.KEY` → value), overriding the packs'
    /// defaults.
    pub overrides: BTreeMap<String, mizuchi_evidence::verdict::ParamValue>,
    /// The SHA-256 of the evidence bundle's manifest.
    pub evidence_digest: String,
    /// The number of results per outcome.
    pub outcomes: BTreeMap<Outcome, u64>,
    /// Each rule's outcome, in the order of the run's results.
    pub rules: Vec<RuleSummary>,
    /// How many of the results were reused from earlier runs rather than
    /// evaluated (`eval --incremental`).
    pub reused: u64,
}

/// The runs of a ledger, read without checking signatures (use `verify` for that).
pub fn runs(path: &Path) -> Result<Vec<RunSummary>, LedgerError> {
    let lines = Lines::read(path)?;
    let mut out: Vec<RunSummary> = Vec::new();
    // Every result read, by entry, for the runs that reuse it; and each
    // run's references, placed once its own results are read.
    let mut results: BTreeMap<u64, RuleSummary> = BTreeMap::new();
    let mut references: Vec<Vec<crate::statement::Reused>> = Vec::new();
    for i in 0..lines.len() {
        let Ok(entry) = serde_json::from_slice::<Entry>(lines.line(i)) else {
            continue;
        };
        if let Some(run) = as_run(&entry) {
            references.push(run.reused.clone());
            out.push(RunSummary {
                run: run.run,
                index: i as u64,
                utility_id: run.evidence.utility_id,
                as_of: run.as_of,
                packs: run
                    .packs
                    .iter()
                    .map(|p| PackSummary {
                        name: p.name.clone(),
                        version: p.version.clone(),
                        digest: p.digest.clone(),
                        publisher: p.publisher.clone(),
                        unsigned: p.unsigned,
                    })
                    .collect(),
                overrides: run.overrides,
                evidence_digest: run.evidence.digest,
                outcomes: BTreeMap::new(),
                rules: Vec::new(),
                reused: run.reused.len() as u64,
            });
            continue;
        }
        let Ok(payload) = entry.envelope.payload_bytes() else {
            continue;
        };
        let Ok(s) = serde_json::from_slice::<Statement<ResultPredicate>>(&payload) else {
            continue;
        };
        let p = s.predicate;
        let summary = RuleSummary {
            failed: p
                .findings
                .iter()
                .filter(|f| f.status == mizuchi_evidence::Status::Fail)
                .count() as u64,
            rule: p.rule.id,
            outcome: p.outcome,
            reused: false,
        };
        if let Some(r) = out.last_mut().filter(|r| r.run == p.run) {
            *r.outcomes.entry(p.outcome).or_default() += 1;
            r.rules.push(summary.clone());
        }
        results.insert(i as u64, summary);
    }
    for (run, reused) in out.iter_mut().zip(references) {
        for u in reused {
            let Some(summary) = results.get(&u.index) else {
                continue;
            };
            *run.outcomes.entry(summary.outcome).or_default() += 1;
            let at =
                usize::try_from(u.position).map_or(run.rules.len(), |p| p.min(run.rules.len()));
            run.rules.insert(
                at,
                RuleSummary {
                    reused: true,
                    ..summary.clone()
                },
            );
        }
    }
    Ok(out)
}

/// An inclusion proof of one entry in a checkpointed tree.
#[derive(Debug, Clone, Serialize)]
pub struct InclusionProof {
    /// The entry proved.
    pub index: u64,
    /// The size of the tree proved against.
    pub tree_size: u64,
    /// Hex of `SHA-256(0x00 ‖ line)`.
    pub leaf_hash: String,
    /// Hex hashes of the audit path, leaf to root.
    pub proof: Vec<String>,
    /// Hex of the root; the checkpoint signs its base64.
    pub root: String,
    /// The checkpoint's text, which signs the root.
    pub checkpoint: String,
}

/// The inclusion proof of entry `index` in the tree of `checkpoint`.
pub fn inclusion_proof(
    path: &Path,
    index: u64,
    checkpoint: &Checkpoint,
) -> Result<InclusionProof, LedgerError> {
    let lines = Lines::read(path)?;
    let size = checkpoint.size;
    if size > lines.len() as u64 {
        return Err(LedgerError::Invalid(format!(
            "the checkpoint covers {size} entries but the ledger holds {}",
            lines.len()
        )));
    }
    if index >= size {
        return Err(LedgerError::Invalid(format!(
            "entry {index} is not in the checkpoint's tree of {size} entries"
        )));
    }
    let leaves = lines.leaves(size as usize);
    let root = merkle::root(&leaves);
    if root != checkpoint.root {
        return Err(LedgerError::Invalid(
            "the ledger does not match the checkpoint: it was changed since".into(),
        ));
    }
    Ok(InclusionProof {
        index,
        tree_size: size,
        leaf_hash: hex::encode(leaves[index as usize]),
        proof: merkle::inclusion_proof(index as usize, &leaves)
            .iter()
            .map(hex::encode)
            .collect(),
        root: hex::encode(root),
        checkpoint: checkpoint.text.clone(),
    })
}
