//! Door-controller logs exported as CSV: one row per card presented.

use mizuchi_evidence::{Direction, DoorEvent, DoorResult};

use super::RowProblem;
use super::table::{Column, Table, choose};
use super::text::norm;

pub(crate) const COLUMNS: &[Column] = &[
    (
        "time",
        &["date and time", "timestamp", "日時", "日付時刻", "通過日時"],
    ),
    ("area", &["zone", "区域", "エリア", "管理区域"]),
    (
        "door",
        &["reader", "扉", "ドア", "リーダー", "カードリーダ"],
    ),
    (
        "card",
        &["card id", "badge", "カード", "カード番号", "カードID"],
    ),
    (
        "person",
        &["person id", "employee id", "職員番号", "人員ID", "社員番号"],
    ),
    ("visitor", &["visitor id", "来訪者", "来訪者番号"]),
    ("result", &["access", "結果", "認証結果"]),
    ("direction", &["入退", "方向", "入退室"]),
];

const RESULTS: &[(&[&str], DoorResult)] = &[
    (
        &["granted", "ok", "許可", "通過", "解錠"],
        DoorResult::Granted,
    ),
    (
        &["denied", "ng", "拒否", "エラー", "不許可"],
        DoorResult::Denied,
    ),
];

const DIRECTIONS: &[(&[&str], Direction)] = &[
    (&["entry", "in", "入室", "入"], Direction::Entry),
    (&["exit", "out", "退室", "出"], Direction::Exit),
    (&["unknown", "不明"], Direction::Unknown),
];

/// Parses `2026/11/27 09:05:00` (local time) or an RFC 3339 time.
pub(crate) fn time(
    raw: &str,
    offset: jiff::tz::Offset,
) -> Result<mizuchi_evidence::Timestamp, String> {
    let s = norm(raw);
    if let Ok(t) = s.parse::<mizuchi_evidence::Timestamp>() {
        return Ok(t);
    }
    let bad = || format!("`{raw}` is not a date and time (expected 2026/11/27 09:05:00)");
    let n: Vec<i64> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    let (y, mo, d, h, mi, sec) = match n[..] {
        [y, mo, d, h, mi, sec] => (y, mo, d, h, mi, sec),
        [y, mo, d, h, mi] => (y, mo, d, h, mi, 0),
        _ => return Err(bad()),
    };
    let dt =
        jiff::civil::DateTime::new(y as i16, mo as i8, d as i8, h as i8, mi as i8, sec as i8, 0)
            .map_err(|_| bad())?;
    offset.to_timestamp(dt).map_err(|_| bad())
}

/// Reads door events.
pub(crate) fn read(
    text: &str,
    offset: jiff::tz::Offset,
    problems: &mut Vec<RowProblem>,
) -> Result<Vec<DoorEvent>, String> {
    let table = Table::read(text, COLUMNS, &["time", "area", "result"])?;
    let mut out = Vec::new();
    for (line, row) in &table.rows {
        let before = problems.len();
        let time = table.parse(*line, row, "time", problems, |v| time(v, offset));
        let result = table.parse(*line, row, "result", problems, |v| {
            choose(v, "door result", RESULTS)
        });
        let direction = table
            .parse(*line, row, "direction", problems, |v| {
                choose(v, "direction", DIRECTIONS)
            })
            .unwrap_or_default();
        let Some(area) = table.get(row, "area") else {
            problems.push(RowProblem::new(
                *line,
                Some(table.header("area")),
                "no area".into(),
            ));
            continue;
        };
        let (Some(time), Some(result)) = (time, result) else {
            continue;
        };
        if problems.len() > before {
            continue;
        }
        out.push(DoorEvent {
            time,
            area,
            door: table.get(row, "door"),
            person: table.get(row, "person"),
            card: table.get(row, "card"),
            visitor: table.get(row, "visitor"),
            result,
            direction,
        });
    }
    Ok(out)
}
