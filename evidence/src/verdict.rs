//! The vocabulary of decisions, shared by rules, the host and signed results:
//! a rule's legal force and parameters, the status of each finding, and the
//! outcome of a rule. One definition, so that what a rule returns, what the
//! host reports and what a ledger records can never drift apart.
//!
//! The enums mirror the rule ABI's (`sdk/wit/rule.wit`) and the signed record
//! format: a new variant is a change of both, so they are exhaustive.
//!
//! # Example
//!
//! ```
//! use mizuchi_evidence::{Finding, Outcome, SectionKind, Status, Subject, Text};
//!
//! let findings = [
//!     Finding::pass(Subject::asset("HMI-01"), Text::new("認証あり", "authenticates its users"))
//!         .because(SectionKind::Inventory, "assets[id=HMI-01].authentication"),
//!     Finding::insufficient(Subject::asset("HMI-02"), Text::new("記録なし", "not recorded")),
//! ];
//! assert_eq!(findings[0].refs[0].locator, "assets[id=HMI-01].authentication");
//! // A rule's outcome follows from its findings: nothing failed, something unknown.
//! let outcome = Outcome::from_statuses(findings.iter().map(|f| f.status));
//! assert_eq!(outcome, Outcome::InsufficientEvidence);
//! assert_eq!(Status::Fail.as_str(), "fail");
//! ```

use std::fmt;

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{SectionKind, Text};

/// The legal force of the requirement a rule checks.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the module](crate::verdict#example).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Force {
    /// A requirement of the ordinance on the technical standards of water
    /// facilities (遵守すべき技術的基準).
    Ordinance,
    /// A recommendation of the guideline (推奨事項).
    Recommended,
}

impl Force {
    /// The name used in reports and records.
    pub fn as_str(self) -> &'static str {
        match self {
            Force::Ordinance => "ordinance",
            Force::Recommended => "recommended",
        }
    }
}

/// The value of a rule parameter in force for one evaluation. In JSON it is
/// the plain value (`30`, `true`, `"text"`, `["rdp", "ssh"]`).
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the module](crate::verdict#example).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(untagged)]
pub enum ParamValue {
    /// An integer, within ±(2^53 − 1) so that every JSON reader holds it.
    Integer(i64),
    /// `true` or `false`.
    Boolean(bool),
    /// A text.
    Text(String),
    /// A list of texts.
    TextList(Vec<String>),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Integer(v) => write!(f, "{v}"),
            ParamValue::Boolean(v) => write!(f, "{v}"),
            ParamValue::Text(v) => f.write_str(v),
            ParamValue::TextList(v) => f.write_str(&v.join(",")),
        }
    }
}

/// The decision about one subject.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the module](crate::verdict#example).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The requirement is met.
    Pass,
    /// The requirement is met through an alternative measure the guideline
    /// accepts; the message says which.
    PassAlternative,
    /// The requirement is not met.
    Fail,
    /// Advice that does not decide the rule (for example support ending soon).
    Warn,
    /// Nothing in scope.
    NotApplicable,
    /// The evidence needed to decide is missing or ambiguous.
    InsufficientEvidence,
    /// A failure covered by a recorded risk acceptance. Only the host gives
    /// this status, from governance evidence; a rule cannot return it.
    Waived,
}

impl Status {
    /// The name used in reports and records.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::PassAlternative => "pass-alternative",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::NotApplicable => "not-applicable",
            Status::InsufficientEvidence => "insufficient-evidence",
            Status::Waived => "waived",
        }
    }
}

/// What a rule decided overall.
///
/// From the findings: any failure makes the rule fail; otherwise missing
/// evidence makes it insufficient; otherwise failures covered by risk
/// acceptances make it waived; otherwise it passes (through an alternative
/// measure if any subject needed one); with nothing in scope it is not
/// applicable. A rule that could not run is an error.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the module](crate::verdict#example).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every subject passed.
    Pass,
    /// Pass, relying on an alternative measure for at least one subject.
    PassAlternative,
    /// At least one subject failed.
    Fail,
    /// Nothing in scope.
    NotApplicable,
    /// The evidence needed to decide is missing or ambiguous.
    InsufficientEvidence,
    /// The rule could not run.
    Error,
    /// Every failure is covered by a recorded risk acceptance.
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

    /// The name used in reports and records.
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

/// A name that is not an outcome.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the module](crate::verdict#example).")]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an outcome (expected one of: {names})", names = Outcome::ALL.map(Outcome::as_str).join(", "))]
pub struct UnknownOutcome(pub String);

impl std::str::FromStr for Outcome {
    type Err = UnknownOutcome;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| UnknownOutcome(s.to_owned()))
    }
}

/// What a finding is about.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the module](crate::verdict#example).")]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// `asset`, `network`, `account`, `person`, `contract`, `system`, `area`,
    /// `remote-access`, `organisation`, ...
    pub kind: String,
    /// The subject's id in its section, as the utility recorded it.
    pub id: String,
}

impl Subject {
    /// A subject of any kind.
    pub fn new(kind: impl Into<String>, id: impl Into<String>) -> Self {
        Subject {
            kind: kind.into(),
            id: id.into(),
        }
    }

    /// An asset of the inventory.
    pub fn asset(id: impl Into<String>) -> Self {
        Self::new("asset", id)
    }

    /// A network.
    pub fn network(id: impl Into<String>) -> Self {
        Self::new("network", id)
    }

    /// An account.
    pub fn account(id: impl Into<String>) -> Self {
        Self::new("account", id)
    }

    /// A person of the roster.
    pub fn person(id: impl Into<String>) -> Self {
        Self::new("person", id)
    }

    /// A contract.
    pub fn contract(id: impl Into<String>) -> Self {
        Self::new("contract", id)
    }

    /// A system of the inventory.
    pub fn system(id: impl Into<String>) -> Self {
        Self::new("system", id)
    }

    /// A controlled area.
    pub fn area(id: impl Into<String>) -> Self {
        Self::new("area", id)
    }

    /// The utility as a whole, for organisational requirements.
    pub fn organisation() -> Self {
        Self::new("organisation", "utility")
    }
}

/// An evidence record that drove a finding.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the module](crate::verdict#example).")]
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceRef {
    /// The section (or, for data shipped with a rule, its name).
    pub section: String,
    /// A record id, a JSON path, or `file:line` for event logs.
    pub locator: String,
}

/// A decision about one subject, with its reasons in both languages.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the module](crate::verdict#example).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// What the finding is about.
    pub subject: Subject,
    /// The decision.
    pub status: Status,
    /// Why, in Japanese and English.
    pub message: Text,
    /// The evidence records that drove it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<EvidenceRef>,
}

impl Finding {
    /// A finding with no evidence references yet.
    pub fn new(subject: Subject, status: Status, message: Text) -> Self {
        Finding {
            subject,
            status,
            message,
            refs: Vec::new(),
        }
    }

    /// The requirement is met.
    pub fn pass(subject: Subject, message: Text) -> Self {
        Self::new(subject, Status::Pass, message)
    }

    /// The requirement is met through an alternative measure.
    pub fn pass_alternative(subject: Subject, message: Text) -> Self {
        Self::new(subject, Status::PassAlternative, message)
    }

    /// The requirement is not met.
    pub fn fail(subject: Subject, message: Text) -> Self {
        Self::new(subject, Status::Fail, message)
    }

    /// Advice that does not decide the rule.
    pub fn warn(subject: Subject, message: Text) -> Self {
        Self::new(subject, Status::Warn, message)
    }

    /// Nothing in scope.
    pub fn not_applicable(subject: Subject, message: Text) -> Self {
        Self::new(subject, Status::NotApplicable, message)
    }

    /// The evidence needed to decide is missing or ambiguous.
    pub fn insufficient(subject: Subject, message: Text) -> Self {
        Self::new(subject, Status::InsufficientEvidence, message)
    }

    /// Adds a reference to the evidence record that drove the finding.
    pub fn because(mut self, section: SectionKind, locator: impl Into<String>) -> Self {
        self.refs.push(EvidenceRef {
            section: section.as_str().to_owned(),
            locator: locator.into(),
        });
        self
    }

    /// Adds a reference to data outside the bundle that drove the finding,
    /// such as a table shipped with the rule (`source` names it).
    pub fn citing(mut self, source: impl Into<String>, locator: impl Into<String>) -> Self {
        self.refs.push(EvidenceRef {
            section: source.into(),
            locator: locator.into(),
        });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_decides_then_missing_evidence_then_waivers() {
        use Status::*;
        let o = |s: &[Status]| Outcome::from_statuses(s.iter().copied());
        assert_eq!(o(&[Pass, Fail, InsufficientEvidence]), Outcome::Fail);
        assert_eq!(
            o(&[Pass, Waived, InsufficientEvidence]),
            Outcome::InsufficientEvidence
        );
        assert_eq!(o(&[Pass, Waived]), Outcome::Waived);
        assert_eq!(o(&[Pass, PassAlternative]), Outcome::PassAlternative);
        assert_eq!(o(&[Pass, Warn]), Outcome::Pass);
        assert_eq!(o(&[Warn, NotApplicable]), Outcome::NotApplicable);
        assert_eq!("waived".parse::<Outcome>(), Ok(Outcome::Waived));
        assert!("ok".parse::<Outcome>().is_err());
        for s in [
            Pass,
            PassAlternative,
            Fail,
            Warn,
            NotApplicable,
            InsufficientEvidence,
            Waived,
        ] {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
    }
}
