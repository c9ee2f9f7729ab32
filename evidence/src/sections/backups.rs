//! Backups and restore tests (guideline 4.5, 5.4.5).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Date, Timestamp};

/// `backups.json`.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Backups {
    #[serde(default)]
    /// Runs of backup jobs.
    pub runs: Vec<BackupRun>,
    #[serde(default)]
    /// Tests of restoring from a backup.
    pub restore_tests: Vec<RestoreTest>,
}

/// One run of a backup job.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BackupRun {
    /// The system backed up (a system id).
    pub system: String,
    #[serde(default)]
    /// The backup job's name.
    pub job: Option<String>,
    #[serde(with = "crate::time::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "Timestamp"))]
    /// When the run ended (RFC 3339; stored in UTC).
    pub finished_at: Timestamp,
    /// How the run ended.
    pub status: RunStatus,
    /// Where the copy is kept.
    pub destination: BackupDestination,
}

/// Result of a job.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RunStatus {
    /// Every item was copied.
    Success,
    /// Some items were copied, some not.
    Partial,
    /// Nothing usable was copied.
    Failed,
}

/// Where a backup copy is kept.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BackupDestination {
    /// The site holding the copy (a site id), or `None` for a cloud service.
    #[serde(default)]
    pub site: Option<String>,
    /// The disaster region of the copy, when no site is given (cloud region).
    #[serde(default)]
    pub region: Option<String>,
    /// What the copy is on.
    pub medium: BackupMedium,
}

/// Media for backups.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum BackupMedium {
    /// A disk or disk array.
    Disk,
    /// A tape.
    Tape,
    /// An optical disc.
    Optical,
    /// A cloud storage service.
    Cloud,
    /// Removable disk kept offline.
    Offline,
}

/// A test that a backup can be restored.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RestoreTest {
    /// The system restored (a system id).
    pub system: String,
    /// The day of the test.
    pub tested_on: Date,
    /// The restore worked.
    pub succeeded: bool,
    #[serde(default)]
    /// What was restored, and how.
    pub notes: Option<String>,
}
