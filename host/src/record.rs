//! Recording an evaluation: its signed statements and their place in a
//! ledger.
//!
//! An [`Evaluation`] is what [`crate::evaluate`] returns: the report, and
//! what it was made from (the verified packs, the verified bundle, the
//! settings as resolved). Only `evaluate` makes one, so the provenance a
//! record names (each pack's digest, publisher and signing keys, each
//! module's digest, the evidence files and their digests) always comes from
//! the objects that were verified, never from fields someone could set.
//!
//! [`statements`] turns an evaluation into the exact bytes to sign: a run
//! header, then one statement per rule result (`docs/ledger.md`). The
//! [`Recorder`] appends them to a ledger and publishes its checkpoint;
//! [`crate::replay`] makes them again and compares them byte for byte.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use mizuchi_evidence::{Date, SectionKind, SectionShape, Status};
use mizuchi_ledger::keys::SecretKey;
use mizuchi_ledger::ledger::{Appended, LedgerError, VerifiedEntry, Writer, verify_entries};
use mizuchi_ledger::statement::{
    EvidenceRecord, ModuleRef, PackRef, RESULT_PREDICATE, RUN_PREDICATE, ResourceDescriptor,
    ResultPredicate, Reused, RuleRef, RunPredicate, STATEMENT_TYPE, Statement,
};
use serde::Serialize;

use crate::bundle::Bundle;
use crate::pack::{Pack, PackSet};
use mizuchi_report::{ParamValue, Report, RuleResult};

/// How a run was asked for, as `evaluate` resolved it: what its header
/// records and what replaying it repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    as_of: Date,
    overrides: BTreeMap<String, ParamValue>,
    rules: Vec<String>,
}

impl Settings {
    pub(crate) fn new(
        as_of: Date,
        overrides: BTreeMap<String, ParamValue>,
        rules: Vec<String>,
    ) -> Settings {
        Settings {
            as_of,
            overrides,
            rules,
        }
    }

    /// The assessment date.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// Parameters set for the run, `RULE.KEY` → the typed value in force.
    pub fn overrides(&self) -> &BTreeMap<String, ParamValue> {
        &self.overrides
    }

    /// The rules the run was limited to; empty when it ran every rule.
    pub fn rules(&self) -> &[String] {
        &self.rules
    }
}

/// An evaluation: its report and what it was made from. Only
/// [`crate::evaluate`] makes one.
#[derive(Debug)]
pub struct Evaluation<'p> {
    pub(crate) report: Report,
    pub(crate) packs: &'p PackSet,
    pub(crate) bundle: Arc<Bundle>,
    pub(crate) settings: Settings,
    /// The results taken from an earlier run instead of evaluated, in
    /// report order.
    pub(crate) reused: Vec<Reuse>,
    /// The head of the ledger they were taken from, when it was read.
    pub(crate) reused_from: Option<String>,
}

/// A result an evaluation took from an earlier run of a ledger: where it is
/// among the report's results and the entry it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reuse {
    pub(crate) position: usize,
    pub(crate) entry: Arc<PreviousResult>,
}

impl Reuse {
    /// The rule.
    pub fn rule(&self) -> &str {
        &self.entry.statement.predicate.rule.id
    }

    /// The ledger index of the entry whose result was reused.
    pub fn index(&self) -> u64 {
        self.entry.index
    }

    /// The run that evaluated it.
    pub fn run(&self) -> &str {
        &self.entry.statement.predicate.run
    }
}

/// One result of a ledger's last run, as verified: its entry and statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PreviousResult {
    pub(crate) index: u64,
    pub(crate) hash: String,
    pub(crate) statement: Statement<ResultPredicate>,
}

impl Eq for PreviousResult {}

/// The last run of a verified ledger, whose results an incremental
/// evaluation may reuse (`docs/ledger.md`, section 3). Made by
/// [`Recorder::previous`] from the entries verification returned.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    /// The hash of the ledger's last line when it was read.
    head: Option<String>,
    run: Option<String>,
    format_version: String,
    results: BTreeMap<String, Arc<PreviousResult>>,
}

impl Previous {
    /// The last run of the verified `entries` (every run's results, its own
    /// and those it reused); empty when there is none.
    pub fn last_run(entries: &[VerifiedEntry]) -> Result<Previous, RecordError> {
        let bad = |i: usize, e: serde_json::Error| RecordError::Previous {
            index: i as u64,
            why: e.to_string(),
        };
        let Some((start, header)) = entries
            .iter()
            .enumerate()
            .rev()
            .find(|(_, e)| e.predicate_type == RUN_PREDICATE)
        else {
            return Ok(Previous::default());
        };
        let header: Statement<RunPredicate> =
            serde_json::from_slice(&header.statement).map_err(|e| bad(start, e))?;
        let h = header.predicate;
        let own = (start + 1..).take(usize::try_from(h.results).unwrap_or(usize::MAX));
        let named = h
            .reused
            .iter()
            .map(|r| usize::try_from(r.index).unwrap_or(usize::MAX));
        let mut results = BTreeMap::new();
        for i in own.chain(named) {
            // Verification held the run's structure and its references.
            let Some(e) = entries.get(i) else { break };
            let statement: Statement<ResultPredicate> =
                serde_json::from_slice(&e.statement).map_err(|err| bad(i, err))?;
            results.insert(
                statement.predicate.rule.id.clone(),
                Arc::new(PreviousResult {
                    index: i as u64,
                    hash: e.hash.clone(),
                    statement,
                }),
            );
        }
        Ok(Previous {
            head: None,
            run: Some(h.run),
            format_version: h.evidence.format_version,
            results,
        })
    }

    /// The run, if the ledger holds one.
    pub fn run(&self) -> Option<&str> {
        self.run.as_deref()
    }

    /// The hash of the ledger's last line when this was read from it.
    pub(crate) fn head(&self) -> Option<&str> {
        self.head.as_deref()
    }

    /// The result of `rule` in that run, as a candidate for reuse: not an
    /// error (a limit such as the wall clock is not reproducible), and the
    /// bundle of the same evidence format version. It is reused only if the
    /// statement the rule's result would get now is the same but for its
    /// run (`crate::evaluate` checks).
    pub(crate) fn candidate(
        &self,
        rule: &str,
        format_version: &str,
    ) -> Option<&Arc<PreviousResult>> {
        let then = self.results.get(rule)?;
        let ok = then.statement.predicate.outcome != mizuchi_report::Outcome::Error
            && self.format_version == format_version;
        ok.then_some(then)
    }
}

impl<'p> Evaluation<'p> {
    /// The report.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The report, owned.
    pub fn into_report(self) -> Report {
        self.report
    }

    /// The settings as resolved.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The packs that ran.
    pub fn packs(&self) -> &'p PackSet {
        self.packs
    }

    /// The bundle judged.
    pub fn bundle(&self) -> &Arc<Bundle> {
        &self.bundle
    }

    /// The results taken from an earlier run instead of evaluated
    /// (`EvalOptions::reuse`), in report order.
    pub fn reused(&self) -> &[Reuse] {
        &self.reused
    }

    /// Whether the result at `position` of the report was reused.
    fn reused_at(&self, position: usize) -> Option<&Reuse> {
        self.reused.iter().find(|r| r.position == position)
    }
}

/// Why an evaluation could not be recorded. Nothing is signed then: no
/// signed byte comes from a default.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordError {
    /// A statement could not be serialised.
    #[error("a statement cannot be serialised: {0}")]
    Serialise(#[source] serde_json::Error),
    /// A result names a module the run's packs do not hold.
    #[error(
        "the result of `{rule}` names module `{module}` of pack `{pack}`, which the run's packs do not hold"
    )]
    NoModule {
        /// The rule.
        rule: String,
        /// The pack it names.
        pack: String,
        /// The module it names.
        module: String,
    },
    /// The ledger could not be opened or written.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The ledger does not verify, so none of its results is reused.
    #[error("`{path}` does not verify ({why}), so none of its results can be reused")]
    NotVerified {
        /// The ledger.
        path: std::path::PathBuf,
        /// The first failure.
        why: String,
    },
    /// The evaluation reused results of another ledger, or of this one
    /// before other runs were appended.
    #[error(
        "the evaluation reused results of another ledger than `{0}`, or of an earlier state of it; evaluate again with this ledger's results"
    )]
    ReusedElsewhere(std::path::PathBuf),
    /// A verified entry of the last run cannot be read as what it claims.
    #[error("entry {index} of the ledger's last run cannot be read: {why}")]
    Previous {
        /// The entry.
        index: u64,
        /// Why.
        why: String,
    },
}

impl RecordError {
    /// The message in `lang` (`ja` or `en`).
    pub fn text(&self, lang: &str) -> String {
        if lang != "ja" {
            return self.to_string();
        }
        match self {
            RecordError::Serialise(e) => format!("記録を直列化できません: {e}"),
            RecordError::NoModule { rule, pack, module } => format!(
                "`{rule}` の結果はパック `{pack}` のモジュール `{module}` を指していますが、この実行のパックにそのモジュールはありません"
            ),
            RecordError::Ledger(e) => e.text(lang),
            RecordError::NotVerified { path, why } => format!(
                "`{}` は検証に通りません ({why})。この台帳の結果は再利用できません",
                path.display()
            ),
            RecordError::ReusedElsewhere(path) => format!(
                "この評価は `{}` 以外の台帳、または追記される前のこの台帳の結果を再利用しています。この台帳の結果でもう一度評価してください",
                path.display()
            ),
            RecordError::Previous { index, why } => {
                format!("台帳の最後の実行の項目 {index} を読めません: {why}")
            }
        }
    }
}

/// A run's identifier: derived from the ledger position and the run's inputs,
/// so that it is unique in its ledger and the same when the run is replayed.
pub fn run_id(previous: &str, eval: &Evaluation<'_>) -> String {
    let packs: Vec<String> = eval
        .packs
        .packs()
        .iter()
        .map(|p| p.digest().to_owned())
        .collect();
    let basis = serde_json::json!([
        previous,
        eval.bundle.digest(),
        packs,
        eval.settings.as_of,
        eval.settings.overrides,
        eval.settings.rules
    ]);
    let digest = mizuchi_ledger::digest::sha256_hex(basis.to_string().as_bytes());
    format!("run-{}", &digest[..16])
}

fn serialise<T: Serialize>(value: &T) -> Result<Vec<u8>, RecordError> {
    serde_json::to_vec(value).map_err(RecordError::Serialise)
}

/// The evidence files of the given sections that the run read (every
/// document; the logs its rules read), in manifest order, then those of the
/// given extension sections (each checked against its pack's schema); with
/// `manifest`, the manifest first. A statement needs a subject, so the
/// manifest stands in when none of the sections is in the bundle.
fn subjects(
    bundle: &Bundle,
    sections: &[SectionKind],
    extensions: &[&str],
    manifest: bool,
    logs: Logs,
) -> Vec<ResourceDescriptor> {
    let mut out = Vec::new();
    if manifest {
        out.push(ResourceDescriptor::sha256("manifest.json", bundle.digest()));
    }
    for f in &bundle.manifest().files {
        if sections.contains(&f.kind) {
            let digest = match f.kind.shape() {
                // Only logs the run read, so verified.
                SectionShape::Log if logs == Logs::Read && !bundle.log_verified(f.kind) => None,
                SectionShape::Log => bundle
                    .log(f.kind)
                    .iter()
                    .find(|l| l.path == f.path)
                    .map(|l| l.sha256.clone()),
                _ => bundle
                    .document(f.kind)
                    .filter(|d| d.path == f.path)
                    .map(|d| d.sha256.clone()),
            };
            if let Some(d) = digest {
                out.push(ResourceDescriptor::sha256(&f.path, &d));
            }
        }
    }
    for e in &bundle.manifest().extensions {
        if extensions.contains(&e.section.as_str())
            && let Some(f) = bundle.extension(e.section.as_str())
        {
            out.push(ResourceDescriptor::sha256(&f.path, &f.sha256));
        }
    }
    if out.is_empty() {
        out.push(ResourceDescriptor::sha256("manifest.json", bundle.digest()));
    }
    out
}

/// Which digests of log files a statement's subjects name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Logs {
    /// Those of the logs the run read and verified: what is signed.
    Read,
    /// Those the manifest lists: what a result reused without reading the
    /// logs must have named.
    Listed,
}

/// The statements of run `run`, as the exact bytes to sign: the header,
/// then one per result it evaluated (those it reused are named in the
/// header).
pub fn statements(run: &str, eval: &Evaluation<'_>) -> Result<Vec<Vec<u8>>, RecordError> {
    let (report, bundle) = (&eval.report, &*eval.bundle);
    // The header vouches for every document and for the logs the rules it
    // evaluated read: the same set however the bundle was opened (a reused
    // result vouches for the logs it read itself, in its own entry).
    let read = if eval.reused.is_empty() {
        eval.packs.sections(&eval.settings.rules)
    } else {
        let evaluated: Vec<String> = report
            .results
            .iter()
            .enumerate()
            .filter(|(i, _)| eval.reused_at(*i).is_none())
            .map(|(_, r)| r.rule.clone())
            .collect();
        // (No rule evaluated: no log read; an empty list would mean every rule.)
        if evaluated.is_empty() {
            Vec::new()
        } else {
            eval.packs.sections(&evaluated)
        }
    };
    let header_sections: Vec<SectionKind> = SectionKind::ALL
        .iter()
        .copied()
        .filter(|k| k.shape() != SectionShape::Log || read.contains(k))
        .collect();
    // And for the extension sections the packs of the run define (their
    // files were checked against the packs' schemas before the run).
    let defined = eval.packs.extensions();
    let read_extensions: Vec<&str> = defined.iter().map(|(_, d)| d.section.as_str()).collect();
    let m = bundle.manifest();
    let header = Statement {
        kind: STATEMENT_TYPE.into(),
        subject: subjects(bundle, &header_sections, &read_extensions, true, Logs::Read),
        predicate_type: RUN_PREDICATE.into(),
        predicate: RunPredicate {
            run: run.to_owned(),
            host: report.host.clone(),
            packs: eval.packs.packs().iter().map(Pack::info).collect(),
            evidence: EvidenceRecord {
                utility_id: m.utility.id.clone(),
                utility_name: m.utility.name.clone(),
                format_version: m.format_version.clone(),
                collected_on: m.collected_on,
                digest: bundle.digest().to_owned(),
            },
            as_of: eval.settings.as_of,
            overrides: eval.settings.overrides.clone(),
            rules: eval.settings.rules.clone(),
            results: (report.results.len() - eval.reused.len()) as u64,
            reused: eval
                .reused
                .iter()
                .map(|r| Reused {
                    rule: r.rule().to_owned(),
                    position: r.position as u64,
                    index: r.entry.index,
                    hash: r.entry.hash.clone(),
                })
                .collect(),
        },
    };
    let mut out = vec![serialise(&header)?];
    for (i, r) in report.results.iter().enumerate() {
        if eval.reused_at(i).is_none() {
            out.push(serialise(&result_statement(run, eval, r, Logs::Read)?)?);
        }
    }
    Ok(out)
}

/// The statements of the results `eval` reused, made again from its report
/// as their own runs would have: what replay compares with the entries the
/// header names. Each with its rule.
pub(crate) fn reused_statements(
    eval: &Evaluation<'_>,
) -> Result<Vec<(String, Vec<u8>)>, RecordError> {
    eval.reused
        .iter()
        .filter_map(|u| Some((u, eval.report.results.get(u.position)?)))
        .map(|(u, r)| {
            let s = result_statement(u.run(), eval, r, Logs::Read)?;
            Ok((u.rule().to_owned(), serialise(&s)?))
        })
        .collect()
}

/// The statement rule result `r` of run `run` gets; with [`Logs::Listed`],
/// the logs it reads are named with the digests the manifest lists.
pub(crate) fn result_statement(
    run: &str,
    eval: &Evaluation<'_>,
    r: &RuleResult,
    logs: Logs,
) -> Result<Statement<ResultPredicate>, RecordError> {
    result_statement_in(
        run,
        eval.packs,
        &eval.bundle,
        eval.report.as_of,
        &eval.report.host,
        r,
        logs,
    )
}

/// [`result_statement`], from its parts: what an evaluation compares with
/// the last run's before it has a report.
pub(crate) fn result_statement_in(
    run: &str,
    packs: &PackSet,
    bundle: &Bundle,
    as_of: Date,
    host: &mizuchi_report::HostInfo,
    r: &RuleResult,
    logs: Logs,
) -> Result<Statement<ResultPredicate>, RecordError> {
    let info = packs.rule(&r.rule).map(|(_, _, info)| info);
    let mut sections: Vec<SectionKind> = info
        .map(|info| info.needs.iter().map(|n| n.section).collect())
        .unwrap_or_default();
    let extensions: Vec<&str> = info
        .map(|info| info.extensions.iter().map(|n| n.section.as_str()).collect())
        .unwrap_or_default();
    // A failed finding made the host look for a recorded risk acceptance
    // (governance evidence): whether one was found, and is in force, decided
    // between `fail` and `waived`. The result vouches for that evidence too.
    let consulted_waivers = r
        .findings
        .iter()
        .any(|f| matches!(f.status, Status::Fail | Status::Waived));
    if consulted_waivers && !sections.contains(&SectionKind::Governance) {
        sections.push(SectionKind::Governance);
    }
    let no_module = || RecordError::NoModule {
        rule: r.rule.clone(),
        pack: r.pack.clone(),
        module: r.module.clone(),
    };
    let pack = packs
        .packs()
        .iter()
        .find(|p| p.name() == r.pack)
        .ok_or_else(no_module)?;
    let module = pack
        .modules()
        .iter()
        .find(|m| m.name() == r.module)
        .ok_or_else(no_module)?;
    Ok(Statement {
        kind: STATEMENT_TYPE.into(),
        subject: subjects(bundle, &sections, &extensions, false, logs),
        predicate_type: RESULT_PREDICATE.into(),
        predicate: ResultPredicate {
            run: run.to_owned(),
            rule: RuleRef {
                id: r.rule.clone(),
                version: r.version.clone(),
            },
            force: r.force,
            module: ModuleRef {
                name: module.name().to_owned(),
                sha256: module.sha256().to_owned(),
            },
            pack: PackRef::from(&pack.info()),
            parameters: r.parameters.clone(),
            as_of,
            host: host.clone(),
            fuel: r.fuel,
            outcome: r.outcome,
            findings: r.findings.clone(),
            error: r.error.clone(),
            acceptances: r.acceptances.clone(),
        },
    })
}

/// Where a recorded run went.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The run's id.
    pub run: String,
    /// Index of the run's header entry.
    pub first: u64,
    /// Entries appended: the header and one per result.
    pub entries: u64,
    /// Entries in the ledger once the run was acknowledged.
    pub acknowledged: u64,
}

/// A ledger open for recording runs, locked against other writers.
#[derive(Debug)]
pub struct Recorder {
    writer: Writer,
    path: std::path::PathBuf,
    key: mizuchi_ledger::keys::PublicKey,
}

impl Recorder {
    /// Opens (creating if needed) the ledger at `path`, to record runs
    /// signed with `key`. Open it before evaluating: a run that cannot be
    /// recorded is better not started.
    pub fn open(path: &Path, key: &SecretKey) -> Result<Recorder, RecordError> {
        Ok(Recorder {
            writer: Writer::open(path, key)?,
            path: path.to_owned(),
            key: key.public(),
        })
    }

    /// The last run of the ledger, verified (every entry signed by the
    /// recorder's key, the chain, the runs and the checkpoint), for an
    /// evaluation to reuse the results that would not change
    /// (`EvalOptions::reuse`). The ledger is locked from [`Recorder::open`]
    /// on, so what is verified is what the run is appended to.
    pub fn previous(&self) -> Result<Previous, RecordError> {
        if self.writer.is_empty() {
            return Ok(Previous::default());
        }
        let (v, entries) = verify_entries(&self.path, std::slice::from_ref(&self.key), &[])?;
        let why = match (&v.first_bad, v.checkpoints.iter().find(|c| !c.ok)) {
            (Some((i, why)), _) => Some(format!("entry {i} {why}")),
            (None, Some(c)) => Some(format!("checkpoint {}: {}", c.source, c.message)),
            _ if v.entries != self.writer.len() || v.acknowledged != v.entries => Some(format!(
                "{} entries, {} acknowledged, {} when it was opened",
                v.entries,
                v.acknowledged,
                self.writer.len()
            )),
            _ => None,
        };
        if let Some(why) = why {
            return Err(RecordError::NotVerified {
                path: self.path.clone(),
                why,
            });
        }
        let mut previous = Previous::last_run(&entries)?;
        previous.head = Some(self.writer.head().to_owned());
        Ok(previous)
    }

    /// Signs the statements of `eval`, appends them and publishes the
    /// checkpoint that acknowledges them.
    pub fn record(&mut self, eval: &Evaluation<'_>) -> Result<Recorded, RecordError> {
        // Reused results name entries of the ledger their `Previous` came
        // from, as it was then: this one, with nothing appended since.
        if !eval.reused.is_empty() && eval.reused_from.as_deref() != Some(self.writer.head()) {
            return Err(RecordError::ReusedElsewhere(self.path.clone()));
        }
        let run = run_id(self.writer.head(), eval);
        let statements = statements(&run, eval)?;
        let Appended { first, checkpoint } = self
            .writer
            .append_run(&eval.bundle.manifest().utility.id, &statements)?;
        Ok(Recorded {
            run,
            first,
            entries: statements.len() as u64,
            acknowledged: checkpoint.size,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_whose_module_the_run_does_not_hold_is_not_signed() {
        // No signed byte comes from a default: a module digest that cannot
        // be found is an error, not an empty string in a signed record.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/minamiyama/bundle");
        let bundle = Arc::new(Bundle::open_reading(&dir, &[]).unwrap());
        let packs = PackSet::new(Vec::new()).unwrap();
        let report: Report = serde_json::from_value(serde_json::json!({
            "format": "mizuchi-report", "format_version": "1.0.0",
            "host": {"version": "0.1.0", "rule_abi": "1.1.0"},
            "as_of": "2026-11-27",
            "evidence": {"utility_id": "U", "utility_name": {"ja": "u", "en": "u"},
                         "collected_on": "2026-11-20", "format_version": "1.0.0", "digest": "d"},
            "packs": [], "summary": {"ordinance": {}, "recommended": {}},
            "results": [{"rule": "X-01", "pack": "p", "module": "m.wasm",
                         "outcome": "pass", "subjects": 0, "fuel": 1}]
        }))
        .unwrap();
        let eval = Evaluation {
            report,
            packs: &packs,
            bundle,
            settings: Settings::new(jiff::civil::date(2026, 11, 27), BTreeMap::new(), vec![]),
            reused: Vec::new(),
            reused_from: None,
        };
        let err = statements("run-1", &eval).unwrap_err();
        assert!(matches!(err, RecordError::NoModule { .. }), "{err}");
        assert!(err.to_string().contains("`m.wasm`"), "{err}");
    }
}
