//! The result of an evaluation: what each rule decided, in a stable order and a
//! stable JSON form (the same inputs give the same bytes).

use std::collections::BTreeMap;

use mizuchi_evidence::{Date, Text};
use serde::{Deserialize, Serialize};

pub use mizuchi_evidence::verdict::{
    EvidenceRef, Finding, Force, Outcome, ParamValue, Status, Subject,
};
pub use mizuchi_ledger::statement::{Acceptance, HostInfo, ModuleInfo, PackInfo, RuleFailure};

/// One rule's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleResult {
    /// The rule id; for a module that was refused before it could list its
    /// rules, the module's file name.
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The rule's version.
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The rule's title.
    pub title: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The guideline section it derives from.
    pub section: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The legal force of what it checks.
    pub force: Option<Force>,
    /// The pack and module that provide the rule.
    pub pack: String,
    /// The module that ran it.
    pub module: String,
    /// What the rule decided.
    pub outcome: Outcome,
    /// Distinct subjects decided about.
    pub subjects: u64,
    /// Fuel the run used.
    pub fuel: u64,
    /// Every parameter in force, with the value used.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, ParamValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    /// Its decision about each subject.
    pub findings: Vec<Finding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Why it could not run, when its outcome is `error`.
    pub error: Option<RuleFailure>,
    /// What the rule wrote to stdout and stderr, capped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<String>,
    /// Risk acceptances recorded for its failed findings, current (which
    /// waived them) or expired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acceptances: Vec<Acceptance>,
}

/// Counts of outcomes, for one force.
pub type Counts = BTreeMap<Outcome, u64>;

/// Ordinance and recommended results, counted apart and never netted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Outcomes of ordinance rules.
    pub ordinance: Counts,
    /// Outcomes of recommended rules.
    pub recommended: Counts,
    /// Results of modules refused before they could list their rules.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unattributed: Counts,
}

/// The evidence a report judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceInfo {
    /// The utility's id.
    pub utility_id: String,
    /// The utility's name.
    pub utility_name: Text,
    /// When the evidence was collected.
    pub collected_on: Date,
    /// The version of the evidence format.
    pub format_version: String,
    /// SHA-256 of the bundle's manifest, which lists every file's digest.
    pub digest: String,
}

/// The name of the report format.
pub const REPORT_FORMAT: &str = "mizuchi-report";

/// An evaluation's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`REPORT_FORMAT`].
    pub format: String,
    /// The version of the report format.
    pub format_version: String,
    /// The host that produced it.
    pub host: HostInfo,
    /// The assessment date.
    pub as_of: Date,
    /// The evidence judged.
    pub evidence: EvidenceInfo,
    /// The packs run, in order.
    pub packs: Vec<PackInfo>,
    /// Outcomes counted, ordinance apart from recommended.
    pub summary: Summary,
    /// Each rule's result, in pack order.
    pub results: Vec<RuleResult>,
}

impl Report {
    /// At least one result has one of these outcomes.
    pub fn any(&self, outcomes: &[Outcome]) -> bool {
        self.results.iter().any(|r| outcomes.contains(&r.outcome))
    }

    /// Counts the outcomes of `results`, ordinance apart from recommended.
    pub fn summarise(results: &[RuleResult]) -> Summary {
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
