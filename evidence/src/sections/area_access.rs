//! Who may enter which controlled area, and the visitor ledger (guideline 5.3.1).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Date;

/// `area-access.json`.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AreaAccess {
    #[serde(default)]
    /// Who may enter which area, and when.
    pub authorisations: Vec<AreaAuthorisation>,
    #[serde(default)]
    /// The visitor ledger (入退室管理簿の来訪者記録).
    pub visitors: Vec<Visit>,
}

/// Permission for a person to enter an area.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AreaAuthorisation {
    /// The person (a person id).
    pub person: String,
    /// The area (an area id).
    pub area: String,
    /// The card or badge issued for it, as door controllers log it.
    #[serde(default)]
    pub card: Option<String>,
    /// First day of the authorisation.
    pub from: Date,
    /// Last day of validity, if limited.
    #[serde(default)]
    pub until: Option<Date>,
    /// The day it was revoked, if it was.
    #[serde(default)]
    pub revoked_on: Option<Date>,
}

impl AreaAuthorisation {
    /// The authorisation allows entry on `date`.
    pub fn is_valid_on(&self, date: Date) -> bool {
        self.from <= date
            && self.until.is_none_or(|u| date <= u)
            && self.revoked_on.is_none_or(|r| date < r)
    }
}

/// An entry in the visitor ledger.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// The visit's id in the ledger (unique); door events name it as `visitor`.
    pub id: String,
    /// The visitor's name.
    pub name: String,
    #[serde(default)]
    /// The visitor's company or organisation.
    pub organisation: Option<String>,
    /// The area visited (an area id).
    pub area: String,
    /// The day of the visit.
    pub date: Date,
    /// The visitor badge logged by door controllers.
    #[serde(default)]
    pub badge: Option<String>,
    /// The member of staff who escorted the visitor (a person id).
    #[serde(default)]
    pub escort: Option<String>,
    #[serde(default)]
    /// Why the visitor came.
    pub purpose: Option<String>,
}
