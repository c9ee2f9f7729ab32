//! What a rule declares about itself: identity, titles, force, the evidence it
//! reads and the parameters it takes. Declared as `const`s so that the host can
//! list a module's rules without evaluating anything.

use std::collections::BTreeMap;
use std::fmt;

use mizuchi_evidence::SectionKind;

use crate::{Ctx, Finding, RuleError};

/// A text in both report languages, fixed at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticText {
    /// Japanese.
    pub ja: &'static str,
    /// English.
    pub en: &'static str,
}

pub use mizuchi_evidence::verdict::{Force, ParamValue};

/// An evidence section a rule reads and the evidence-format versions it understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// The section.
    pub section: SectionKind,
    /// A semver requirement on the bundle's format version, e.g. `^2.0`.
    pub format: &'static str,
}

impl Need {
    /// A need for `section` in format 2.x, the evidence format whose types
    /// this SDK reads (`mizuchi_evidence::FORMAT_VERSION`).
    pub const fn v2(section: SectionKind) -> Need {
        Need {
            section,
            format: "^2.0",
        }
    }
}

/// The default value, and so the type, of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamDefault {
    /// An integer, and its default.
    Integer(i64),
    /// A boolean, and its default.
    Boolean(bool),
    /// A text, and its default.
    Text(&'static str),
    /// A list of texts, and its default.
    TextList(&'static [&'static str]),
}

impl ParamDefault {
    /// The default as a value.
    pub fn to_value(self) -> ParamValue {
        match self {
            ParamDefault::Integer(v) => ParamValue::Integer(v),
            ParamDefault::Boolean(v) => ParamValue::Boolean(v),
            ParamDefault::Text(v) => ParamValue::Text(v.to_owned()),
            ParamDefault::TextList(v) => {
                ParamValue::TextList(v.iter().map(|s| (*s).to_owned()).collect())
            }
        }
    }
}

/// A parameter a utility may tailor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// The parameter's key, as utilities set it (`RULE.KEY=VALUE`).
    pub key: &'static str,
    /// Its default, which also gives its type.
    pub default: ParamDefault,
    /// What it means, in both languages.
    pub description: StaticText,
}

/// The parameters in force, by key.
pub type Params = BTreeMap<String, ParamValue>;

/// The function that evaluates a rule.
pub type EvalFn = fn(&mut Ctx<'_>) -> Result<Vec<Finding>, RuleError>;

/// A rule: its declaration and the function that evaluates it.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Stable identifier, e.g. `MLIT-ORD-01`.
    pub id: &'static str,
    /// Semver version of the rule's logic; bump it whenever a decision can change.
    pub version: &'static str,
    /// The rule's title, in both languages.
    pub title: StaticText,
    /// The guideline section the rule derives from.
    pub section: &'static str,
    /// The legal force of what the rule checks.
    pub force: Force,
    /// The evidence sections the rule reads: it can read no other.
    pub needs: &'static [Need],
    /// The parameters a utility may tailor.
    pub params: &'static [ParamSpec],
    /// The function that evaluates the rule.
    pub eval: EvalFn,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl Rule {
    /// The rule declared that it reads `section`.
    pub fn reads(&self, section: SectionKind) -> bool {
        self.needs.iter().any(|n| n.section == section)
    }

    /// The declared parameters with their defaults, overridden by `overrides`.
    ///
    /// Fails on an unknown key or a value of the wrong type.
    pub fn resolve_params(&self, overrides: &[(String, ParamValue)]) -> Result<Params, RuleError> {
        let mut params: Params = self
            .params
            .iter()
            .map(|p| (p.key.to_owned(), p.default.to_value()))
            .collect();
        for (key, value) in overrides {
            let Some(slot) = params.get_mut(key) else {
                return Err(RuleError::UnknownParam(key.clone()));
            };
            if std::mem::discriminant(slot) != std::mem::discriminant(value) {
                return Err(RuleError::ParamType(key.clone()));
            }
            *slot = value.clone();
        }
        Ok(params)
    }
}
