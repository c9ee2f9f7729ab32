//! CSV tables with headers in Japanese or English: find each column by any of
//! its names, and report a cell that cannot be read by line and column.

use std::collections::HashMap;

use super::RowProblem;
use super::text::{header_key, norm};

/// A column: its key and the header names it goes by.
pub(crate) type Column = (&'static str, &'static [&'static str]);

/// A CSV table whose columns are known by key.
pub(crate) struct Table {
    /// Header as written, by key.
    names: HashMap<&'static str, (usize, String)>,
    pub rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Reads `text`; every key in `required` must have a column.
    pub(crate) fn read(text: &str, columns: &[Column], required: &[&str]) -> Result<Table, String> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| format!("cannot read the header row: {e}"))?
            .clone();
        let mut names = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            let k = header_key(h);
            if k.is_empty() {
                continue;
            }
            if let Some((key, _)) = columns.iter().find(|(key, aliases)| {
                header_key(key) == k || aliases.iter().any(|a| header_key(a) == k)
            }) {
                names.entry(*key).or_insert((i, h.to_owned()));
            }
        }
        let missing: Vec<String> = required
            .iter()
            .filter(|k| !names.contains_key(**k))
            .map(|k| {
                let aliases = columns
                    .iter()
                    .find(|(c, _)| c == k)
                    .map(|(_, a)| a.join(" / "))
                    .unwrap_or_default();
                format!("`{k}` ({aliases})")
            })
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the header row has no column for {}; the header row was: {}",
                missing.join(", "),
                headers.iter().collect::<Vec<_>>().join(",")
            ));
        }
        let mut rows = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| format!("cannot read the CSV: {e}"))?;
            let line = rec.position().map_or(0, |p| p.line());
            if rec.iter().all(|c| norm(c).is_empty()) {
                continue;
            }
            rows.push((line, rec));
        }
        Ok(Table { names, rows })
    }

    /// The normalised cell of `key` in `row`; `None` if empty or absent.
    pub(crate) fn get(&self, row: &csv::StringRecord, key: &str) -> Option<String> {
        let (i, _) = self.names.get(key)?;
        let v = norm(row.get(*i)?);
        (!v.is_empty()).then_some(v)
    }

    /// The header name of `key` as the file writes it.
    pub(crate) fn header(&self, key: &str) -> String {
        self.names
            .get(key)
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| key.to_owned())
    }

    /// A cell parsed by `parse`, or a problem naming line and column.
    pub(crate) fn parse<T>(
        &self,
        line: u64,
        row: &csv::StringRecord,
        key: &str,
        problems: &mut Vec<RowProblem>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let v = self.get(row, key)?;
        match parse(&v) {
            Ok(x) => Some(x),
            Err(e) => {
                problems.push(RowProblem::new(line, Some(self.header(key)), e));
                None
            }
        }
    }
}

/// Maps a cell to a value through a table of spellings (compared normalised,
/// case-insensitively).
pub(crate) fn choose<T: Copy>(raw: &str, what: &str, table: &[(&[&str], T)]) -> Result<T, String> {
    let k = header_key(raw);
    for (names, v) in table {
        if names.iter().any(|n| header_key(n) == k) {
            return Ok(*v);
        }
    }
    let allowed: Vec<&str> = table.iter().map(|(n, _)| n[0]).collect();
    Err(format!(
        "`{raw}` is not a {what} (expected one of: {})",
        allowed.join(", ")
    ))
}
