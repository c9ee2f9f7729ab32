//! Backups and restore tests (guideline 4.5, 5.4.5).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Date, Timestamp};

/// `backups.json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Backups {
    #[serde(default)]
    pub runs: Vec<BackupRun>,
    #[serde(default)]
    pub restore_tests: Vec<RestoreTest>,
}

/// One run of a backup job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BackupRun {
    /// The system backed up (a system id).
    pub system: String,
    #[serde(default)]
    pub job: Option<String>,
    #[serde(with = "crate::time::rfc3339")]
    #[cfg_attr(feature = "schema", schemars(with = "Timestamp"))]
    pub finished_at: Timestamp,
    pub status: RunStatus,
    /// Where the copy is kept.
    pub destination: BackupDestination,
}

/// Result of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RunStatus {
    Success,
    Partial,
    Failed,
}

/// Where a backup copy is kept.
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
    pub medium: BackupMedium,
}

/// Media for backups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum BackupMedium {
    Disk,
    Tape,
    Optical,
    Cloud,
    /// Removable disk kept offline.
    Offline,
}

/// A test that a backup can be restored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RestoreTest {
    pub system: String,
    pub tested_on: Date,
    pub succeeded: bool,
    #[serde(default)]
    pub notes: Option<String>,
}
