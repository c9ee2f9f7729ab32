//! The bundle manifest: what a bundle is, whose it is, and which files it holds.

use std::fmt;
use std::str::FromStr;

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Date, Text};

/// The `format` every manifest names.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the manifest](crate#the-manifest).")]
pub const FORMAT_NAME: &str = "mizuchi-evidence";

/// The version of the bundle format this crate reads and writes.
///
/// Minor versions add optional fields or sections; a major version changes or
/// removes something. Rules state which versions they understand.
///
/// 2.1.0 added `extensions`: sections a rule pack defines.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the manifest](crate#the-manifest).")]
pub const FORMAT_VERSION: &str = "2.1.0";

/// `manifest.json`, at the root of every bundle.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the manifest](crate#the-manifest).")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always `mizuchi-evidence`.
    pub format: String,
    /// Semver version of the bundle format, e.g. `2.0.0`.
    pub format_version: String,
    /// The utility the evidence describes.
    pub utility: Utility,
    /// When the evidence was collected.
    pub collected_on: Date,
    /// The assessment date used unless one is given when evaluating.
    pub assessment_date: Date,
    /// Every file of the bundle with its section and digest.
    #[serde(default)]
    pub files: Vec<FileEntry>,
    /// Files of sections that rule packs define (`x-acme.screen-lock`),
    /// checked against the schema the defining pack ships (since 2.1.0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<ExtensionEntry>,
}

/// One file of an extension section: a JSON document whose shape the pack
/// that defines the section states in a JSON Schema.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the manifest](crate#the-manifest).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtensionEntry {
    /// Path relative to the bundle root, with `/` separators.
    pub path: String,
    /// The section, `x-<namespace>.<name>`.
    pub section: ExtensionName,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// The name of a section a rule pack defines: `x-<namespace>.<name>`, for
/// example `x-acme.screen-lock`. The namespace is the defining pack's
/// publisher in lower case; both parts are lower-case ASCII letters and
/// digits in words joined by single hyphens, starting with a letter. The
/// official sections' names never start with `x-`, so no extension can
/// stand for one of them.
///
/// ```
/// use mizuchi_evidence::ExtensionName;
/// let name: ExtensionName = "x-acme.screen-lock".parse()?;
/// assert_eq!(name.namespace(), "acme");
/// assert!("inventory".parse::<ExtensionName>().is_err());
/// # Ok::<(), mizuchi_evidence::BadExtensionName>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ExtensionName(String);

/// Longest extension name accepted.
const MAX_EXTENSION_NAME: usize = 64;

/// The text is not an extension section name.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the manifest](crate#the-manifest).")]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct BadExtensionName(pub String);

impl BadExtensionName {
    fn describe(&self) -> String {
        let name = &self.0;
        if name.parse::<SectionKind>().is_ok() {
            format!(
                "`{name}` is an official evidence section, which a pack cannot define or redefine; name the pack's own section `x-<publisher>.<name>`, e.g. `x-acme.{name}`"
            )
        } else {
            format!(
                "`{name}` is not an extension section name; write `x-<publisher>.<name>` in lower-case letters, digits and single hyphens, at most {MAX_EXTENSION_NAME} characters, e.g. `x-acme.screen-lock`"
            )
        }
    }
}

/// Lower-case ASCII words of letters and digits joined by single hyphens,
/// starting with a letter.
fn is_word_list(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

impl ExtensionName {
    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The namespace: the part between `x-` and the first `.`.
    pub fn namespace(&self) -> &str {
        self.0[2..].split_once('.').map_or("", |(ns, _)| ns)
    }
}

impl FromStr for ExtensionName {
    type Err = BadExtensionName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = s.len() <= MAX_EXTENSION_NAME
            && s.strip_prefix("x-")
                .and_then(|rest| rest.split_once('.'))
                .is_some_and(|(ns, name)| is_word_list(ns) && is_word_list(name));
        if ok {
            Ok(ExtensionName(s.to_owned()))
        } else {
            Err(BadExtensionName(s.to_owned()))
        }
    }
}

impl TryFrom<String> for ExtensionName {
    type Error = BadExtensionName;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ExtensionName> for String {
    fn from(n: ExtensionName) -> String {
        n.0
    }
}

impl fmt::Display for ExtensionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "schema")]
impl JsonSchema for ExtensionName {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ExtensionName".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A section a rule pack defines: `x-<publisher>.<name>`.",
            "pattern": "^x-[a-z][a-z0-9]*(-[a-z0-9]+)*\\.[a-z][a-z0-9]*(-[a-z0-9]+)*$",
            "maxLength": MAX_EXTENSION_NAME,
        })
    }
}

/// The water utility (水道事業者等) the bundle belongs to.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the manifest](crate#the-manifest).")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Utility {
    /// A stable identifier, e.g. the utility's registration number.
    pub id: String,
    /// The utility's name in both languages.
    pub name: Text,
}

/// One file of the bundle.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the manifest](crate#the-manifest).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Path relative to the bundle root, with `/` separators.
    pub path: String,
    /// The section the file holds.
    pub kind: SectionKind,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Where the file's records came from, when an importer wrote them
    /// (none for a file written by hand and added).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    /// The SHA-256 the file had when an importer last wrote it. A file
    /// whose `sha256` differs was edited by hand since, and an import that
    /// would overwrite those edits refuses unless told to replace them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_sha256: Option<String>,
}

/// An input an importer read into a bundle file.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the manifest](crate#the-manifest).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The importer (`evtx`, `sshd`, `sheet`, …).
    pub importer: String,
    /// The input's file name (and sheet, for a workbook), as given.
    pub input: String,
    /// Lower-case hex SHA-256 of the input's bytes.
    pub input_sha256: String,
    /// For a document: the tables of the section this input filled
    /// (`assets`, `systems`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<String>,
    /// What the importer assumed or was told that changes the records:
    /// `year` of a year-less log, `utc_offset`, `system`, `encoding`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub assumed: std::collections::BTreeMap<String, String>,
    /// Records written.
    pub records: u64,
}

/// Whether a section is one JSON document or a JSON Lines log: every section
/// is one or the other.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the manifest](crate#the-manifest).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionShape {
    /// One JSON document per section; at most one file.
    Document,
    /// JSON Lines, one record per line; any number of files, read in manifest order.
    Log,
}

/// The sections of a bundle.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the manifest](crate#the-manifest).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SectionKind {
    /// Asset inventory and systems ([`crate::Inventory`]).
    Inventory,
    /// Networks, links and remote-access paths ([`crate::Networks`]).
    Networks,
    /// Sites and controlled areas ([`crate::Sites`]).
    Sites,
    /// The roster of people ([`crate::People`]).
    People,
    /// Accounts on systems ([`crate::Accounts`]).
    Accounts,
    /// Authentication events, JSON Lines ([`crate::AuthEvent`]).
    AuthEvents,
    /// Door-entry events, JSON Lines ([`crate::DoorEvent`]).
    DoorEvents,
    /// Area authorisations and the visitor ledger ([`crate::AreaAccess`]).
    AreaAccess,
    /// Contractor contracts ([`crate::Contracts`]).
    Contracts,
    /// Backup runs and restore tests ([`crate::Backups`]).
    Backups,
    /// Training records ([`crate::Training`]).
    Training,
    /// Governance records ([`crate::Governance`]).
    Governance,
}

impl SectionKind {
    /// Every section, in the order reports list them.
    pub const ALL: [SectionKind; 12] = [
        SectionKind::Inventory,
        SectionKind::Networks,
        SectionKind::Sites,
        SectionKind::People,
        SectionKind::Accounts,
        SectionKind::AuthEvents,
        SectionKind::DoorEvents,
        SectionKind::AreaAccess,
        SectionKind::Contracts,
        SectionKind::Backups,
        SectionKind::Training,
        SectionKind::Governance,
    ];

    /// The name used in manifests, rule declarations and the ABI.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Inventory => "inventory",
            SectionKind::Networks => "networks",
            SectionKind::Sites => "sites",
            SectionKind::People => "people",
            SectionKind::Accounts => "accounts",
            SectionKind::AuthEvents => "auth-events",
            SectionKind::DoorEvents => "door-events",
            SectionKind::AreaAccess => "area-access",
            SectionKind::Contracts => "contracts",
            SectionKind::Backups => "backups",
            SectionKind::Training => "training",
            SectionKind::Governance => "governance",
        }
    }

    /// Document or log.
    pub fn shape(self) -> SectionShape {
        match self {
            SectionKind::AuthEvents | SectionKind::DoorEvents => SectionShape::Log,
            _ => SectionShape::Document,
        }
    }

    /// The file name a section gets when a bundle is written.
    pub fn default_file_name(self) -> String {
        match self.shape() {
            SectionShape::Log => format!("{}.jsonl", self.as_str()),
            SectionShape::Document => format!("{}.json", self.as_str()),
        }
    }

    /// The section's name in both languages, for reports.
    pub fn title(self) -> Text {
        let (ja, en) = match self {
            SectionKind::Inventory => ("資産台帳", "asset inventory"),
            SectionKind::Networks => ("ネットワーク構成", "networks and links"),
            SectionKind::Sites => ("拠点・管理区域", "sites and controlled areas"),
            SectionKind::People => ("職員名簿", "people"),
            SectionKind::Accounts => ("アカウント", "accounts"),
            SectionKind::AuthEvents => ("認証ログ", "authentication events"),
            SectionKind::DoorEvents => ("入退室ログ", "door-entry events"),
            SectionKind::AreaAccess => ("入室許可・来訪者台帳", "area authorisations and visitors"),
            SectionKind::Contracts => ("委託契約", "contracts"),
            SectionKind::Backups => ("バックアップ", "backups"),
            SectionKind::Training => ("教育・訓練記録", "training records"),
            SectionKind::Governance => ("組織統治記録", "governance records"),
        };
        Text::new(ja, en)
    }
}

impl fmt::Display for SectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not the name of a section.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [the manifest](crate#the-manifest).")]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an evidence section (expected one of: {names})", names = section_names())]
pub struct UnknownSection(pub String);

fn section_names() -> String {
    SectionKind::ALL.map(SectionKind::as_str).join(", ")
}

impl FromStr for SectionKind {
    type Err = UnknownSection;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SectionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownSection(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_names_round_trip_through_serde_and_from_str() {
        for kind in SectionKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(kind.as_str().parse::<SectionKind>().unwrap(), kind);
        }
        let err = "logs".parse::<SectionKind>().unwrap_err();
        assert!(err.to_string().contains("`logs`"));
        assert!(err.to_string().contains("auth-events"));
    }

    #[test]
    fn extension_names_are_namespaced_and_never_official() {
        for good in ["x-acme.screen-lock", "x-a1.b", "x-water-co.hmi-2"] {
            let n: ExtensionName = good.parse().unwrap();
            assert_eq!(n.as_str(), good);
        }
        assert_eq!(
            "x-water-co.hmi"
                .parse::<ExtensionName>()
                .unwrap()
                .namespace(),
            "water-co"
        );
        for bad in [
            "inventory",
            "x-acme",
            "x-.lock",
            "x-acme.",
            "x-Acme.lock",
            "x-acme.screen--lock",
            "x-acme.screen-lock-",
            "x-1acme.lock",
            "x-acme.lock.more",
            "acme.lock",
        ] {
            assert!(bad.parse::<ExtensionName>().is_err(), "{bad}");
        }
        let long = format!("x-acme.{}", "a".repeat(60));
        assert!(long.parse::<ExtensionName>().is_err());
        let official = "inventory"
            .parse::<ExtensionName>()
            .unwrap_err()
            .to_string();
        assert!(official.contains("official evidence section"), "{official}");
        let json: Result<ExtensionName, _> = serde_json::from_str("\"accounts\"");
        assert!(json.is_err());
    }

    #[test]
    fn logs_are_jsonl_and_documents_are_json() {
        assert_eq!(
            SectionKind::AuthEvents.default_file_name(),
            "auth-events.jsonl"
        );
        assert_eq!(SectionKind::Inventory.default_file_name(), "inventory.json");
    }
}
