//! Accounts on systems and assets (guideline 5.4.2).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Date;

/// `accounts.json`.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Accounts {
    #[serde(default)]
    /// Every account of every system.
    pub accounts: Vec<Account>,
}

/// A log-on account.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The account's id in this section (unique), e.g. `SCADA/operator`.
    pub id: String,
    /// The system or asset the account is on (a system id or an asset id).
    pub system: String,
    /// The log-on name as it appears in logs.
    pub name: String,
    /// Who the account is for. Absent: not recorded (an export of a
    /// directory often does not say).
    #[serde(default)]
    pub kind: Option<AccountKind>,
    /// The person the account belongs to (for `person` accounts).
    #[serde(default)]
    pub person: Option<String>,
    /// Administrator rights. Absent: not recorded.
    #[serde(default)]
    pub privileged: Option<bool>,
    /// The account can log on now. Absent: not recorded.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Multi-factor authentication is required. Absent: not recorded.
    #[serde(default)]
    pub mfa: Option<bool>,
    /// Why a service or shared account exists.
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    /// When the account was created.
    pub created_on: Option<Date>,
    #[serde(default)]
    /// When the account was disabled, if it is.
    pub disabled_on: Option<Date>,
    /// The last successful log-on known to the system.
    #[serde(default)]
    pub last_used_on: Option<Date>,
}

/// Who an account is for.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AccountKind {
    /// One named person.
    Person,
    /// A program or service, not a person.
    Service,
    /// Shared by several people (共有アカウント).
    Shared,
    /// Built into the system (`Administrator`, `root`, a vendor's default).
    BuiltIn,
}
