//! Small types used across sections.

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A calendar date, `YYYY-MM-DD`. Assessments judge dates, not instants.
pub type Date = jiff::civil::Date;

/// An instant in UTC, RFC 3339 (`2026-04-01T08:30:00Z`).
pub type Timestamp = jiff::Timestamp;

/// A text in both report languages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Text {
    /// Japanese.
    pub ja: String,
    /// English.
    pub en: String,
}

impl Text {
    /// A text from its Japanese and English forms.
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// The form for a language code (`ja`, anything else gives English).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "ja" { &self.ja } else { &self.en }
    }
}
