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
use mizuchi_ledger::ledger::{Appended, LedgerError, Writer};
use mizuchi_ledger::statement::{
    EvidenceRecord, ModuleRef, PackRef, RESULT_PREDICATE, RUN_PREDICATE, ResourceDescriptor,
    ResultPredicate, RuleRef, RunPredicate, STATEMENT_TYPE, Statement,
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
) -> Vec<ResourceDescriptor> {
    let mut out = Vec::new();
    if manifest {
        out.push(ResourceDescriptor::sha256("manifest.json", bundle.digest()));
    }
    for f in &bundle.manifest().files {
        if sections.contains(&f.kind) {
            let digest = match f.kind.shape() {
                // Only logs the run read, so verified.
                SectionShape::Log if !bundle.log_verified(f.kind) => None,
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

/// The statements of run `run`, as the exact bytes to sign: the header,
/// then one per result.
pub fn statements(run: &str, eval: &Evaluation<'_>) -> Result<Vec<Vec<u8>>, RecordError> {
    let (report, bundle) = (&eval.report, &*eval.bundle);
    // The header vouches for every document and for the logs the run's
    // rules read: the same set however the bundle was opened.
    let read = eval.packs.sections(&eval.settings.rules);
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
        subject: subjects(bundle, &header_sections, &read_extensions, true),
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
            results: report.results.len() as u64,
        },
    };
    let mut out = vec![serialise(&header)?];
    for r in &report.results {
        out.push(serialise(&result_statement(run, eval, r)?)?);
    }
    Ok(out)
}

fn result_statement(
    run: &str,
    eval: &Evaluation<'_>,
    r: &RuleResult,
) -> Result<Statement<ResultPredicate>, RecordError> {
    let info = eval.packs.rule(&r.rule).map(|(_, _, info)| info);
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
    let pack = eval
        .packs
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
        subject: subjects(&eval.bundle, &sections, &extensions, false),
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
            as_of: eval.report.as_of,
            host: eval.report.host.clone(),
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
}

impl Recorder {
    /// Opens (creating if needed) the ledger at `path`, to record runs
    /// signed with `key`. Open it before evaluating: a run that cannot be
    /// recorded is better not started.
    pub fn open(path: &Path, key: &SecretKey) -> Result<Recorder, RecordError> {
        Ok(Recorder {
            writer: Writer::open(path, key)?,
        })
    }

    /// Signs the statements of `eval`, appends them and publishes the
    /// checkpoint that acknowledges them.
    pub fn record(&mut self, eval: &Evaluation<'_>) -> Result<Recorded, RecordError> {
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
        };
        let err = statements("run-1", &eval).unwrap_err();
        assert!(matches!(err, RecordError::NoModule { .. }), "{err}");
        assert!(err.to_string().contains("`m.wasm`"), "{err}");
    }
}
