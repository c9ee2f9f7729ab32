//! Small types used across sections.

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A calendar date, `YYYY-MM-DD`. Assessments judge dates, not instants.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
pub type Date = jiff::civil::Date;

/// An instant in UTC, RFC 3339 (`2026-04-01T08:30:00Z`).
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
pub type Timestamp = jiff::Timestamp;

/// A text in both report languages.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
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

/// The largest integer every JSON reader holds exactly: 2^53 − 1.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [reading a section](crate#reading-a-section).")]
pub const MAX_EXACT: u64 = (1 << 53) - 1;

/// Serde for an optional integer that must stay within [`MAX_EXACT`], as
/// the strict JSON of evidence requires of every number.
pub(crate) mod exact_u64 {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(crate) fn serialize<S: Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(n) => s.serialize_u64(*n),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        match Option::<u64>::deserialize(d)? {
            Some(n) if n > super::MAX_EXACT => Err(D::Error::custom(format!(
                "{n} is over 2^53 − 1, the largest integer every JSON reader holds exactly"
            ))),
            v => Ok(v),
        }
    }
}
