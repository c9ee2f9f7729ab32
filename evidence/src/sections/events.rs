//! Event logs, one JSON object per line: authentication events and door-entry
//! events. See [`crate::stream`] for how rules read them.

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// One line of an `auth-events` log: a log-on, a failure, a lockout, an
/// account change, or an alert, from Windows, sshd or any other system.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AuthEvent {
    /// When it happened (RFC 3339; stored in UTC).
    #[serde(with = "crate::time::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "Timestamp"))]
    pub time: Timestamp,
    /// What happened.
    pub kind: AuthKind,
    /// The system that recorded the event (host name as logged).
    pub system: String,
    /// The account name as logged (without domain). For an account change,
    /// group change or lockout: the account changed (the target).
    pub account: String,
    /// The account's domain, if logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Source address or host of the attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Windows logon type (2 interactive, 3 network, 10 remote interactive, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logon_type: Option<u8>,
    /// Windows failure status, hexadecimal as Windows shows it (`0xC000006D`).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "hex_code")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<HexCode>"))]
    pub status: Option<u32>,
    /// Windows failure sub-status (`0xC000006A`: wrong password).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "hex_code")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<HexCode>"))]
    pub sub_status: Option<u32>,
    /// Authentication method, e.g. `password` or `publickey` for sshd.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Who made an account or group change, or cleared the log (the
    /// Windows subject account), when it is not the account itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The group, for a group membership change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The Windows event id the event came from (4624, 4625, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<u32>,
    /// The record's number in the source log: for Windows, the
    /// EventRecordID (at most 2^53 − 1, so that every JSON reader holds it
    /// exactly).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::common::exact_u64"
    )]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<u64>", range(max = 9_007_199_254_740_991u64))
    )]
    pub record_id: Option<u64>,
}

/// What an authentication event records.
///
/// Windows events map by their id (and, for 104, the System channel); sshd
/// lines by their message. The id a record came from stays in `event_id`.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AuthKind {
    /// A successful log-on (Windows 4624; sshd `Accepted`).
    LogonSuccess,
    /// A failed log-on: Windows 4625, a Kerberos pre-authentication failure
    /// (4771) or ticket request failure (4768 with a failure code), an NTLM
    /// credential validation failure (4776 with a non-zero status); sshd
    /// `Failed`, `Invalid user`, `Failed none`.
    LogonFailure,
    /// A log-on with explicit credentials, as `runas` does (Windows 4648).
    ExplicitCredentials,
    /// The account was locked out (Windows 4740; PAM faillock).
    Lockout,
    /// The account was unlocked (Windows 4767).
    Unlock,
    /// The account was created (Windows 4720).
    AccountCreated,
    /// The account was enabled (Windows 4722).
    AccountEnabled,
    /// The account's owner tried to change its password (Windows 4723).
    PasswordChange,
    /// Someone reset the account's password (Windows 4724).
    PasswordReset,
    /// The account was disabled (Windows 4725).
    AccountDisabled,
    /// The account was deleted (Windows 4726).
    AccountDeleted,
    /// The account was changed (Windows 4738).
    AccountChanged,
    /// The account was added to a group (Windows 4728, 4732, 4756).
    GroupMemberAdded,
    /// The account was removed from a group (Windows 4729, 4733, 4757).
    GroupMemberRemoved,
    /// The audit log was cleared (Windows Security 1102, System 104).
    LogCleared,
    /// The event logging service stopped (Windows 1100).
    LoggingStopped,
    /// An administrator was alerted about failed logons.
    Alert,
}

impl AuthKind {
    /// Every kind, in a fixed order.
    pub const ALL: [AuthKind; 17] = [
        AuthKind::LogonSuccess,
        AuthKind::LogonFailure,
        AuthKind::ExplicitCredentials,
        AuthKind::Lockout,
        AuthKind::Unlock,
        AuthKind::AccountCreated,
        AuthKind::AccountEnabled,
        AuthKind::PasswordChange,
        AuthKind::PasswordReset,
        AuthKind::AccountDisabled,
        AuthKind::AccountDeleted,
        AuthKind::AccountChanged,
        AuthKind::GroupMemberAdded,
        AuthKind::GroupMemberRemoved,
        AuthKind::LogCleared,
        AuthKind::LoggingStopped,
        AuthKind::Alert,
    ];

    /// The name used in the JSON form.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::LogonSuccess => "logon-success",
            AuthKind::LogonFailure => "logon-failure",
            AuthKind::ExplicitCredentials => "explicit-credentials",
            AuthKind::Lockout => "lockout",
            AuthKind::Unlock => "unlock",
            AuthKind::AccountCreated => "account-created",
            AuthKind::AccountEnabled => "account-enabled",
            AuthKind::PasswordChange => "password-change",
            AuthKind::PasswordReset => "password-reset",
            AuthKind::AccountDisabled => "account-disabled",
            AuthKind::AccountDeleted => "account-deleted",
            AuthKind::AccountChanged => "account-changed",
            AuthKind::GroupMemberAdded => "group-member-added",
            AuthKind::GroupMemberRemoved => "group-member-removed",
            AuthKind::LogCleared => "log-cleared",
            AuthKind::LoggingStopped => "logging-stopped",
            AuthKind::Alert => "alert",
        }
    }

    /// The kind's number in the event encoding (its place in [`Self::ALL`]).
    pub fn code(self) -> u8 {
        // ALL has 17 entries: the position always fits.
        Self::ALL.iter().position(|k| *k == self).unwrap_or(0) as u8
    }

    /// The kind numbered `code` in the event encoding.
    pub fn from_code(code: u8) -> Option<AuthKind> {
        Self::ALL.get(usize::from(code)).copied()
    }
}

/// One line of a `door-events` log.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DoorEvent {
    /// When it happened (RFC 3339; stored in UTC).
    #[serde(with = "crate::time::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "Timestamp"))]
    pub time: Timestamp,
    /// The area the door leads into (an area id).
    pub area: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The door or reader.
    pub door: Option<String>,
    /// The person, when the controller knows who holds the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// The card or badge presented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<String>,
    /// The visitor ledger entry, for a visitor badge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor: Option<String>,
    /// Whether the door opened.
    pub result: DoorResult,
    #[serde(default)]
    /// Entry or exit, if the reader tells.
    pub direction: Direction,
}

/// Whether the door opened.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DoorResult {
    /// The door opened.
    Granted,
    /// The door stayed shut.
    Denied,
}

/// Entry or exit.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Direction {
    /// Into the area.
    Entry,
    /// Out of the area.
    Exit,
    #[default]
    /// The reader does not tell.
    Unknown,
}

/// A 32-bit code written as `0x` and up to eight hexadecimal digits.
#[cfg(feature = "schema")]
#[derive(JsonSchema)]
#[schemars(transparent)]
#[allow(dead_code)]
struct HexCode(#[schemars(regex(pattern = r"^0[xX][0-9A-Fa-f]{1,8}$"))] String);

pub(crate) use hex_code::parse as parse_hex_code;

/// Serde for optional 32-bit codes as `0x...` strings.
mod hex_code {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(super) fn serialize<S: Serializer>(v: &Option<u32>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(code) => s.serialize_str(&format!("0x{code:08X}")),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        let Some(text) = Option::<std::borrow::Cow<'de, str>>::deserialize(d)? else {
            return Ok(None);
        };
        parse(&text).map(Some).ok_or_else(|| {
            D::Error::custom(format!(
                "`{text}` is not a hexadecimal code like `0xC000006D`"
            ))
        })
    }

    /// Parses `0xC000006D` (any case): `0x`, then one to eight hexadecimal
    /// digits and nothing else (the schema's pattern; `from_str_radix`
    /// alone would also take a sign).
    pub(crate) fn parse(text: &str) -> Option<u32> {
        let digits = text
            .strip_prefix("0x")
            .or_else(|| text.strip_prefix("0X"))?;
        if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_are_hex_strings() {
        let line = r#"{"time":"2026-04-01T00:00:00Z","kind":"logon-failure","system":"HMI-01","account":"op1","status":"0xc000006d","sub_status":"0xC000006A"}"#;
        let ev: AuthEvent = serde_json::from_str(line).unwrap();
        assert_eq!(ev.status, Some(0xC000_006D));
        assert_eq!(ev.sub_status, Some(0xC000_006A));
        let back = serde_json::to_string(&ev).unwrap();
        assert!(back.contains(r#""status":"0xC000006D""#), "{back}");
    }

    #[test]
    fn a_malformed_status_names_the_value() {
        let line = r#"{"time":"2026-04-01T00:00:00Z","kind":"logon-failure","system":"a","account":"b","status":"C000006D"}"#;
        let err = serde_json::from_str::<AuthEvent>(line).unwrap_err();
        assert!(err.to_string().contains("`C000006D`"), "{err}");
    }
}
