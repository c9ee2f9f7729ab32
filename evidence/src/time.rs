//! Timestamps as evidence writes them: an RFC 3339 `date-time`, read by
//! exactly the grammar of JSON Schema's `date-time` format.
//!
//! The schemas say `"format": "date-time"`, and a log line is checked either
//! against its schema (`mizuchi evidence validate`) or only by its type (a
//! run reads tens of millions of lines). Both must accept the same lines, so
//! the type does not use a general date parser (which also takes a space for
//! `T`, a zone name in brackets or an offset without a colon): it reads the
//! grammar the schema checks, and nothing else.

use serde::{Deserialize, Deserializer, Serializer, de::Error};

use crate::Timestamp;

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (`T` and `Z` in either
/// case), the JSON Schema `date-time` grammar of RFC 3339 §5.6. Digits past
/// nanoseconds are dropped. A leap second (`:60`) is valid only at 23:59 UTC
/// and is read as the last nanosecond of that minute.
///
/// ```
/// let t = mizuchi_evidence::parse_timestamp("2026-11-01T09:00:00+09:00").expect("a timestamp");
/// assert_eq!(t.to_string(), "2026-11-01T00:00:00Z");
/// assert!(mizuchi_evidence::parse_timestamp("2026-11-01 09:00").is_none());
/// ```
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let b = text.as_bytes();
    let digits = |from: usize, to: usize| -> Option<u32> {
        b.get(from..to)?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let year = digits(0, 4)?;
    let month = digits(5, 7)?;
    let day = digits(8, 10)?;
    if !(at(4, b'-') && at(7, b'-') && matches!(b.get(10), Some(b'T' | b't'))) {
        return None;
    }
    let hour = digits(11, 13)?;
    let minute = digits(14, 16)?;
    let second = digits(17, 19)?;
    if !(at(13, b':') && at(16, b':')) {
        return None;
    }
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if at(i, b'.') {
        i += 1;
        let start = i;
        while let Some(c @ b'0'..=b'9') = b.get(i).copied() {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(c - b'0');
            }
            i += 1;
        }
        let read = i - start;
        if read == 0 {
            return None;
        }
        for _ in read.min(9)..9 {
            nanos *= 10;
        }
    }
    let offset_minutes: i32 = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if b.len() - i == 6 && at(i + 3, b':') => {
            let (h, m) = (digits(i + 1, i + 3)?, digits(i + 4, i + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = (h * 60 + m) as i32;
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    if second == 60 {
        let utc = ((hour * 60 + minute) as i32 - offset_minutes).rem_euclid(24 * 60);
        if utc != 23 * 60 + 59 {
            return None;
        }
    }
    let (second, nanos) = if second == 60 {
        (59, 999_999_999)
    } else {
        (second, nanos)
    };
    let date = jiff::civil::Date::new(year as i16, month as i8, day as i8).ok()?;
    let time = jiff::civil::Time::new(hour as i8, minute as i8, second as i8, nanos as i32).ok()?;
    let offset = jiff::tz::Offset::from_seconds(offset_minutes * 60).ok()?;
    offset.to_timestamp(date.to_datetime(time)).ok()
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// Serde for a [`Timestamp`] field: written as RFC 3339 in UTC, read with
/// [`parse_timestamp`].
pub mod rfc3339 {
    use super::*;

    /// Writes the timestamp in UTC, `2026-04-01T08:30:00Z`.
    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(t)
    }

    /// Reads an RFC 3339 date-time.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(d)?;
        parse_timestamp(&text).ok_or_else(|| {
            D::Error::custom(format!(
                "`{text}` is not an RFC 3339 date-time like `2026-04-01T08:30:00Z` or `2026-04-01T17:30:00+09:00`"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rfc_3339_and_nothing_else() {
        let t = |s: &str| parse_timestamp(s).map(|t| t.to_string());
        assert_eq!(
            t("2026-04-01T08:30:00Z").as_deref(),
            Some("2026-04-01T08:30:00Z")
        );
        assert_eq!(
            t("2026-04-01t17:30:00+09:00").as_deref(),
            Some("2026-04-01T08:30:00Z")
        );
        assert_eq!(
            t("2026-04-01T08:30:00z").as_deref(),
            Some("2026-04-01T08:30:00Z")
        );
        assert_eq!(
            t("2026-04-01T08:30:00.1234567891Z").as_deref(),
            Some("2026-04-01T08:30:00.123456789Z")
        );
        assert_eq!(
            t("2026-04-01T08:30:00.5-01:30").as_deref(),
            Some("2026-04-01T10:00:00.5Z")
        );
        assert_eq!(
            t("2016-12-31T23:59:60Z").as_deref(),
            Some("2016-12-31T23:59:59.999999999Z")
        );
        assert_eq!(
            t("2024-02-29T00:00:00Z").as_deref(),
            Some("2024-02-29T00:00:00Z")
        );
        for bad in [
            "2026-04-01 08:30:00Z",
            "2026-04-01T08:30:00",
            "2026-04-01T08:30Z",
            "2026-04-01T08:30:00+0900",
            "2026-04-01T08:30:00+09",
            "2026-04-01T08:30:00+24:00",
            "2026-04-01T08:30:00Z[Asia/Tokyo]",
            "2026-04-01T08:30:00.Z",
            "2026-04-01T08:30:60Z",
            "2026-04-01T24:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "+2026-04-01T08:30:00Z",
            "2026-4-01T08:30:00Z",
            "２０２６-04-01T08:30:00Z",
            "",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }
}
