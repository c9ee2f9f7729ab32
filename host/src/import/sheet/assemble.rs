//! From a grid of cells to evidence records, and from records to a section
//! document.
//!
//! A row becomes a JSON object with one member per cell that holds
//! something, at the column's path; an empty cell or a missing column
//! leaves the field out, which the evidence types read as "not recorded".
//! Each record is then read as its evidence type, so a row is refused
//! exactly when the evidence format refuses it, with the column to blame.
//!
//! Merging replaces what the table holds in the document and nothing else:
//! the records of other tables stay, and a record keeps the rows of child
//! tables (an asset's alternative measures) when its own table is imported
//! again.

use std::collections::{BTreeMap, HashMap};

use jiff::tz::Offset;
use mizuchi_evidence::Text;
use rayon::prelude::*;
use serde_json::{Map, Value, json};

use super::grid::Grid;
use super::spec::{CellKind, Choice, Column, Placement, Table};
use super::tables;
use crate::import::RowProblem;
use crate::import::text::{header_key, list, norm, parse_bool, parse_date, parse_time};

/// One row made into a record.
#[derive(Debug)]
pub(crate) struct Row {
    /// The row's number in its file or sheet.
    pub line: u64,
    /// For a child table: the values naming the row's parent.
    pub keys: Vec<String>,
    /// The record.
    pub record: Value,
}

/// A table read from a grid.
#[derive(Debug)]
pub(crate) struct Read {
    /// The table.
    pub table: &'static Table,
    /// The input (and sheet) it was read from, as reports name it.
    pub label: String,
    /// Its records.
    pub rows: Vec<Row>,
    /// Rows skipped because they start with `#` (comments, a template's
    /// example row).
    pub comments: u64,
    /// Headers no column of the table goes by, with the number of cells
    /// under them that held something.
    pub ignored: Vec<(String, u64)>,
}

/// What a grid holds.
#[derive(Debug)]
pub(crate) enum Detected {
    /// Rows of this table.
    Table(&'static Table),
    /// A template's notes sheet.
    Notes,
    /// Nothing Mizuchi knows.
    Unknown,
}

/// The sheet name of a template's notes.
pub(crate) const NOTES: [&str; 2] = ["説明", "Notes"];

/// How a header names a column, reduced for comparison.
fn names(c: &Column) -> impl Iterator<Item = String> + '_ {
    [c.header.ja.as_str(), c.header.en.as_str(), c.path.as_str()]
        .into_iter()
        .chain(c.aliases.iter().copied())
        .map(header_key)
}

/// The column of `table` a header names.
fn column_for<'t>(table: &'t Table, header: &str) -> Option<&'t Column> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    table.columns.iter().find(|c| names(c).any(|n| n == key))
}

/// Which table a grid holds: the one `explicit` names, else the one its sheet
/// or file name (`hint`) names, else the one whose columns its header row
/// matches best (refusing a tie).
pub(crate) fn detect(
    grid: &Grid,
    hint: Option<&str>,
    explicit: Option<&'static Table>,
) -> Result<Detected, Text> {
    if let Some(t) = explicit {
        return Ok(Detected::Table(t));
    }
    if let Some(h) = hint {
        if NOTES.iter().any(|n| header_key(n) == header_key(h)) {
            return Ok(Detected::Notes);
        }
        if let Some(t) = tables::find(h) {
            return Ok(Detected::Table(t));
        }
    }
    let Some((_, header)) = grid.rows.first() else {
        return Ok(Detected::Unknown);
    };
    let mut best: Vec<(&'static Table, usize)> = Vec::new();
    for t in tables::all() {
        let matched = header.iter().filter(|h| column_for(t, h).is_some()).count();
        let required_present = t
            .columns
            .iter()
            .filter(|c| c.required && !c.path.contains('.'))
            .all(|c| {
                header
                    .iter()
                    .any(|h| column_for(t, h).is_some_and(|m| m.path == c.path))
            });
        if matched == 0 || !required_present {
            continue;
        }
        match best.first() {
            Some((_, n)) if *n > matched => {}
            Some((_, n)) if *n == matched => best.push((t, matched)),
            _ => best = vec![(t, matched)],
        }
    }
    match best[..] {
        [] => Ok(Detected::Unknown),
        [(t, _)] => Ok(Detected::Table(t)),
        _ => {
            let names: Vec<&str> = best.iter().map(|(t, _)| t.name).collect();
            Err(Text::new(
                format!(
                    "見出しが表 {} のどれにも同じくらい当てはまります。--table で表を指定してください",
                    names.join("・")
                ),
                format!(
                    "its header row fits the tables {} equally well; name the table with --table",
                    names.join(", ")
                ),
            ))
        }
    }
}

/// The choice `raw` names, by any of its spellings.
pub(crate) fn read_choice(raw: &str, choices: &[Choice]) -> Result<&'static str, Text> {
    let k = header_key(raw);
    for c in choices {
        if header_key(c.value) == k
            || c.ja.iter().any(|n| header_key(n) == k)
            || c.en.iter().any(|n| header_key(n) == k)
        {
            return Ok(c.value);
        }
    }
    let ja: Vec<&str> = choices
        .iter()
        .map(|c| c.ja.first().copied().unwrap_or(c.value))
        .collect();
    let en: Vec<&str> = choices.iter().map(|c| c.value).collect();
    Err(Text::new(
        format!(
            "`{raw}` は使える値ではありません ({} のいずれか)",
            ja.join("、")
        ),
        format!(
            "`{raw}` is not one of the values allowed ({})",
            en.join(", ")
        ),
    ))
}

/// A cell's value, or why it cannot be read.
fn cell_value(kind: CellKind, raw: &str, offset: Offset) -> Result<Value, Text> {
    Ok(match kind {
        CellKind::Text => Value::String(norm(raw).into_owned()),
        CellKind::Date => json!(parse_date(raw)?.to_string()),
        CellKind::Dates => Value::Array(
            list(raw)
                .iter()
                .map(|d| parse_date(d).map(|d| json!(d.to_string())))
                .collect::<Result<_, _>>()?,
        ),
        CellKind::Time => json!(parse_time(raw, offset)?.to_string()),
        CellKind::Bool => json!(parse_bool(raw)?),
        CellKind::List => json!(list(raw)),
        CellKind::Choice(choices) => json!(read_choice(raw, choices)?),
        CellKind::Choices(choices) => Value::Array(
            list(raw)
                .iter()
                .map(|v| read_choice(v, choices).map(|v| json!(v)))
                .collect::<Result<_, _>>()?,
        ),
        CellKind::Custom(f) => f(raw)?,
    })
}

/// Sets `value` at the dotted `path` of `record`, making objects on the way.
fn put(record: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            record.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            // Look the group up before making its key: most cells of a row
            // go into a group an earlier cell made.
            if !record.contains_key(head) {
                record.insert(head.to_owned(), Value::Object(Map::with_capacity(4)));
            }
            if let Some(Value::Object(m)) = record.get_mut(head) {
                put(m, rest, value);
            }
        }
    }
}

/// The header problems of a table: required columns missing, a nested
/// column without the one it needs, two headers for one column. Each names
/// the headers a template would use.
fn header_problems(table: &Table, mapped: &[(usize, &Column)]) -> Vec<Text> {
    let has = |path: &str| mapped.iter().any(|(_, c)| c.path == path);
    let mut out = Vec::new();
    for c in &table.columns {
        if !c.required || has(&c.path) {
            continue;
        }
        match c.path.split_once('.') {
            None => out.push(Text::new(
                format!("必要な列「{}」がありません", c.header.ja),
                format!("the column `{}` is needed and missing", c.header.en),
            )),
            Some((group, _)) => {
                let users: Vec<&Column> = mapped
                    .iter()
                    .map(|(_, m)| *m)
                    .filter(|m| m.path.split_once('.').is_some_and(|(g, _)| g == group))
                    .collect();
                if let Some(user) = users.first() {
                    out.push(Text::new(
                        format!(
                            "列「{}」には列「{}」も必要です",
                            user.header.ja, c.header.ja
                        ),
                        format!(
                            "the column `{}` needs the column `{}` too",
                            user.header.en, c.header.en
                        ),
                    ));
                }
            }
        }
    }
    for (i, (_, a)) in mapped.iter().enumerate() {
        if mapped[..i].iter().any(|(_, b)| b.path == a.path) {
            out.push(Text::new(
                format!("列「{}」が2回あります", a.header.ja),
                format!("the column `{}` appears twice", a.header.en),
            ));
        }
    }
    out
}

/// Reads the rows of `grid` as records of `table`. Header problems refuse
/// the table (returned); a cell that cannot be read is added to `problems`
/// and its row left out.
pub(crate) fn read(
    table: &'static Table,
    grid: &Grid,
    label: &str,
    offset: Offset,
    problems: &mut Vec<RowProblem>,
) -> Result<Read, Vec<Text>> {
    let Some((_, header)) = grid.rows.first() else {
        return Ok(Read {
            table,
            label: label.to_owned(),
            rows: Vec::new(),
            comments: 0,
            ignored: Vec::new(),
        });
    };
    let mut mapped: Vec<(usize, &Column)> = Vec::new();
    let mut ignored: Vec<(usize, String, u64)> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        match column_for(table, h) {
            Some(c) => mapped.push((i, c)),
            None if !norm(h).is_empty() => ignored.push((i, norm(h).into_owned(), 0)),
            None => {}
        }
    }
    let errors = header_problems(table, &mapped);
    if !errors.is_empty() {
        return Err(errors);
    }
    let keys: &[&str] = match &table.placement {
        Placement::Child { keys, .. } => keys,
        _ => &[],
    };
    let fixed = tables::fixed(table);
    let plan = Plan {
        table,
        header,
        mapped: &mapped,
        ignored: &ignored,
        keys,
        fixed: &fixed,
        label,
        offset,
    };
    // Rows are independent of one another: read in blocks on every core,
    // put back in their order.
    let blocks: Vec<Block> = grid.rows[1..]
        .par_chunks(ROWS_PER_BLOCK)
        .map(|block| plan.read_block(block))
        .collect();
    let mut rows = Vec::with_capacity(grid.rows.len());
    let mut comments = 0;
    for block in blocks {
        rows.extend(block.rows);
        problems.extend(block.problems);
        comments += block.comments;
        for ((_, _, n), m) in ignored.iter_mut().zip(block.ignored) {
            *n += m;
        }
    }
    Ok(Read {
        table,
        label: label.to_owned(),
        rows,
        comments,
        ignored: ignored.into_iter().map(|(_, h, n)| (h, n)).collect(),
    })
}

/// Rows read together on one core.
const ROWS_PER_BLOCK: usize = 4096;

/// How the rows of one grid are read as records of a table.
struct Plan<'a> {
    table: &'static Table,
    header: &'a [String],
    mapped: &'a [(usize, &'a Column)],
    /// Headers no column goes by (their counts are the block's).
    ignored: &'a [(usize, String, u64)],
    keys: &'a [&'static str],
    fixed: &'a [(&'static str, Value)],
    label: &'a str,
    offset: Offset,
}

/// What reading a block of rows gave.
struct Block {
    rows: Vec<Row>,
    problems: Vec<RowProblem>,
    comments: u64,
    /// Cells that held something under each ignored header.
    ignored: Vec<u64>,
}

impl Plan<'_> {
    fn read_block(&self, block: &[(u64, Vec<String>)]) -> Block {
        let mut out = Block {
            rows: Vec::with_capacity(block.len()),
            problems: Vec::new(),
            comments: 0,
            ignored: vec![0; self.ignored.len()],
        };
        // Cells of a choice, a flag or a date repeat down their column (`○`,
        // `2026/11/01`): each distinct one is read once.
        let mut memo: Vec<HashMap<String, Result<Value, Text>>> =
            vec![HashMap::new(); self.mapped.len()];
        for (line, cells) in block {
            if let Some(row) = self.read_row(*line, cells, &mut memo, &mut out) {
                out.rows.push(row);
            }
        }
        out
    }

    /// The record of one row, or `None` for a comment or a row with problems
    /// (added to `out`).
    fn read_row(
        &self,
        line: u64,
        cells: &[String],
        memo: &mut [HashMap<String, Result<Value, Text>>],
        out: &mut Block,
    ) -> Option<Row> {
        let (table, header) = (self.table, self.header);
        if cells
            .iter()
            .map(|c| norm(c))
            .find(|c| !c.is_empty())
            .is_some_and(|c| c.starts_with('#'))
        {
            out.comments += 1;
            return None;
        }
        for ((i, _, _), n) in self.ignored.iter().zip(&mut out.ignored) {
            if cells.get(*i).is_some_and(|c| !norm(c).is_empty()) {
                *n += 1;
            }
        }
        let before = out.problems.len();
        let mut record = Map::with_capacity(self.mapped.len() + self.fixed.len());
        for (m, (i, column)) in self.mapped.iter().enumerate() {
            let raw = cells.get(*i).map(String::as_str).unwrap_or("");
            if norm(raw).is_empty() {
                continue;
            }
            let value = if repeats(column.kind) {
                match memo[m].get(raw) {
                    Some(v) => v.clone(),
                    None => {
                        let v = cell_value(column.kind, raw, self.offset);
                        memo[m].insert(raw.to_owned(), v.clone());
                        v
                    }
                }
            } else {
                cell_value(column.kind, raw, self.offset)
            };
            match value {
                Ok(v) => put(&mut record, &column.path, v),
                Err(message) => out.problems.push(RowProblem {
                    input: self.label.to_owned(),
                    line,
                    column: Some(norm(&header[*i]).into_owned()),
                    message,
                }),
            }
        }
        if out.problems.len() > before {
            return None;
        }
        // A row naming its parent: the key cells leave the record.
        let mut row_keys = Vec::new();
        for k in self.keys {
            if let Some(Value::String(s)) = record.remove(*k) {
                row_keys.push(s);
            }
        }
        for (field, value) in self.fixed {
            record.insert((*field).to_owned(), value.clone());
        }
        let record = Value::Object(record);
        if let Err((path, message)) = (table.check)(&record) {
            let column = table
                .columns
                .iter()
                .find(|c| path == c.path || path.starts_with(&format!("{}.", c.path)))
                .map(|c| {
                    self.mapped
                        .iter()
                        .find(|(_, m)| m.path == c.path)
                        .map_or_else(
                            || c.header.en.clone(),
                            |(i, _)| norm(&header[*i]).into_owned(),
                        )
                });
            out.problems.push(RowProblem {
                input: self.label.to_owned(),
                line,
                column,
                message: Text::new(
                    format!(
                        "この行は{}として読めません: {message} ({path})",
                        table.title.ja
                    ),
                    format!(
                        "the row is not a valid {} record: {message} (at {path})",
                        table.name
                    ),
                ),
            });
            return None;
        }
        Some(Row {
            line,
            keys: row_keys,
            record,
        })
    }
}

/// Cells of these kinds repeat down their column (`○`, `2026/11/01`).
fn repeats(kind: CellKind) -> bool {
    matches!(
        kind,
        CellKind::Bool
            | CellKind::Choice(_)
            | CellKind::Choices(_)
            | CellKind::Date
            | CellKind::Dates
    )
}

/// The identity of each record of `table` in `doc` (the keys naming its
/// parents, then its id) and its JSON pointer.
pub(crate) fn locate(doc: &Value, table: &Table) -> Vec<(Vec<String>, String)> {
    let id = |v: &Value| v.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
    match &table.placement {
        Placement::List(field) => doc
            .get(*field)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .enumerate()
                    .map(|(i, v)| (vec![id(v)], format!("/{field}/{i}")))
                    .collect()
            })
            .unwrap_or_default(),
        Placement::Single(field) => match doc.get(*field) {
            Some(v) if v.is_object() => vec![(Vec::new(), format!("/{field}"))],
            _ => Vec::new(),
        },
        Placement::Root => {
            let filled = table
                .columns
                .iter()
                .any(|c| doc.get(c.path.as_str()).is_some_and(|v| !v.is_null()));
            if filled {
                vec![(Vec::new(), String::new())]
            } else {
                Vec::new()
            }
        }
        Placement::Child { parent, field, .. } => {
            let Some(parent) = tables::all().iter().find(|t| t.name == *parent) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            for (pid, ptr) in locate(doc, parent) {
                let Some(items) = doc
                    .pointer(&ptr)
                    .and_then(|p| p.get(*field))
                    .and_then(Value::as_array)
                else {
                    continue;
                };
                for (i, v) in items.iter().enumerate() {
                    let mut identity = pid.clone();
                    identity.push(id(v));
                    out.push((identity, format!("{ptr}/{field}/{i}")));
                }
            }
            out
        }
        Placement::Log => Vec::new(),
    }
}

/// The tables whose rows live inside records of `table`.
fn children(table: &Table) -> Vec<&'static Table> {
    tables::all()
        .iter()
        .filter(
            |t| matches!(&t.placement, Placement::Child { parent, .. } if *parent == table.name),
        )
        .collect()
}

/// What merging a table did.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    /// Rows of child tables that belonged to records no longer listed, and
    /// went with them: (child table, count).
    pub dropped: Vec<(&'static str, u64)>,
    /// The table held records before (which this import replaced).
    pub replaced: bool,
}

/// Puts the records of `read` into the section document `doc`, replacing
/// what the table held (the records of a list table are moved, not copied:
/// `read` keeps its rows' lines and keys). A child row whose parent is not
/// in the document is a problem.
pub(crate) fn merge(doc: &mut Value, read: &mut Read, problems: &mut Vec<RowProblem>) -> Merged {
    if !doc.is_object() {
        *doc = Value::Object(Map::new());
    }
    let mut merged = Merged::default();
    let table = read.table;
    let kids = children(table);
    let carry = |old: &Value, new: &mut Value| {
        for k in &kids {
            if let Placement::Child { field, .. } = &k.placement
                && let Some(v) = old.get(*field)
                && let Some(obj) = new.as_object_mut()
            {
                obj.insert((*field).to_owned(), v.clone());
            }
        }
    };
    match &table.placement {
        Placement::List(field) => {
            let old: Vec<Value> = doc
                .get(*field)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            merged.replaced = !old.is_empty();
            let mut new: Vec<Value> = read
                .rows
                .iter_mut()
                .map(|r| std::mem::take(&mut r.record))
                .collect();
            let id = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_owned);
            let by_id: std::collections::HashMap<String, usize> = old
                .iter()
                .enumerate()
                .filter_map(|(i, o)| Some((id(o)?, i)))
                .collect();
            let mut kept = vec![false; old.len()];
            for n in &mut new {
                let Some(nid) = id(n) else { continue };
                if let Some(&i) = by_id.get(&nid) {
                    kept[i] = true;
                    carry(&old[i], n);
                }
            }
            for k in &kids {
                if let Placement::Child { field: f, .. } = &k.placement {
                    let lost: u64 = old
                        .iter()
                        .zip(&kept)
                        .filter(|(_, kept)| !**kept)
                        .filter_map(|(o, _)| o.get(*f).and_then(Value::as_array))
                        .map(|a| a.len() as u64)
                        .sum();
                    if lost > 0 {
                        merged.dropped.push((k.name, lost));
                    }
                }
            }
            doc[*field] = Value::Array(new);
        }
        Placement::Root => {
            extra_rows(read, problems);
            if let (Some(obj), Some(row)) = (doc.as_object_mut(), read.rows.first()) {
                for c in &table.columns {
                    merged.replaced |= obj.get(c.path.as_str()).is_some_and(|v| !v.is_null());
                    match row.record.get(c.path.as_str()) {
                        Some(v) => {
                            obj.insert(c.path.clone(), v.clone());
                        }
                        None => {
                            obj.remove(c.path.as_str());
                        }
                    }
                }
            }
        }
        Placement::Single(field) => {
            extra_rows(read, problems);
            let old = doc.get(*field).cloned();
            merged.replaced = old.as_ref().is_some_and(|o| !o.is_null());
            match read.rows.first() {
                Some(r) => {
                    let mut new = r.record.clone();
                    if let Some(o) = &old {
                        carry(o, &mut new);
                    }
                    doc[*field] = new;
                }
                None => {
                    if let Some(obj) = doc.as_object_mut() {
                        obj.remove(*field);
                    }
                }
            }
        }
        Placement::Child { parent, field, .. } => {
            let Some(parent_table) = tables::all().iter().find(|t| t.name == *parent) else {
                return merged;
            };
            let parents = locate(doc, parent_table);
            let mut groups: BTreeMap<Vec<String>, Vec<Value>> = BTreeMap::new();
            for r in &read.rows {
                if parents.iter().any(|(id, _)| *id == r.keys) {
                    groups
                        .entry(r.keys.clone())
                        .or_default()
                        .push(r.record.clone());
                } else {
                    let what = if r.keys.is_empty() {
                        Text::new(
                            format!(
                                "表「{}」がまだありません。先に取り込んでください",
                                parent_table.title.ja
                            ),
                            format!("there is no `{}` yet; import it first", parent_table.name),
                        )
                    } else {
                        Text::new(
                            format!(
                                "「{}」は表「{}」にありません",
                                r.keys.join(" / "),
                                parent_table.title.ja
                            ),
                            format!(
                                "`{}` is not in the table `{}`",
                                r.keys.join(" / "),
                                parent_table.name
                            ),
                        )
                    };
                    problems.push(RowProblem {
                        input: read.label.clone(),
                        line: r.line,
                        column: None,
                        message: what,
                    });
                }
            }
            for (id, ptr) in parents {
                if let Some(p) = doc.pointer_mut(&ptr).and_then(Value::as_object_mut) {
                    let had = p
                        .get(*field)
                        .and_then(Value::as_array)
                        .is_some_and(|a| !a.is_empty());
                    merged.replaced |= had;
                    p.insert(
                        (*field).to_owned(),
                        Value::Array(groups.remove(&id).unwrap_or_default()),
                    );
                }
            }
        }
        Placement::Log => {}
    }
    merged
}

/// The tables of `section` that hold something in `doc`.
pub(crate) fn filled(doc: &Value, section: mizuchi_evidence::SectionKind) -> Vec<&'static str> {
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    for t in tables::all().iter().filter(|t| t.section == section) {
        let n = match &t.placement {
            Placement::Log => 0,
            _ => locate(doc, t).len(),
        };
        if n > 0 {
            counts.insert(t.name, n);
        }
    }
    tables::all()
        .iter()
        .filter(|t| counts.contains_key(t.name))
        .map(|t| t.name)
        .collect()
}

/// A problem for every row after the first of a table that holds one row.
fn extra_rows(read: &Read, problems: &mut Vec<RowProblem>) {
    let table = read.table;
    for r in read.rows.iter().skip(1) {
        problems.push(RowProblem {
            input: read.label.clone(),
            line: r.line,
            column: None,
            message: Text::new(
                format!(
                    "表「{}」は1行だけです。2行目以降は書けません",
                    table.title.ja
                ),
                format!("the table `{}` holds one row; this is another", table.name),
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(text: &str) -> Grid {
        super::super::grid::read_csv(text.as_bytes()).unwrap()
    }

    fn jst() -> Offset {
        Offset::from_seconds(9 * 3600).unwrap()
    }

    fn table(name: &str) -> &'static Table {
        tables::all().iter().find(|t| t.name == name).unwrap()
    }

    #[test]
    fn an_absent_column_or_an_empty_cell_leaves_the_field_unrecorded() {
        let g = grid(
            "資産ID,名称,種別,OS,認証方式,外部媒体制御,外部媒体制御の方法\nA1,端末,監視操作端末,Windows 10,パスワード,無効化,技術的\n",
        );
        let mut problems = Vec::new();
        let r = read(table("assets"), &g, "t.csv", jst(), &mut problems).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let rec = &r.rows[0].record;
        assert_eq!(rec["authentication"]["method"], "password");
        assert!(rec["authentication"].get("auto_logon").is_none());
        assert!(rec.get("control_system").is_none());
        assert!(rec.get("networks").is_none());
    }

    #[test]
    fn a_nested_column_without_the_one_it_needs_is_named() {
        let g = grid("資産ID,名称,種別,設置場所\nA1,端末,サーバ,R1\n");
        let err = read(table("assets"), &g, "t.csv", jst(), &mut Vec::new()).unwrap_err();
        assert_eq!(err.len(), 1);
        assert!(
            err[0].ja.contains("列「設置場所」には列「拠点」も必要です"),
            "{}",
            err[0].ja
        );
        assert!(
            err[0].en.contains("`Area` needs the column `Site`"),
            "{}",
            err[0].en
        );
    }

    #[test]
    fn unknown_columns_are_counted_not_dropped_in_silence() {
        let g = grid(
            "資産ID,名称,種別,導入年月日,購入価格\nA1,端末,サーバ,2020/4/1,\nA2,端末,サーバ,2021/4/1,\n",
        );
        let r = read(table("assets"), &g, "t.csv", jst(), &mut Vec::new()).unwrap();
        assert_eq!(
            r.ignored,
            [("導入年月日".to_owned(), 2), ("購入価格".to_owned(), 0)]
        );
    }

    #[test]
    fn a_bad_cell_names_its_row_and_column_in_both_languages() {
        let g = grid("資産ID,名称,種別,制御系\nA1,端末,サーバ,たぶん\n");
        let mut problems = Vec::new();
        let r = read(table("assets"), &g, "t.csv", jst(), &mut problems).unwrap();
        assert!(r.rows.is_empty());
        assert_eq!(problems.len(), 1);
        assert_eq!(
            (problems[0].line, problems[0].column.as_deref()),
            (2, Some("制御系"))
        );
        assert!(problems[0].message.ja.contains("たぶん"));
        assert!(problems[0].message.en.contains("not yes or no"));
    }

    #[test]
    fn child_rows_find_their_parents_and_survive_the_parent_table_being_imported_again() {
        let mut doc = json!({});
        let mut problems = Vec::new();
        let assets = grid("資産ID,名称,種別\nA1,端末,サーバ\nA2,端末,サーバ\n");
        let measures = grid("資産ID,種類,内容\nA1,書込み保護,読み取り専用イメージ\nA9,その他,x\n");
        let mut r = read(table("assets"), &assets, "a.csv", jst(), &mut problems).unwrap();
        merge(&mut doc, &mut r, &mut problems);
        let mut m = read(
            table("alternative_measures"),
            &measures,
            "m.csv",
            jst(),
            &mut problems,
        )
        .unwrap();
        merge(&mut doc, &mut m, &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .message
                .en
                .contains("`A9` is not in the table `assets`")
        );
        assert_eq!(
            doc["assets"][0]["alternative_measures"][0]["kind"],
            "write-protected-image"
        );
        // The asset register again, without A2: A1 keeps its measure.
        let again = grid("資産ID,名称,種別\nA1,端末1,サーバ\n");
        let mut r = read(table("assets"), &again, "a.csv", jst(), &mut problems).unwrap();
        let merged = merge(&mut doc, &mut r, &mut problems);
        assert!(merged.replaced);
        assert_eq!(doc["assets"][0]["name"], "端末1");
        assert_eq!(
            doc["assets"][0]["alternative_measures"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn tables_are_found_by_name_or_by_their_header() {
        let g = grid("職員ID,氏名,区分\nP1,a,職員\n");
        assert!(
            matches!(detect(&g, None, None).unwrap(), Detected::Table(t) if t.name == "people")
        );
        assert!(
            matches!(detect(&g, Some("研修"), None).unwrap(), Detected::Table(t) if t.name == "training")
        );
        assert!(matches!(
            detect(&g, Some("説明"), None).unwrap(),
            Detected::Notes
        ));
        let none = grid("foo,bar\n1,2\n");
        assert!(matches!(
            detect(&none, None, None).unwrap(),
            Detected::Unknown
        ));
    }
}
