//! Records dated after the evidence was collected: an approval, a backup
//! run or a training cannot have happened after the day the evidence was
//! gathered, so such a date is a typo or a record written ahead of time.
//! Rules ignore records dated after the assessment date; validation warns
//! about those dated after `collected_on`, naming the file and JSON path.
//!
//! Only dates of things that happened are checked (`approved_on`,
//! `finished_at`…); dates that look ahead (`ends_on`, `until`,
//! `expires_on`, `deadline`, `left_on`…) may lie in the future.

use std::collections::BTreeMap;

use mizuchi_evidence::{Date, SectionKind, Text};
use serde_json::Value;

use super::DocumentFile;
use super::problem::Problems;

/// Fields that date an event in the past of the record: approvals,
/// appointments, runs, tests, trainings, reviews, exercises, audits.
const HAPPENED: &[&str] = &[
    "approved_on",
    "appointed_on",
    "adopted_on",
    "reviewed_on",
    "exercised_on",
    "completed_on",
    "confirmed_on",
    "tested_on",
    "finished_at",
    "given_on",
    "definitions_updated_on",
    "created_on",
    "disabled_on",
    "last_used_on",
    "revoked_on",
    "date",
];

/// At most this many dates are named one by one per file.
const LISTED: usize = 20;

/// Warns about every date of [`HAPPENED`] after `collected_on` in the
/// documents.
pub(crate) fn check(
    out: &mut Problems,
    documents: &BTreeMap<SectionKind, DocumentFile>,
    collected_on: Date,
) {
    for file in documents.values() {
        let Ok(value) = serde_json::from_str::<Value>(file.text()) else {
            continue;
        };
        let mut found = Vec::new();
        walk(&value, "$", None, collected_on, &mut found);
        let more = found.len().saturating_sub(LISTED);
        for (path, date) in found.into_iter().take(LISTED) {
            out.warning(
                &file.path,
                None,
                Some(path),
                Text::new(
                    format!("日付 {date} は証跡の収集日 {collected_on} より後です。誤記でなければ、評価日より後の記録は規則が無視します"),
                    format!("the date {date} is after the day the evidence was collected ({collected_on}); unless it is a typo, rules ignore records dated after the assessment date"),
                ),
            );
        }
        if more > 0 {
            out.warning(
                &file.path,
                None,
                None,
                Text::new(
                    format!("ほかに {more} 個の日付が収集日より後です"),
                    format!("{more} more dates are after the collection date"),
                ),
            );
        }
    }
}

fn walk(v: &Value, path: &str, key: Option<&str>, limit: Date, found: &mut Vec<(String, Date)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                walk(child, &format!("{path}.{k}"), Some(k), limit, found);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(child, &format!("{path}[{i}]"), key, limit, found);
            }
        }
        Value::String(s) if key.is_some_and(|k| HAPPENED.contains(&k)) => {
            // A date, or the date of an instant (`finished_at`) in Japan.
            let day = s.parse::<Date>().ok().or_else(|| {
                s.parse::<jiff::Timestamp>().ok().map(|t| {
                    t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(9)))
                        .date()
                })
            });
            if let Some(day) = day.filter(|d| *d > limit) {
                found.push((path.to_owned(), day));
            }
        }
        _ => {}
    }
}
