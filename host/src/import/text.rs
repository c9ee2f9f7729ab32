//! What spreadsheets and Japanese office systems do to text, undone: byte-order
//! marks, Shift_JIS (CP932), full-width digits and letters, dates written in
//! Japanese eras (R6.4.1, 令和6年4月1日), yes/no in many spellings.

use std::borrow::Cow;

use jiff::civil::{Date, date};
use mizuchi_evidence::Text;
use unicode_normalization::UnicodeNormalization;

/// The encoding a text was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    ShiftJis,
}

impl Encoding {
    /// The encoding's name, as reports show it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::ShiftJis => "Shift_JIS (CP932)",
        }
    }
}

/// Decodes bytes saved by a spreadsheet: UTF-8 with or without a BOM, UTF-16
/// with a BOM, else Shift_JIS (as Windows' CP932).
pub(crate) fn decode(bytes: &[u8]) -> Result<(String, Encoding), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_owned(), Encoding::Utf8Bom))
            .map_err(|e| format!("the file starts with a UTF-8 mark but is not UTF-8 ({e})"));
    }
    if bytes.starts_with(b"\xFF\xFE") {
        let (text, _, bad) = encoding_rs::UTF_16LE.decode(bytes);
        if bad {
            return Err("the file is marked UTF-16 but holds invalid characters".into());
        }
        return Ok((text.into_owned(), Encoding::Utf16Le));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_owned(), Encoding::Utf8));
    }
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
    if bad {
        return Err(
            "the file is neither UTF-8 nor Shift_JIS; save it as CSV UTF-8 from the spreadsheet"
                .into(),
        );
    }
    Ok((text.into_owned(), Encoding::ShiftJis))
}

/// NFKC and trimmed: full-width `２０２４` and `ＡＢＣ` become `2024` and
/// `ABC`, half-width katakana become full-width.
pub(crate) fn norm(s: &str) -> Cow<'_, str> {
    // Most cells are already normal (ASCII always is): skip composing them
    // again, and copying them, which is most of what reading a large
    // register costs.
    if s.is_ascii()
        || s.chars().all(stays_nfkc)
        || unicode_normalization::is_nfkc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        return Cow::Borrowed(s.trim());
    }
    Cow::Owned(s.nfkc().collect::<String>().trim().to_owned())
}

/// The character is one NFKC leaves as it is whatever surrounds it (its
/// quick check is "yes" and it combines with nothing before it): ASCII and
/// the ideographs, hiragana, katakana and punctuation Japanese text is
/// mostly made of. Checked by ranges before the Unicode tables, which cost
/// a lookup per character on every cell of a register.
fn stays_nfkc(c: char) -> bool {
    matches!(c,
        '\u{20}'..='\u{7e}'
        | '\u{3001}'..='\u{3002}' // 、。
        | '\u{3005}' // 々
        | '\u{3041}'..='\u{3096}' // hiragana (not the combining or spacing sound marks)
        | '\u{30a1}'..='\u{30fa}' // katakana
        | '\u{30fc}' // ー
        | '\u{4e00}'..='\u{9fff}' // CJK unified ideographs
    )
}

/// A header name reduced for matching: normalised, lower case, without spaces,
/// underscores, hyphens or a trailing `(…)`.
pub(crate) fn header_key(s: &str) -> String {
    let n = norm(s).to_lowercase();
    let n = n.split(['(', '（']).next().unwrap_or("").to_owned();
    n.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '　' | '・'))
        .collect()
}

/// Japanese eras: name, abbreviation, first day, last day.
const ERAS: &[(&str, &str, Date, Date)] = &[
    ("令和", "R", date(2019, 5, 1), date(9999, 12, 31)),
    ("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    ("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    ("大正", "T", date(1912, 7, 30), date(1926, 12, 24)),
];

fn numbers(s: &str) -> Vec<i64> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// Parses a date as spreadsheets write them: `2024-04-01`, `2024/4/1`,
/// `2024年4月1日`, `R6.4.1`, `令和6年4月1日`, `令和元年5月1日`, `H31/4/30`.
pub(crate) fn parse_date(raw: &str) -> Result<Date, Text> {
    let s = norm(raw).replace("元年", "1年");
    let bad = || {
        Text::new(
            format!(
                "`{raw}` は日付ではありません (2024-04-01、2024/4/1、R6.4.1、令和6年4月1日 のように書いてください)"
            ),
            format!("`{raw}` is not a date (write 2024-04-01, 2024/4/1, R6.4.1 or 令和6年4月1日)"),
        )
    };
    // A workbook's date cell arrives as `2024-04-01T00:00:00` at worst.
    let s = match s.split_once('T') {
        Some((d, t)) if t.chars().all(|c| c.is_ascii_digit() || c == ':') => d.to_owned(),
        _ => s,
    };
    let upper = s.to_uppercase();
    for (name, abbr, first, last) in ERAS {
        let rest = s
            .strip_prefix(name)
            .or_else(|| upper.strip_prefix(abbr))
            .map(str::trim);
        let Some(rest) = rest else { continue };
        let [y, m, d] = numbers(rest)[..] else {
            return Err(bad());
        };
        let year = first.year() as i64 + y - 1;
        let date = Date::new(year as i16, m as i8, d as i8).map_err(|_| bad())?;
        if date < *first || date > *last {
            let end = if last.year() == 9999 {
                ("現在".to_owned(), "today".to_owned())
            } else {
                (last.to_string(), last.to_string())
            };
            return Err(Text::new(
                format!(
                    "`{raw}` は{name}の期間 ({first} から {}) の日ではありません",
                    end.0
                ),
                format!(
                    "`{raw}` is not a day of the {name} era ({first} to {})",
                    end.1
                ),
            ));
        }
        return Ok(date);
    }
    let [y, m, d] = numbers(&s)[..] else {
        return Err(bad());
    };
    if !(1900..=2200).contains(&y) {
        return Err(bad());
    }
    Date::new(y as i16, m as i8, d as i8).map_err(|_| bad())
}

/// Parses a date and time as exports write them: `2026/11/27 09:05:00`,
/// `2026-11-27 9:05`, `令和8年11月27日 9時5分` (read in `offset`), or RFC
/// 3339 with its own offset.
pub(crate) fn parse_time(raw: &str, offset: jiff::tz::Offset) -> Result<jiff::Timestamp, Text> {
    let s = norm(raw);
    if let Some(t) = mizuchi_evidence::parse_timestamp(&s) {
        return Ok(t);
    }
    let bad = || {
        Text::new(
            format!("`{raw}` は日時ではありません (2026/11/27 09:05:00 のように書いてください)"),
            format!("`{raw}` is not a date and time (write 2026/11/27 09:05:00)"),
        )
    };
    let (date_part, time_part) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], s[i + 1..].trim()),
        None => return Err(bad()),
    };
    let date = parse_date(date_part).map_err(|_| bad())?;
    let t = numbers(time_part);
    let (h, mi, sec) = match t[..] {
        [h, mi, sec] => (h, mi, sec),
        [h, mi] => (h, mi, 0),
        _ => return Err(bad()),
    };
    if !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0..60).contains(&sec) {
        return Err(bad());
    }
    let dt = date.at(h as i8, mi as i8, sec as i8, 0);
    offset.to_timestamp(dt).map_err(|_| bad())
}

/// Parses yes/no as people write it.
pub(crate) fn parse_bool(raw: &str) -> Result<bool, Text> {
    let s = norm(raw).to_lowercase();
    match s.as_str() {
        "yes" | "y" | "true" | "1" | "on" | "はい" | "有" | "あり" | "有効" | "○" | "◯" | "〇"
        | "✓" | "済" => Ok(true),
        "no" | "n" | "false" | "0" | "off" | "いいえ" | "無" | "なし" | "無効" | "×" | "✕"
        | "-" => Ok(false),
        _ => Err(Text::new(
            format!(
                "`{raw}` ははい・いいえではありません (○/×、有/無、はい/いいえ で書いてください)"
            ),
            format!("`{raw}` is not yes or no (write yes/no, はい/いいえ, 有/無 or ○/×)"),
        )),
    }
}

/// Splits a cell holding several values (`a; b`, `a、b`, one per line).
pub(crate) fn list(raw: &str) -> Vec<String> {
    norm(raw)
        .split([';', '、', '\n', ',', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A text that is not a UTC offset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a UTC offset like +09:00")]
pub struct OffsetError(String);

/// Parses a fixed UTC offset such as `+09:00`.
pub fn parse_offset(s: &str) -> Result<jiff::tz::Offset, OffsetError> {
    let bad = || OffsetError(s.to_owned());
    let (sign, rest) = match s.chars().next() {
        Some('+') => (1, &s[1..]),
        Some('-') => (-1, &s[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    jiff::tz::Offset::from_seconds(sign * (h * 3600 + m * 60)).map_err(|_| bad())
}

/// A CSV reader over `text` (rows of any length) and its header row, as
/// written.
pub(crate) fn csv_with_headers(text: &str) -> Result<(csv::Reader<&[u8]>, Vec<String>), Text> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            Text::new(
                format!("見出し行を読めません: {e}"),
                format!("cannot read the header row: {e}"),
            )
        })?
        .iter()
        .map(str::to_owned)
        .collect();
    Ok((reader, headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_taken_as_normal_is_one_nfkc_keeps_and_combines_with_nothing() {
        let mut n = 0;
        for c in (0..=0x10ffff_u32)
            .filter_map(char::from_u32)
            .filter(|c| stays_nfkc(*c))
        {
            let s = c.to_string();
            assert_eq!(s.nfkc().collect::<String>(), s, "U+{:04X}", c as u32);
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "U+{:04X}",
                c as u32
            );
            n += 1;
        }
        assert!(n > 20_000, "{n}");
        // A cell of such characters is left as it is; one with a
        // compatibility character is still normalised.
        assert!(matches!(norm(" 監視操作端末ー１号 "), Cow::Owned(s) if s == "監視操作端末ー1号"));
        assert!(matches!(
            norm(" 監視操作端末 "),
            Cow::Borrowed("監視操作端末")
        ));
    }

    #[test]
    fn era_dates_and_full_width_digits() {
        assert_eq!(parse_date("R6.4.1").unwrap(), date(2024, 4, 1));
        assert_eq!(parse_date("令和６年４月１日").unwrap(), date(2024, 4, 1));
        assert_eq!(parse_date("令和元年5月1日").unwrap(), date(2019, 5, 1));
        assert_eq!(parse_date("H31/4/30").unwrap(), date(2019, 4, 30));
        assert_eq!(parse_date("平成元年1月8日").unwrap(), date(1989, 1, 8));
        assert_eq!(parse_date("2024/4/1").unwrap(), date(2024, 4, 1));
        assert_eq!(parse_date("２０２４-０４-０１").unwrap(), date(2024, 4, 1));
        assert_eq!(parse_date("2024年4月1日").unwrap(), date(2024, 4, 1));
    }

    #[test]
    fn times_are_read_in_the_offset_unless_they_carry_one() {
        let jst = jiff::tz::Offset::from_seconds(9 * 3600).unwrap();
        let t = parse_time("2026/11/27 09:05:00", jst).unwrap();
        assert_eq!(t.to_string(), "2026-11-27T00:05:00Z");
        assert_eq!(parse_time("2026-11-27 9:05", jst).unwrap(), t);
        assert_eq!(parse_time("R8.11.27 9:05", jst).unwrap(), t);
        assert_eq!(parse_time("2026-11-27T00:05:00Z", jst).unwrap(), t);
        assert!(parse_time("2026/11/27", jst).is_err());
        assert!(parse_time("2026/11/27 25:00", jst).is_err());
    }

    #[test]
    fn days_outside_an_era_are_refused() {
        assert!(parse_date("R1.4.30").unwrap_err().en.contains("令和"));
        assert!(parse_date("R1.4.30").unwrap_err().ja.contains("令和の期間"));
        assert!(parse_date("H31.5.1").is_err());
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("yesterday").is_err());
    }

    #[test]
    fn encodings_are_detected() {
        let (s, e) = decode("資産ID,名称\n".as_bytes()).unwrap();
        assert_eq!((s.as_str(), e), ("資産ID,名称\n", Encoding::Utf8));
        let (s, e) = decode(b"\xEF\xBB\xBFid\n").unwrap();
        assert_eq!((s.as_str(), e), ("id\n", Encoding::Utf8Bom));
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("資産ID,名称\n");
        let (s, e) = decode(&sjis).unwrap();
        assert_eq!((s.as_str(), e), ("資産ID,名称\n", Encoding::ShiftJis));
    }

    #[test]
    fn headers_and_flags_in_many_spellings() {
        assert_eq!(header_key("Asset ID"), header_key("asset_id"));
        assert_eq!(header_key("ＩＰアドレス"), "ipアドレス");
        assert_eq!(
            header_key("定義ファイル更新日（最終）"),
            "定義ファイル更新日"
        );
        assert!(parse_bool("○").unwrap());
        assert!(!parse_bool("いいえ").unwrap());
        assert!(parse_bool("maybe").is_err());
        assert_eq!(list("ctl; ofc、dmz"), ["ctl", "ofc", "dmz"]);
        assert_eq!(parse_offset("+09:00").unwrap().seconds(), 9 * 3600);
    }
}
