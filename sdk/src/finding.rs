//! What a rule returns: one finding per subject it decided about.

use mizuchi_evidence::{SectionKind, Text};

/// The decision about one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Status {
    /// The requirement is met.
    Pass,
    /// The requirement is met through an alternative measure the guideline
    /// accepts; the message says which.
    PassAlternative,
    /// The requirement is not met.
    Fail,
    /// Advice that does not decide the rule.
    Warn,
    /// Nothing in scope.
    NotApplicable,
    /// The evidence needed to decide is missing or ambiguous.
    InsufficientEvidence,
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Subject {
    /// `asset`, `network`, `account`, `person`, `contract`, `system`, `area`,
    /// `remote-access`, `organisation`, ...
    pub kind: String,
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

    pub fn asset(id: impl Into<String>) -> Self {
        Self::new("asset", id)
    }

    pub fn network(id: impl Into<String>) -> Self {
        Self::new("network", id)
    }

    pub fn account(id: impl Into<String>) -> Self {
        Self::new("account", id)
    }

    pub fn person(id: impl Into<String>) -> Self {
        Self::new("person", id)
    }

    pub fn contract(id: impl Into<String>) -> Self {
        Self::new("contract", id)
    }

    pub fn system(id: impl Into<String>) -> Self {
        Self::new("system", id)
    }

    pub fn area(id: impl Into<String>) -> Self {
        Self::new("area", id)
    }

    /// The utility as a whole, for organisational requirements.
    pub fn organisation() -> Self {
        Self::new("organisation", "utility")
    }
}

/// An evidence record that drove a finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EvidenceRef {
    pub section: String,
    /// A record id, a JSON path, or `file:line` for event logs.
    pub locator: String,
}

/// A decision about one subject, with its reasons in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub subject: Subject,
    pub status: Status,
    pub message: Text,
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

    pub fn pass(subject: Subject, message: Text) -> Self {
        Self::new(subject, Status::Pass, message)
    }

    pub fn pass_alternative(subject: Subject, message: Text) -> Self {
        Self::new(subject, Status::PassAlternative, message)
    }

    pub fn fail(subject: Subject, message: Text) -> Self {
        Self::new(subject, Status::Fail, message)
    }

    pub fn warn(subject: Subject, message: Text) -> Self {
        Self::new(subject, Status::Warn, message)
    }

    pub fn not_applicable(subject: Subject, message: Text) -> Self {
        Self::new(subject, Status::NotApplicable, message)
    }

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

/// Builds a [`Text`] from a Japanese and an English format string, each with
/// the `format!` syntax and captured or trailing arguments.
///
/// ```
/// # use mizuchi_sdk::text;
/// let host = "HMI-01";
/// let t = text!(ja: "{host} に認証機能がありません", en: "{host} has no authentication");
/// assert_eq!(t.en, "HMI-01 has no authentication");
/// ```
#[macro_export]
macro_rules! text {
    (ja: $ja:literal $(, $jarg:expr)* ; en: $en:literal $(, $earg:expr)* $(,)?) => {
        $crate::Text::new(format!($ja $(, $jarg)*), format!($en $(, $earg)*))
    };
    (ja: $ja:literal, en: $en:literal $(,)?) => {
        $crate::Text::new(format!($ja), format!($en))
    };
}
