//! The result of an evaluation: what each rule decided, in a stable order and a
//! stable JSON form (the same inputs give the same bytes).

use std::collections::BTreeMap;

use mizuchi_evidence::{Date, Text};
use serde::{Deserialize, Serialize};

pub use mizuchi_evidence::verdict::{
    EvidenceRef, Finding, Force, Outcome, ParamValue, Status, Subject,
};
pub use mizuchi_ledger::statement::{HostInfo, ModuleInfo, PackInfo, RuleFailure};

/// One rule's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleResult {
    /// The rule id; for a module that was refused before it could list its
    /// rules, the module's file name.
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<Force>,
    /// The pack and module that provide the rule.
    pub pack: String,
    pub module: String,
    pub outcome: Outcome,
    /// Distinct subjects decided about.
    pub subjects: u64,
    /// Fuel the run used.
    pub fuel: u64,
    /// Every parameter in force, with the value used.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, ParamValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<RuleFailure>,
    /// What the rule wrote to stdout and stderr, capped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
}

/// Counts of outcomes, for one force.
pub type Counts = BTreeMap<Outcome, u64>;

/// Ordinance and recommended results, counted apart and never netted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Summary {
    pub ordinance: Counts,
    pub recommended: Counts,
    /// Results of modules refused before they could list their rules.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unattributed: Counts,
}

/// The evidence a report judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceInfo {
    pub utility_id: String,
    pub utility_name: Text,
    pub collected_on: Date,
    pub format_version: String,
    /// SHA-256 of the bundle's manifest, which lists every file's digest.
    pub digest: String,
}

/// The name of the report format.
pub const REPORT_FORMAT: &str = "mizuchi-report";

/// An evaluation's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub format: String,
    pub format_version: String,
    pub host: HostInfo,
    pub as_of: Date,
    pub evidence: EvidenceInfo,
    pub packs: Vec<PackInfo>,
    pub summary: Summary,
    pub results: Vec<RuleResult>,
}

impl Report {
    /// At least one result has one of these outcomes.
    pub fn any(&self, outcomes: &[Outcome]) -> bool {
        self.results.iter().any(|r| outcomes.contains(&r.outcome))
    }

    pub(crate) fn summarise(results: &[RuleResult]) -> Summary {
        let mut s = Summary::default();
        for r in results {
            let counts = match r.force {
                Some(Force::Ordinance) => &mut s.ordinance,
                Some(Force::Recommended) => &mut s.recommended,
                None => &mut s.unattributed,
            };
            *counts.entry(r.outcome).or_default() += 1;
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_precedence() {
        use Status::*;
        assert_eq!(
            Outcome::from_statuses([Pass, Fail, InsufficientEvidence]),
            Outcome::Fail
        );
        assert_eq!(
            Outcome::from_statuses([Pass, InsufficientEvidence, Waived]),
            Outcome::InsufficientEvidence
        );
        assert_eq!(Outcome::from_statuses([Pass, Waived]), Outcome::Waived);
        assert_eq!(
            Outcome::from_statuses([Pass, PassAlternative, Warn]),
            Outcome::PassAlternative
        );
        assert_eq!(Outcome::from_statuses([Pass, Warn]), Outcome::Pass);
        assert_eq!(
            Outcome::from_statuses([NotApplicable]),
            Outcome::NotApplicable
        );
        assert_eq!(Outcome::from_statuses([]), Outcome::NotApplicable);
    }

    #[test]
    fn outcomes_serialise_as_their_names() {
        for o in Outcome::ALL {
            assert_eq!(
                serde_json::to_string(&o).unwrap(),
                format!("\"{}\"", o.as_str())
            );
            assert_eq!(o.as_str().parse::<Outcome>().unwrap(), o);
        }
    }
}
