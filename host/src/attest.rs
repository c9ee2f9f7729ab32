//! The signed form of results: in-toto Statements v1 whose subjects are the
//! evidence files a rule read and whose predicates record what was run, with
//! what, and what it decided.
//!
//! A run is one header statement (predicate type [`RUN_PREDICATE`]) followed
//! by one statement per rule result ([`RESULT_PREDICATE`]). Statements are
//! serialised once, compactly, with fields in a fixed order and no floating
//! point; the exact bytes are what gets signed and what replay compares.

use std::collections::BTreeMap;

use mizuchi_evidence::{Date, SectionKind, SectionShape, Text};
use serde::{Deserialize, Serialize};

use crate::bundle::Bundle;
use crate::pack::PackSet;
use crate::report::{
    Finding, Force, HostInfo, Outcome, PackInfo, ParamValue, Report, RuleError, RuleResult, Status,
};

/// The in-toto statement type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The predicate type of a run header.
pub const RUN_PREDICATE: &str = "https://mizuchi.dev/attestation/run/v1";
/// The predicate type of one rule's result.
pub const RESULT_PREDICATE: &str = "https://mizuchi.dev/attestation/rule-result/v1";

/// A file and its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceDescriptor {
    pub name: String,
    pub digest: BTreeMap<String, String>,
}

impl ResourceDescriptor {
    fn sha256(name: &str, hex: &str) -> Self {
        ResourceDescriptor {
            name: name.to_owned(),
            digest: BTreeMap::from([("sha256".to_owned(), hex.to_owned())]),
        }
    }
}

/// An in-toto Statement v1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement<P> {
    #[serde(rename = "_type")]
    pub kind: String,
    pub subject: Vec<ResourceDescriptor>,
    #[serde(rename = "predicateType")]
    pub predicate_type: String,
    pub predicate: P,
}

/// The evidence a run judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    pub utility_id: String,
    pub utility_name: Text,
    pub format_version: String,
    pub collected_on: Date,
    /// SHA-256 of the bundle's `manifest.json`.
    pub digest: String,
}

/// The header of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPredicate {
    pub run: String,
    pub host: HostInfo,
    /// The packs run, in order, each with its publisher and signing keys.
    pub packs: Vec<PackInfo>,
    pub evidence: EvidenceRecord,
    pub as_of: Date,
    /// Parameters set for the run, `RULE.KEY` → value (defaults are in each result).
    pub overrides: BTreeMap<String, ParamValue>,
    /// The rules the run was limited to; absent when it ran every rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Number of result statements that follow.
    pub results: u64,
}

/// A rule and its version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// A module and its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleRef {
    pub name: String,
    pub sha256: String,
}

/// The pack that provided a rule, without its module list: what it is and
/// who vouched for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackRef {
    pub name: String,
    pub version: String,
    /// SHA-256 of the signed manifest.
    pub digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Key ids of the publisher's keys whose signatures were verified.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signed_by: Vec<String>,
    /// The pack was run with `--allow-unsigned`: no publisher vouches for it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unsigned: bool,
}

impl From<&PackInfo> for PackRef {
    fn from(p: &PackInfo) -> PackRef {
        PackRef {
            name: p.name.clone(),
            version: p.version.clone(),
            digest: p.digest.clone(),
            publisher: p.publisher.clone(),
            signed_by: p.signed_by.clone(),
            unsigned: p.unsigned,
        }
    }
}

/// One rule's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultPredicate {
    pub run: String,
    pub rule: RuleRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<Force>,
    pub module: ModuleRef,
    pub pack: PackRef,
    pub parameters: BTreeMap<String, ParamValue>,
    pub as_of: Date,
    pub host: HostInfo,
    pub fuel: u64,
    pub outcome: Outcome,
    pub findings: Vec<Finding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RuleError>,
}

/// The evidence files of the given sections that the run read (every
/// document; the logs its rules read), in manifest order; with `manifest`,
/// the manifest first. A statement needs a subject, so the
/// manifest stands in when none of the sections is in the bundle.
fn subjects(bundle: &Bundle, sections: &[SectionKind], manifest: bool) -> Vec<ResourceDescriptor> {
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
    if out.is_empty() {
        out.push(ResourceDescriptor::sha256("manifest.json", bundle.digest()));
    }
    out
}

/// How a run was asked for, beyond its packs and evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSettings {
    /// Parameters set for the run, `RULE.KEY` → value.
    pub overrides: BTreeMap<String, ParamValue>,
    /// The rules the run was limited to (every rule when empty).
    pub rules: Vec<String>,
}

/// A run's identifier: derived from the ledger position and the run's inputs,
/// so that it is unique in its ledger and the same when the run is replayed.
pub fn run_id(previous: &str, report: &Report, settings: &RunSettings) -> String {
    let packs: Vec<&str> = report.packs.iter().map(|p| p.digest.as_str()).collect();
    let basis = serde_json::json!([
        previous,
        report.evidence.digest,
        packs,
        report.as_of,
        settings.overrides,
        settings.rules
    ]);
    let digest = crate::digest::sha256_hex(basis.to_string().as_bytes());
    format!("run-{}", &digest[..16])
}

/// Why the statements of a run could not be made. Nothing is signed then:
/// no signed byte comes from a default.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AttestError {
    #[error("a statement cannot be serialised: {0}")]
    Serialise(#[source] serde_json::Error),
    #[error(
        "the result of `{rule}` names module `{module}` of pack `{pack}`, which the run's packs do not hold"
    )]
    NoModule {
        rule: String,
        pack: String,
        module: String,
    },
    #[error("the result of `{rule}` names pack `{pack}`, which the report does not describe")]
    NoPack { rule: String, pack: String },
}

fn serialise<T: Serialize>(value: &T) -> Result<Vec<u8>, AttestError> {
    serde_json::to_vec(value).map_err(AttestError::Serialise)
}

/// The statements of a run, as the exact bytes to sign: the header, then one per result.
pub fn statements(
    run: &str,
    report: &Report,
    packs: &PackSet,
    bundle: &Bundle,
    settings: &RunSettings,
) -> Result<Vec<Vec<u8>>, AttestError> {
    // The header vouches for every document and for the logs the run's
    // rules read: the same set however the bundle was opened.
    let read = packs.sections(&settings.rules);
    let header_sections: Vec<SectionKind> = SectionKind::ALL
        .iter()
        .copied()
        .filter(|k| k.shape() != SectionShape::Log || read.contains(k))
        .collect();
    let header = Statement {
        kind: STATEMENT_TYPE.into(),
        subject: subjects(bundle, &header_sections, true),
        predicate_type: RUN_PREDICATE.into(),
        predicate: RunPredicate {
            run: run.to_owned(),
            host: report.host.clone(),
            packs: report.packs.clone(),
            evidence: EvidenceRecord {
                utility_id: report.evidence.utility_id.clone(),
                utility_name: report.evidence.utility_name.clone(),
                format_version: report.evidence.format_version.clone(),
                collected_on: report.evidence.collected_on,
                digest: report.evidence.digest.clone(),
            },
            as_of: report.as_of,
            overrides: settings.overrides.clone(),
            rules: settings.rules.clone(),
            results: report.results.len() as u64,
        },
    };
    let mut out = vec![serialise(&header)?];
    for r in &report.results {
        out.push(serialise(&result_statement(
            run, report, packs, bundle, r,
        )?)?);
    }
    Ok(out)
}

fn result_statement(
    run: &str,
    report: &Report,
    packs: &PackSet,
    bundle: &Bundle,
    r: &RuleResult,
) -> Result<Statement<ResultPredicate>, AttestError> {
    let mut sections: Vec<SectionKind> = packs
        .rule(&r.rule)
        .map(|(_, _, info)| info.needs.iter().map(|n| n.section).collect())
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
    let module = packs
        .packs()
        .iter()
        .filter(|p| p.name == r.pack)
        .flat_map(|p| &p.modules)
        .find(|m| m.name == r.module)
        .ok_or_else(|| AttestError::NoModule {
            rule: r.rule.clone(),
            pack: r.pack.clone(),
            module: r.module.clone(),
        })?;
    let pack = report
        .packs
        .iter()
        .find(|p| p.name == r.pack)
        .ok_or_else(|| AttestError::NoPack {
            rule: r.rule.clone(),
            pack: r.pack.clone(),
        })?;
    Ok(Statement {
        kind: STATEMENT_TYPE.into(),
        subject: subjects(bundle, &sections, false),
        predicate_type: RESULT_PREDICATE.into(),
        predicate: ResultPredicate {
            run: run.to_owned(),
            rule: RuleRef {
                id: r.rule.clone(),
                version: r.version.clone(),
            },
            force: r.force,
            module: ModuleRef {
                name: r.module.clone(),
                sha256: module.sha256.clone(),
            },
            pack: PackRef::from(pack),
            parameters: r.parameters.clone(),
            as_of: report.as_of,
            host: report.host.clone(),
            fuel: r.fuel,
            outcome: r.outcome,
            findings: r.findings.clone(),
            error: r.error.clone(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Bundle {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/minamiyama");
        Bundle::open_reading(&dir, &[]).unwrap()
    }

    fn report(pack: &str, module: &str) -> Report {
        serde_json::from_value(serde_json::json!({
            "format": "mizuchi-report", "format_version": "1.0.0",
            "host": {"version": "0.1.0", "rule_abi": "1.1.0"},
            "as_of": "2026-11-27",
            "evidence": {"utility_id": "U", "utility_name": {"ja": "u", "en": "u"},
                         "collected_on": "2026-11-20", "format_version": "1.0.0", "digest": "d"},
            "packs": [{"name": "p", "version": "1.0.0", "digest": "d", "modules": []}],
            "summary": {"ordinance": {}, "recommended": {}},
            "results": [{"rule": "X-01", "pack": pack, "module": module,
                         "outcome": "pass", "subjects": 0, "fuel": 1}]
        }))
        .unwrap()
    }

    #[test]
    fn a_result_whose_module_or_pack_the_run_does_not_hold_is_not_signed() {
        // No signed byte comes from a default: a module digest that cannot
        // be found is an error, not an empty string in a signed record.
        let bundle = sample();
        let packs = PackSet::new(Vec::new()).unwrap();
        let settings = RunSettings::default();
        let err =
            statements("run-1", &report("p", "m.wasm"), &packs, &bundle, &settings).unwrap_err();
        assert!(matches!(err, AttestError::NoModule { .. }), "{err}");
        assert!(err.to_string().contains("`m.wasm`"), "{err}");
    }
}
