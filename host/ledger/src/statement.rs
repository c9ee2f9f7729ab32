//! The signed form of results: in-toto Statements v1 whose subjects are the
//! evidence files a rule read and whose predicates record what was run, with
//! what, and what it decided (`docs/ledger.md` specifies them).
//!
//! A run is one header statement (predicate type [`RUN_PREDICATE`]) followed
//! by one statement per rule result ([`RESULT_PREDICATE`]). Statements are
//! serialised once, compactly, with fields in a fixed order and no floating
//! point; the exact bytes are what gets signed and what replay compares.
//! Which evidence and packs a statement names is decided where the run is
//! recorded (the `mizuchi` host's recorder), from verified objects only.

use std::collections::BTreeMap;

use mizuchi_evidence::verdict::{Finding, Force, Outcome, ParamValue};
use mizuchi_evidence::{Date, Text};
use serde::{Deserialize, Serialize};

/// The in-toto statement type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The predicate type of a run header.
pub const RUN_PREDICATE: &str = "https://mizuchi.dev/attestation/run/v1";
/// The predicate type of one rule's result.
pub const RESULT_PREDICATE: &str = "https://mizuchi.dev/attestation/rule-result/v1";

/// A file and its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceDescriptor {
    /// The file's path in the evidence bundle.
    pub name: String,
    /// Its digests, by algorithm (`sha256` → lower-case hex).
    pub digest: BTreeMap<String, String>,
}

impl ResourceDescriptor {
    /// A file and its SHA-256 (lower-case hex).
    pub fn sha256(name: &str, hex: &str) -> Self {
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
    /// Always [`STATEMENT_TYPE`].
    pub kind: String,
    /// The evidence files the statement is about, with their digests.
    pub subject: Vec<ResourceDescriptor>,
    #[serde(rename = "predicateType")]
    /// [`RUN_PREDICATE`] or [`RESULT_PREDICATE`].
    pub predicate_type: String,
    /// What the statement says.
    pub predicate: P,
}

/// The evidence a run judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRecord {
    /// The utility's id.
    pub utility_id: String,
    /// The utility's name.
    pub utility_name: Text,
    /// The version of the evidence format.
    pub format_version: String,
    /// When the evidence was collected.
    pub collected_on: Date,
    /// SHA-256 of the bundle's `manifest.json`.
    pub digest: String,
}

/// The header of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunPredicate {
    /// The run's id, `run-` and 16 hex digits.
    pub run: String,
    /// The host that ran it.
    pub host: HostInfo,
    /// The packs run, in order, each with its publisher and signing keys.
    pub packs: Vec<PackInfo>,
    /// The evidence it judged.
    pub evidence: EvidenceRecord,
    /// The assessment date.
    pub as_of: Date,
    /// Parameters set for the run, `RULE.KEY` → value (defaults are in each result).
    pub overrides: BTreeMap<String, ParamValue>,
    /// The rules the run was limited to; absent when it ran every rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Number of result statements that follow.
    pub results: u64,
    /// Results of this run that were not evaluated again but taken from an
    /// earlier run of the same ledger (`mizuchi eval --incremental`): every
    /// input the result depends on was the same. Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reused: Vec<Reused>,
}

/// A result a run takes from an earlier entry of its ledger instead of
/// evaluating the rule again: same rule, module, pack, parameters,
/// assessment date, host and evidence files. The entry is named by its
/// index and the SHA-256 of its line, so the header that names it vouches
/// for those exact bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reused {
    /// The rule.
    pub rule: String,
    /// Where the result stands among the run's results (0-based, in the
    /// order of the run's packs), the results that follow the header
    /// filling the other places in order.
    pub position: u64,
    /// The index of the result's entry in the ledger.
    pub index: u64,
    /// SHA-256 (lower-case hex) of that entry's line.
    pub hash: String,
}

/// A rule and its version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRef {
    /// The rule's id.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The rule's version.
    pub version: Option<String>,
}

/// A module and its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleRef {
    /// The module's file name.
    pub name: String,
    /// The SHA-256 of its bytes.
    pub sha256: String,
}

/// The pack that provided a rule, without its module list: what it is and
/// who vouched for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackRef {
    /// The pack's name.
    pub name: String,
    /// The pack's version.
    pub version: String,
    /// SHA-256 of the signed manifest.
    pub digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The publisher whose signatures were verified.
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
    /// The run's id (its header's).
    pub run: String,
    /// The rule and its version.
    pub rule: RuleRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The rule's legal force.
    pub force: Option<Force>,
    /// The module that ran it.
    pub module: ModuleRef,
    /// The pack that provided it.
    pub pack: PackRef,
    /// Every parameter in force, with the value used.
    pub parameters: BTreeMap<String, ParamValue>,
    /// The assessment date.
    pub as_of: Date,
    /// The host that ran it.
    pub host: HostInfo,
    /// The deterministic fuel the run used.
    pub fuel: u64,
    /// What the rule decided.
    pub outcome: Outcome,
    /// Its decision about each subject.
    pub findings: Vec<Finding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Why the rule could not run, when its outcome is `error`.
    pub error: Option<RuleFailure>,
    /// The risk acceptances recorded in the evidence for this rule's failed
    /// findings: current ones made them `waived`; expired ones did not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acceptances: Vec<Acceptance>,
}

/// A recorded risk acceptance the host found for a rule's failed findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    /// The subject id it covers; `None`: every subject of the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Who approved it (a person id).
    pub approved_by: String,
    /// When it was approved.
    pub approved_on: Date,
    /// The last day it holds.
    pub expires_on: Date,
    /// Why the risk is accepted.
    pub reason: String,
    /// It had expired by the assessment date, so the findings it covered
    /// stay failed.
    pub expired: bool,
}

/// The host that produced a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostInfo {
    /// The host's version.
    pub version: String,
    /// The rule ABI it implements.
    pub rule_abi: String,
}

/// Why a rule produced no decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleFailure {
    /// `fuel`, `memory`, `output`, `wall-clock`, `stack`: a limit; `panic`,
    /// `trap`, `rule`: the rule failed; `abi`: the module was refused before
    /// instantiation; `evidence`: the evidence does not meet the rule's needs.
    pub cause: String,
    /// What happened, in English.
    pub message: String,
}

/// A module of the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleInfo {
    /// The module's file name.
    pub name: String,
    /// The SHA-256 of its bytes.
    pub sha256: String,
    /// The rule ABI it was built against, if it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abi: Option<String>,
}

/// A pack a report ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackInfo {
    /// The pack's name.
    pub name: String,
    /// The pack's version.
    pub version: String,
    /// SHA-256 of the signed manifest (of the module list, for a directory).
    pub digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The publisher whose signatures were verified; absent for an unsigned pack.
    pub publisher: Option<String>,
    /// Key ids of the trusted signatures the pack was verified with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signed_by: Vec<String>,
    /// Run with `--allow-unsigned`: no publisher vouches for these results.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unsigned: bool,
    /// Its modules, in path order.
    pub modules: Vec<ModuleInfo>,
}
