//! What a rule returns: one finding per subject it decided about. The types
//! ([`Finding`], [`Subject`], [`Status`]…) are those of
//! `mizuchi_evidence::verdict`, shared with the host and signed results;
//! this module adds the [`text!`](crate::text) macro.

pub use mizuchi_evidence::verdict::{EvidenceRef, Finding, Status, Subject};

/// Builds a [`Text`](crate::Text) from a Japanese and an English format string, each with
/// the `format!` syntax and captured or trailing arguments.
///
/// ```
/// # use mizuchi_sdk::text;
/// let host = "HMI-01";
/// let t = text!(ja: "{host} に認証機能がありません", en: "{host} has no authentication");
/// assert_eq!(t.en, "HMI-01 has no authentication");
/// ```
#[macro_export]
macro_rules! text {
    (ja: $ja:literal $(, $jarg:expr)* ; en: $en:literal $(, $earg:expr)* $(,)?) => {
        $crate::Text::new(format!($ja $(, $jarg)*), format!($en $(, $earg)*))
    };
    (ja: $ja:literal, en: $en:literal $(,)?) => {
        $crate::Text::new(format!($ja), format!($en))
    };
}
