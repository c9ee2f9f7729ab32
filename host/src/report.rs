//! The result of an evaluation: what each rule decided, in a stable order and a
//! stable JSON form (the same inputs give the same bytes).

use std::collections::BTreeMap;

use mizuchi_evidence::{Date, Text};
use serde::{Deserialize, Serialize};

/// The legal force of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Force {
    Ordinance,
    Recommended,
}

impl Force {
    pub fn as_str(self) -> &'static str {
        match self {
            Force::Ordinance => "ordinance",
            Force::Recommended => "recommended",
        }
    }
}

/// The value of a rule parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ParamValue {
    Integer(i64),
    Boolean(bool),
    Text(String),
    TextList(Vec<String>),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Integer(v) => write!(f, "{v}"),
            ParamValue::Boolean(v) => write!(f, "{v}"),
            ParamValue::Text(v) => f.write_str(v),
            ParamValue::TextList(v) => f.write_str(&v.join(",")),
        }
    }
}

/// The decision about one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Status {
    Pass,
    PassAlternative,
    Fail,
    Warn,
    NotApplicable,
    InsufficientEvidence,
    /// A failure covered by a recorded risk acceptance.
    Waived,
}

/// What a rule decided overall.
///
/// From the findings: any failure makes the rule fail; otherwise missing
/// evidence makes it insufficient; otherwise failures covered by risk
/// acceptances make it waived; otherwise it passes (through an alternative
/// measure if any subject needed one); with nothing in scope it is not
/// applicable. A rule that could not run is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Outcome {
    Pass,
    /// Pass, relying on an alternative measure for at least one subject.
    PassAlternative,
    Fail,
    NotApplicable,
    InsufficientEvidence,
    Error,
    Waived,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 7] = [
        Outcome::Pass,
        Outcome::PassAlternative,
        Outcome::Fail,
        Outcome::InsufficientEvidence,
        Outcome::NotApplicable,
        Outcome::Waived,
        Outcome::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::PassAlternative => "pass-alternative",
            Outcome::Fail => "fail",
            Outcome::NotApplicable => "not-applicable",
            Outcome::InsufficientEvidence => "insufficient-evidence",
            Outcome::Error => "error",
            Outcome::Waived => "waived",
        }
    }

    /// The outcome in both languages.
    pub fn label(self) -> Text {
        let (ja, en) = match self {
            Outcome::Pass => ("適合", "pass"),
            Outcome::PassAlternative => ("適合（代替措置）", "pass (alternative measure)"),
            Outcome::Fail => ("不適合", "fail"),
            Outcome::NotApplicable => ("対象外", "not applicable"),
            Outcome::InsufficientEvidence => ("証跡不足", "insufficient evidence"),
            Outcome::Error => ("エラー", "error"),
            Outcome::Waived => ("リスク受容", "waived"),
        };
        Text::new(ja, en)
    }

    /// The rule's outcome from its findings' statuses.
    pub fn from_statuses(statuses: impl IntoIterator<Item = Status>) -> Outcome {
        let (mut fail, mut insufficient, mut waived, mut alt, mut pass) =
            (false, false, false, false, false);
        for s in statuses {
            match s {
                Status::Fail => fail = true,
                Status::InsufficientEvidence => insufficient = true,
                Status::Waived => waived = true,
                Status::PassAlternative => alt = true,
                Status::Pass => pass = true,
                Status::Warn | Status::NotApplicable => {}
            }
        }
        if fail {
            Outcome::Fail
        } else if insufficient {
            Outcome::InsufficientEvidence
        } else if waived {
            Outcome::Waived
        } else if alt {
            Outcome::PassAlternative
        } else if pass {
            Outcome::Pass
        } else {
            Outcome::NotApplicable
        }
    }
}

impl std::str::FromStr for Outcome {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "`{s}` is not an outcome (expected one of: {})",
                    Outcome::ALL.map(Outcome::as_str).join(", ")
                )
            })
    }
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Subject {
    pub kind: String,
    pub id: String,
}

/// An evidence record that drove a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRef {
    pub section: String,
    pub locator: String,
}

/// A decision about one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub subject: Subject,
    pub status: Status,
    pub message: Text,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<EvidenceRef>,
}

/// Why a rule produced no decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleError {
    /// `fuel`, `memory`, `output`, `wall-clock`, `stack`: a limit; `panic`,
    /// `trap`, `rule`: the rule failed; `abi`: the module was refused before
    /// instantiation; `evidence`: the evidence does not meet the rule's needs.
    pub cause: String,
    pub message: String,
}

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
    pub error: Option<RuleError>,
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

/// The host that produced a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostInfo {
    pub version: String,
    pub rule_abi: String,
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

/// A module of the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleInfo {
    pub name: String,
    pub sha256: String,
    /// The rule ABI it was built against, if it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abi: Option<String>,
}

/// A pack a report ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackInfo {
    pub name: String,
    pub version: String,
    /// SHA-256 of the signed manifest (of the module list, for a directory).
    pub digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Key ids of the trusted signatures the pack was verified with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signed_by: Vec<String>,
    /// Run with `--allow-unsigned`: no publisher vouches for these results.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unsigned: bool,
    pub modules: Vec<ModuleInfo>,
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
