//! Security training (guideline 4.6, 5.2.1).

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Date;

/// `training.json`.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Training {
    #[serde(default)]
    /// Every completed training, per person.
    pub records: Vec<TrainingRecord>,
}

/// A person completed a course.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TrainingRecord {
    /// The person trained (a person id).
    pub person: String,
    /// The course's name.
    pub course: String,
    /// The course covers information security. Absent: not recorded.
    #[serde(default)]
    pub security: Option<bool>,
    /// The day the person completed it.
    pub completed_on: Date,
}
