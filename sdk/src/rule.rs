//! What a rule declares about itself: identity, titles, force, the evidence it
//! reads and the parameters it takes. Declared as `const`s so that the host can
//! list a module's rules without evaluating anything.

use std::collections::BTreeMap;
use std::fmt;

use mizuchi_evidence::SectionKind;

use crate::{Ctx, Finding, RuleError};

/// A text in both report languages, fixed at compile time: a rule's title
/// and its parameters' descriptions. Example: [`Rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticText {
    /// Japanese.
    pub ja: &'static str,
    /// English.
    pub en: &'static str,
}

pub use mizuchi_evidence::verdict::{Force, ParamValue};

/// An evidence section a rule reads and the evidence-format versions it
/// understands; a rule can read no section it does not need. Example: [`Rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// The section.
    pub section: SectionName,
    /// A semver requirement on the bundle's format version, e.g. `^2.0`.
    pub format: &'static str,
}

/// The section a [`Need`] names: an official one, typed by the evidence
/// crate, or one a rule pack defines with a JSON Schema of its own
/// (`x-<publisher>.<name>`), read with [`Ctx::extension`](crate::Ctx::extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SectionName {
    /// An official section.
    Official(SectionKind),
    /// A section a pack defines, e.g. `x-acme.screen-lock`.
    Extension(&'static str),
}

impl SectionName {
    /// The name used in manifests and the ABI.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionName::Official(kind) => kind.as_str(),
            SectionName::Extension(name) => name,
        }
    }
}

impl Need {
    /// A need for `section` in format 2.x, the evidence format whose types
    /// this SDK reads (`mizuchi_evidence::FORMAT_VERSION`).
    pub const fn v2(section: SectionKind) -> Need {
        Need {
            section: SectionName::Official(section),
            format: "^2.0",
        }
    }

    /// A need for the extension section `name` (`x-<publisher>.<name>`),
    /// which the rule's own pack defines with a JSON Schema. Bundles list
    /// extension files from format 2.1; a 2.0 bundle is read too, and holds
    /// none (the section is absent). The host refuses a module whose name
    /// is not a valid extension name. Example: [`Ctx::extension`](crate::Ctx::extension).
    pub const fn extension(name: &'static str) -> Need {
        Need {
            section: SectionName::Extension(name),
            format: "^2.0",
        }
    }
}

/// The default value, and so the type, of a parameter. Example: [`Rule`],
/// and a rule reading it: [`Ctx`](crate::Ctx).
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

/// A parameter a utility may tailor (`--param RULE.KEY=VALUE`; the value
/// used is signed with the result). Example: [`Rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// The parameter's key, as utilities set it (`RULE.KEY=VALUE`).
    pub key: &'static str,
    /// Its default, which also gives its type.
    pub default: ParamDefault,
    /// What it means, in both languages.
    pub description: StaticText,
}

/// The parameters in force, by key ([`Ctx::params`](crate::Ctx::params)).
pub type Params = BTreeMap<String, ParamValue>;

/// The function that evaluates a rule: evidence in through the [`Ctx`](crate::Ctx),
/// one finding per subject out. Example: [`Rule`].
pub type EvalFn = fn(&mut Ctx<'_>) -> Result<Vec<Finding>, RuleError>;

/// A rule: its declaration and the function that evaluates it.
///
/// ```
/// use mizuchi_sdk::prelude::*;
///
/// /// Contracts name the contractor's person in charge.
/// pub const RULE: Rule = Rule {
///     id: "ACME-CON-01",
///     version: "1.0.0",
///     title: StaticText { ja: "委託先の責任者", en: "The contractor's person in charge" },
///     section: "5.6",
///     force: Force::Recommended,
///     needs: &[Need::v2(SectionKind::Contracts)],
///     params: &[ParamSpec {
///         key: "strict",
///         default: ParamDefault::Boolean(false),
///         description: StaticText { ja: "厳格に判定する", en: "Judge strictly" },
///     }],
///     eval: evaluate,
/// };
///
/// fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
///     let _strict = ctx.flag("strict")?;
///     let contracts: Contracts = ctx.document()?.unwrap_or_default();
///     Ok(vec![Finding::pass(
///         Subject::organisation(),
///         text!(ja: "{} 件", contracts.contracts.len(); en: "{} contracts", contracts.contracts.len()),
///     )])
/// }
///
/// assert!(RULE.reads(SectionKind::Contracts));
/// assert!(!RULE.reads(SectionKind::Inventory));
/// let params = RULE.resolve_params(&[("strict".into(), ParamValue::Boolean(true))]).unwrap();
/// assert_eq!(params["strict"], ParamValue::Boolean(true));
/// assert!(RULE.resolve_params(&[("nope".into(), ParamValue::Boolean(true))]).is_err());
/// ```
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
        self.needs
            .iter()
            .any(|n| n.section == SectionName::Official(section))
    }

    /// The rule declared that it reads the extension section `name`.
    pub fn reads_extension(&self, name: &str) -> bool {
        self.needs
            .iter()
            .any(|n| matches!(n.section, SectionName::Extension(e) if e == name))
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
