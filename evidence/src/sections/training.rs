//! Security training (guideline 4.6, 5.2.1).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Date;

/// `training.json`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Training {
    #[serde(default)]
    pub records: Vec<TrainingRecord>,
}

/// A person completed a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TrainingRecord {
    pub person: String,
    pub course: String,
    /// The course covers information security.
    #[serde(default = "yes")]
    pub security: bool,
    pub completed_on: Date,
}

fn yes() -> bool {
    true
}
