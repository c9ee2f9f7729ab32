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
        $crate::Text::new(
            format!($ja $(, $jarg)*),
            $crate::english_number(format!($en $(, $earg)*)),
        )
    };
    (ja: $ja:literal, en: $en:literal $(,)?) => {
        $crate::Text::new(format!($ja), $crate::english_number(format!($en)))
    };
}

/// The nouns a count goes with in the English of findings, plural and
/// singular.
const COUNTED: &[(&str, &str)] = &[
    ("days", "day"),
    ("hours", "hour"),
    ("minutes", "minute"),
    ("accounts", "account"),
    ("hosts", "host"),
    ("events", "event"),
    ("authentication events", "authentication event"),
    ("entries", "entry"),
    ("failures", "failure"),
    ("records", "record"),
    ("systems", "system"),
    ("assets", "asset"),
    ("bursts", "burst"),
    ("times", "time"),
    ("rows", "row"),
    ("people", "person"),
    ("contracts", "contract"),
];

/// English with every count agreeing with its noun: a message formatted as
/// `{n} days` reads "1 day" when `n` is 1, so that no rule has to spell
/// both forms (`text!` applies this to every English text).
///
/// ```
/// use mizuchi_sdk::english_number;
///
/// assert_eq!(english_number("1 days since the last backup".into()), "1 day since the last backup");
/// assert_eq!(english_number("21 days since the last backup".into()), "21 days since the last backup");
/// ```
pub fn english_number(text: String) -> String {
    if !text.contains("1 ") {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("1 ") {
        let before = &rest[..i];
        let after = &rest[i + 2..];
        let whole_one = !before
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit() || c == '.' || c == ',');
        out.push_str(before);
        out.push_str("1 ");
        rest = after;
        if !whole_one {
            continue;
        }
        if let Some((plural, singular)) = COUNTED.iter().find(|(p, _)| {
            after.starts_with(p)
                && !after[p.len()..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphanumeric)
        }) {
            out.push_str(singular);
            rest = &after[plural.len()..];
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::english_number;

    #[test]
    fn a_count_of_one_takes_the_singular_and_no_other_count_does() {
        let t = |s: &str| english_number(s.to_owned());
        assert_eq!(
            t("1 days ago (limit 365 days)"),
            "1 day ago (limit 365 days)"
        );
        assert_eq!(
            t("appears in 1 authentication events"),
            "appears in 1 authentication event"
        );
        assert_eq!(
            t("1 entries, 1 accounts, 1 people"),
            "1 entry, 1 account, 1 person"
        );
        for same in [
            "11 days",
            "2021 days",
            "0.1 days",
            "1,1 days",
            "1 daysago",
            "1 dayz",
            "2026-10-01 10:00",
        ] {
            assert_eq!(t(same), same);
        }
        let n = 1;
        let v = crate::text!(ja: "{n}日", en: "{n} days ago");
        assert_eq!(v.en, "1 day ago");
    }
}
