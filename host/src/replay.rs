//! Replay: re-evaluate a recorded run and compare, statement by statement, the
//! exact bytes that were signed. When they differ, say why: the rule's module
//! or version changed, an evidence file changed (which one), the host changed,
//! or, with the same inputs, the result did (which would be a determinism bug).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use mizuchi_ledger::keys::PublicKey;
use mizuchi_ledger::ledger::{LedgerError, VerifiedEntry, verify_entries};
use mizuchi_ledger::statement::{RUN_PREDICATE, ResultPredicate, RunPredicate, Statement};

use crate::bundle::Bundle;
use crate::engine::Runtime;
use crate::eval::{EvalError, EvalOptions, ParamInput, ParamOverride, evaluate};
use crate::pack::PackSet;
use crate::record::{PreviousResult, RecordError, Reuse, reused_statements, statements};
use mizuchi_report::ParamValue;

/// Why a replayed statement differs from the recorded one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Difference {
    /// The rule's module or version is not the one recorded.
    /// The rule's module or version is not the one recorded.
    RuleChanged {
        /// What the ledger records.
        recorded: String,
        /// What the replay made.
        replayed: String,
    },
    /// Evidence files the rule read changed: their names.
    /// Evidence files the rule read changed.
    EvidenceChanged {
        /// The files that changed.
        subjects: Vec<String>,
    },
    /// The host version differs.
    /// The host's version differs.
    HostChanged {
        /// What the ledger records.
        recorded: String,
        /// What the replay made.
        replayed: String,
    },
    /// The rule is in the record but not in the pack, or the other way round.
    /// The rule is recorded but not in the packs, or the other way round.
    Missing {
        /// Recorded but not in the packs (`true`), or the other way round.
        recorded: bool,
    },
    /// Same rule, same evidence, same host, different bytes.
    ResultChanged,
}

/// The comparison of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleReplay {
    /// The rule.
    pub rule: String,
    /// Its statement replayed byte for byte.
    pub identical: bool,
    /// Why it did not.
    pub differences: Vec<Difference>,
}

/// The comparison of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Replay {
    /// The run.
    pub run: String,
    /// The run's header replayed byte for byte.
    pub header_identical: bool,
    /// Each rule's comparison.
    pub rules: Vec<RuleReplay>,
}

impl Replay {
    /// Every statement replayed byte for byte.
    pub fn identical(&self) -> bool {
        self.header_identical && self.rules.iter().all(|r| r.identical)
    }
}

/// A recorded override (`RULE.KEY` → typed value), as the run set it.
fn as_override(key: &str, v: &ParamValue) -> Result<ParamOverride, ReplayError> {
    let (rule, k) = key
        .rsplit_once('.')
        .ok_or_else(|| ReplayError::Record(format!("`{key}` is not a RULE.KEY parameter")))?;
    Ok(ParamOverride {
        rule: rule.into(),
        key: k.into(),
        value: ParamInput::Value(v.clone()),
    })
}

/// Why a run could not be replayed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// The ledger could not be read, or does not verify.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The acknowledged entries hold no run of that id.
    #[error("the acknowledged entries of the ledger have no run `{0}`")]
    NoRun(String),
    /// A verified record cannot be read as what it claims to be.
    #[error("a record of the run cannot be read: {0}")]
    Record(String),
    /// The run cannot be evaluated again with these packs and evidence.
    #[error("the run cannot be replayed with this pack: {0}")]
    Evaluate(#[source] EvalError),
    /// The replayed run cannot be turned into statements.
    #[error(transparent)]
    Statements(#[from] RecordError),
}

fn subjects(s: &Statement<ResultPredicate>) -> BTreeMap<String, String> {
    s.subject
        .iter()
        .map(|d| {
            (
                d.name.clone(),
                d.digest.get("sha256").cloned().unwrap_or_default(),
            )
        })
        .collect()
}

/// Replays run `run` of the ledger at `ledger` with `packs` and `bundle`.
///
/// The ledger is verified first, with `trusted` keys and the same code as
/// [`mizuchi_ledger::ledger::verify`]; a ledger that does not verify is refused, and
/// only acknowledged runs are replayed. What is compared is then the very
/// bytes that were verified.
pub fn replay(
    runtime: &Runtime,
    ledger: &Path,
    trusted: &[PublicKey],
    run: &str,
    packs: &PackSet,
    bundle: Arc<Bundle>,
) -> Result<Replay, ReplayError> {
    let (v, entries) = verify_entries(ledger, trusted, &[])?;
    if !v.ok() {
        let why = match (&v.first_bad, v.checkpoints.iter().find(|c| !c.ok)) {
            (Some((i, why)), _) => format!("entry {i} {why}"),
            (None, Some(c)) => format!("checkpoint {}: {}", c.source, c.message),
            (None, None) => "no checkpoint verified".into(),
        };
        return Err(LedgerError::DoesNotVerify {
            path: ledger.to_owned(),
            why,
        }
        .into());
    }
    let decode_run = |e: &VerifiedEntry| -> Option<Statement<RunPredicate>> {
        (e.predicate_type == RUN_PREDICATE)
            .then(|| serde_json::from_slice(&e.statement).ok())
            .flatten()
    };
    let Some((start, header)) = entries.iter().enumerate().find_map(|(i, e)| {
        decode_run(e)
            .filter(|h| h.predicate.run == run)
            .map(|h| (i, h))
    }) else {
        return Err(ReplayError::NoRun(run.to_owned()));
    };
    let header_bytes = entries[start].statement.clone();
    let h = &header.predicate;
    let options = EvalOptions {
        as_of: Some(h.as_of),
        params: h
            .overrides
            .iter()
            .map(|(k, v)| as_override(k, v))
            .collect::<Result<_, _>>()?,
        rules: h.rules.clone(),
        reuse: None,
    };
    // Every rule is evaluated again, those the run reused too.
    let mut eval = evaluate(runtime, packs, Arc::clone(&bundle), &options, &|_| {})
        .map_err(ReplayError::Evaluate)?;
    // Verification held the run's structure: its results follow its
    // header, and the entries it reuses are results of those rules.
    let read = |i: usize| -> Result<(Statement<ResultPredicate>, &VerifiedEntry), ReplayError> {
        let e = entries
            .get(i)
            .ok_or_else(|| ReplayError::Record(format!("entry {i} of run `{run}` is missing")))?;
        let s = serde_json::from_slice(&e.statement)
            .map_err(|err| ReplayError::Record(format!("a result of run `{run}`: {err}")))?;
        Ok((s, e))
    };
    let mut recorded: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in (start + 1..).take(usize::try_from(h.results).unwrap_or(usize::MAX)) {
        let (s, e) = read(i)?;
        recorded.insert(s.predicate.rule.id.clone(), e.statement.clone());
    }
    // The header names the entries it reused: made again, each result is
    // compared with the entry named, as the run that evaluated it signed it.
    let mut reused = Vec::new();
    for r in &h.reused {
        let (statement, e) = read(usize::try_from(r.index).unwrap_or(usize::MAX))?;
        recorded.insert(r.rule.clone(), e.statement.clone());
        reused.push(Reuse {
            position: usize::try_from(r.position).unwrap_or(usize::MAX),
            entry: Arc::new(PreviousResult {
                index: r.index,
                hash: e.hash.clone(),
                statement,
            }),
        });
    }
    eval.reused = reused;
    let mut replayed = statements(run, &eval)?;
    replayed.extend(reused_statements(&eval)?.into_iter().map(|(_, b)| b));
    let mut rules = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for bytes in replayed.iter().skip(1) {
        let Ok(now) = serde_json::from_slice::<Statement<ResultPredicate>>(bytes) else {
            continue;
        };
        let id = now.predicate.rule.id.clone();
        seen.insert(id.clone());
        let Some(then_bytes) = recorded.get(&id) else {
            rules.push(RuleReplay {
                rule: id,
                identical: false,
                differences: vec![Difference::Missing { recorded: false }],
            });
            continue;
        };
        if then_bytes == bytes {
            rules.push(RuleReplay {
                rule: id,
                identical: true,
                differences: Vec::new(),
            });
            continue;
        }
        let then: Statement<ResultPredicate> =
            serde_json::from_slice(then_bytes).map_err(|e| ReplayError::Record(e.to_string()))?;
        let mut diffs = Vec::new();
        let rule_of = |s: &Statement<ResultPredicate>| {
            format!(
                "{} {} ({})",
                s.predicate.rule.id,
                s.predicate.rule.version.clone().unwrap_or_default(),
                s.predicate.module.sha256
            )
        };
        if then.predicate.module != now.predicate.module
            || then.predicate.rule != now.predicate.rule
        {
            diffs.push(Difference::RuleChanged {
                recorded: rule_of(&then),
                replayed: rule_of(&now),
            });
        }
        let (a, b) = (subjects(&then), subjects(&now));
        let changed: Vec<String> = a
            .keys()
            .chain(b.keys())
            .filter(|k| a.get(*k) != b.get(*k))
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if !changed.is_empty() {
            diffs.push(Difference::EvidenceChanged { subjects: changed });
        }
        if then.predicate.host != now.predicate.host {
            diffs.push(Difference::HostChanged {
                recorded: then.predicate.host.version.clone(),
                replayed: now.predicate.host.version.clone(),
            });
        }
        if diffs.is_empty() {
            diffs.push(Difference::ResultChanged);
        }
        rules.push(RuleReplay {
            rule: id,
            identical: false,
            differences: diffs,
        });
    }
    for id in recorded.keys().filter(|k| !seen.contains(*k)) {
        rules.push(RuleReplay {
            rule: id.clone(),
            identical: false,
            differences: vec![Difference::Missing { recorded: true }],
        });
    }
    Ok(Replay {
        run: run.to_owned(),
        header_identical: replayed.first().is_some_and(|b| *b == header_bytes),
        rules,
    })
}
