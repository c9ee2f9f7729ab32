//! From a grid of cells to evidence records, and from records to a section
//! document.
//!
//! A row is read straight into its evidence type: its cells are presented
//! to the type's deserializer as a record with one member per cell that
//! holds something, at the column's path ([`Fields`]); an empty cell or a
//! missing column leaves the field out, which the evidence types read as
//! "not recorded". So a row is refused exactly when the evidence format
//! refuses it, with the column to blame, and no JSON object is made of it.
//!
//! Merging replaces what the table holds in the document and nothing else:
//! the records of other tables stay, and a record keeps the rows of child
//! tables (an asset's alternative measures) when its own table is imported
//! again.

use std::collections::{BTreeMap, HashMap};

use csv::StringRecord;
use jiff::tz::Offset;
use mizuchi_evidence::Text;
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::grid::Grid;
use super::spec::{CellKind, Choice, Column, Placement, Table, Typed};
use super::tables;
use crate::import::RowProblem;
use crate::import::text::{header_key, list, norm, parse_bool, parse_date, parse_time};

/// One row made into a record.
pub(crate) struct Row {
    /// The row's number in its file or sheet.
    pub line: u64,
    /// For a child table: the values naming the row's parent.
    pub keys: Vec<String>,
    /// The record's `id`, when it has one.
    pub id: Option<String>,
    /// The record.
    pub record: Record,
}

/// A row's record.
pub(crate) enum Record {
    /// As its evidence type.
    Typed(Typed),
    /// As JSON: a log record keeps the row's own fields, in its columns'
    /// order (checked as its evidence type when it was read).
    Json(Value),
}

impl Record {
    /// The record as JSON.
    pub(crate) fn to_json(&self, table: &Table) -> Value {
        match self {
            Record::Typed(t) => table.records.to_json(t),
            Record::Json(v) => v.clone(),
        }
    }
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Row")
            .field("line", &self.line)
            .field("keys", &self.keys)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
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

/// Where each field of a row's record comes from: the columns' paths as a
/// tree, in the order of the columns (`os.product` and `os.build` are two
/// leaves of the group `os`).
#[derive(Debug)]
enum Node {
    /// The cell of the mapped column at this index.
    Cell(usize),
    /// Nested fields, present when one of them is.
    Group(Vec<(&'static str, Node)>),
    /// A value every row of the table has.
    Fixed(Value),
}

impl Node {
    fn present(&self, values: &[Option<Value>]) -> bool {
        match self {
            Node::Cell(i) => values.get(*i).is_some_and(Option::is_some),
            Node::Group(members) => members.iter().any(|(_, n)| n.present(values)),
            Node::Fixed(_) => true,
        }
    }
}

/// Adds the mapped column `m` at the dotted `path` of `tree`. A path under a
/// field another column fills as a whole is not added (nor the other way
/// round): the first column wins.
fn plant(tree: &mut Vec<(&'static str, Node)>, path: &'static str, m: usize) {
    let (head, rest) = match path.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    };
    let at = tree.iter().position(|(name, _)| *name == head);
    match (rest, at) {
        (None, None) => tree.push((head, Node::Cell(m))),
        (Some(rest), None) => {
            let mut members = Vec::new();
            plant(&mut members, rest, m);
            tree.push((head, Node::Group(members)));
        }
        (Some(rest), Some(i)) => {
            if let Node::Group(members) = &mut tree[i].1 {
                plant(members, rest, m);
            }
        }
        (None, Some(_)) => {}
    }
}

/// A row as the fields of a record, for its type's deserializer: each field
/// whose cell (or one of whose nested cells) holds something, in the
/// columns' order.
#[derive(Clone, Copy)]
pub(crate) struct Fields<'a> {
    nodes: &'a [(&'static str, Node)],
    /// The value of each mapped column's cell (`None`: empty).
    values: &'a [Option<Value>],
}

/// The fields of a [`Fields`], one at a time.
struct FieldAccess<'a> {
    nodes: std::slice::Iter<'a, (&'static str, Node)>,
    values: &'a [Option<Value>],
    next: Option<&'a Node>,
}

impl<'de> serde::de::MapAccess<'de> for FieldAccess<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        for (name, node) in self.nodes.by_ref() {
            if node.present(self.values) {
                self.next = Some(node);
                let key = serde::de::value::BorrowedStrDeserializer::new(name);
                return seed.deserialize(key).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        use serde::de::Error;
        match self.next.take() {
            Some(Node::Cell(i)) => match self.values.get(*i) {
                Some(Some(v)) => seed.deserialize(v),
                _ => Err(Self::Error::custom("a field without a value")),
            },
            Some(Node::Group(members)) => seed.deserialize(Fields {
                nodes: members,
                values: self.values,
            }),
            Some(Node::Fixed(v)) => seed.deserialize(v),
            None => Err(Self::Error::custom("a value before its field")),
        }
    }
}

impl<'de> serde::Deserializer<'de> for Fields<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_map(FieldAccess {
            nodes: self.nodes.iter(),
            values: self.values,
            next: None,
        })
    }

    /// A record or group that is there at all holds something.
    fn deserialize_option<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
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
    let mut mapped: Vec<(usize, &'static Column)> = Vec::new();
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
    // The record's fields: every mapped column but those naming the parent,
    // then the values every row has (in place of a column of theirs).
    let mut tree: Vec<(&'static str, Node)> = Vec::new();
    for (m, (_, c)) in mapped.iter().enumerate() {
        if !keys.contains(&c.path.as_str()) {
            plant(&mut tree, c.path.as_str(), m);
        }
    }
    for (field, value) in tables::fixed(table) {
        match tree.iter_mut().find(|(name, _)| *name == field) {
            Some((_, node)) => *node = Node::Fixed(value),
            None => tree.push((field, Node::Fixed(value))),
        }
    }
    let column_of = |path: &str| mapped.iter().position(|(_, c)| c.path == path);
    let plan = Plan {
        table,
        header,
        mapped: &mapped,
        ignored: &ignored,
        keys: keys.iter().filter_map(|k| column_of(k)).collect(),
        id: column_of("id").filter(|_| {
            tree.iter()
                .any(|(n, t)| *n == "id" && matches!(t, Node::Cell(_)))
        }),
        tree: &tree,
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
    header: &'a StringRecord,
    mapped: &'a [(usize, &'static Column)],
    /// Headers no column goes by (their counts are the block's).
    ignored: &'a [(usize, String, u64)],
    /// The mapped columns naming a child row's parent, in the parent's
    /// identity order.
    keys: Vec<usize>,
    /// The mapped column of the record's `id`.
    id: Option<usize>,
    /// The record's fields.
    tree: &'a [(&'static str, Node)],
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
    fn read_block(&self, block: &[(u64, StringRecord)]) -> Block {
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
        let mut values = Vec::with_capacity(self.mapped.len());
        for (line, cells) in block {
            if let Some(row) = self.read_row(*line, cells, &mut memo, &mut values, &mut out) {
                out.rows.push(row);
            }
        }
        out
    }

    /// The record of one row, or `None` for a comment or a row with problems
    /// (added to `out`). `values` is room for the cells' values.
    fn read_row(
        &self,
        line: u64,
        cells: &StringRecord,
        memo: &mut [HashMap<String, Result<Value, Text>>],
        values: &mut Vec<Option<Value>>,
        out: &mut Block,
    ) -> Option<Row> {
        let (table, header) = (self.table, self.header);
        if cells
            .iter()
            .map(norm)
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
        values.clear();
        for (m, (i, column)) in self.mapped.iter().enumerate() {
            let raw = cells.get(*i).unwrap_or("");
            let cell = norm(raw);
            if cell.is_empty() {
                values.push(None);
                continue;
            }
            let value = if let CellKind::Text = column.kind {
                // Normalised just now: not again.
                Ok(Value::String(cell.into_owned()))
            } else if repeats(column.kind) {
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
                Ok(v) => values.push(Some(v)),
                Err(message) => {
                    values.push(None);
                    out.problems.push(RowProblem {
                        input: self.label.to_owned(),
                        line,
                        column: Some(norm(header.get(*i).unwrap_or("")).into_owned()),
                        message,
                    });
                }
            }
        }
        if out.problems.len() > before {
            return None;
        }
        let fields = Fields {
            nodes: self.tree,
            values: values.as_slice(),
        };
        let read = table.records.read(fields).and_then(|typed| {
            Ok(match table.placement {
                Placement::Log => Record::Json(
                    Value::deserialize(fields).map_err(|e| (String::new(), e.to_string()))?,
                ),
                _ => Record::Typed(typed),
            })
        });
        let record = match read {
            Ok(record) => record,
            Err((path, message)) => {
                out.problems.push(self.refusal(line, &path, &message));
                return None;
            }
        };
        let text = |m: &usize| match values.get(*m) {
            Some(Some(Value::String(s))) => Some(s.clone()),
            _ => None,
        };
        Some(Row {
            line,
            keys: self.keys.iter().filter_map(text).collect(),
            id: self.id.as_ref().and_then(text),
            record,
        })
    }

    /// The problem of a row its type refuses at `path`.
    fn refusal(&self, line: u64, path: &str, message: &str) -> RowProblem {
        let table = self.table;
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
                        |(i, _)| norm(self.header.get(*i).unwrap_or("")).into_owned(),
                    )
            });
        RowProblem {
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
        }
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

/// The child rows `old` holds, by field, for a record replacing it to
/// keep (a record read from a row has none: every child list defaults to
/// empty, so an empty one need not be kept).
fn child_rows<'a>(kids: &[&Table], old: &'a Value) -> Vec<(&'static str, &'a Value)> {
    kids.iter()
        .filter_map(|k| match &k.placement {
            Placement::Child { field, .. } => old
                .get(*field)
                .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()))
                .map(|v| (*field, v)),
            _ => None,
        })
        .collect()
}

/// Puts the child rows `carried` into the record `new`.
fn carry(carried: &[(&'static str, &Value)], new: &mut Value) {
    if let Some(obj) = new.as_object_mut() {
        for (field, rows) in carried {
            obj.insert((*field).to_owned(), (*rows).clone());
        }
    }
}

/// Whether a child table of `table` is among the tables `names` (imported
/// together, it finds its parents in the document's JSON).
pub(crate) fn has_children_among(table: &Table, names: &[&str]) -> bool {
    children(table).iter().any(|k| names.contains(&k.name))
}

/// What merging a table did.
#[derive(Default)]
pub(crate) struct Merged {
    /// Rows of child tables that belonged to records no longer listed, and
    /// went with them: (child table, count).
    pub dropped: Vec<(&'static str, u64)>,
    /// The table held records before (which this import replaced).
    pub replaced: bool,
    /// The records of a list table kept typed, and the list's field: the
    /// document's list is left empty, for these to be laid out into when it
    /// is written.
    pub typed: Option<(&'static str, Vec<Typed>)>,
}

/// Puts the records of `read` into the section document `doc`, replacing
/// what the table held (the records are moved, not copied: `read` keeps its
/// rows' lines and keys). The records of a list table stay typed (returned
/// in [`Merged::typed`]) unless `as_json`: a child table imported with it
/// finds its parents in `doc`. A child row whose parent is not in the
/// document is a problem.
pub(crate) fn merge(
    doc: &mut Value,
    read: &mut Read,
    as_json: bool,
    problems: &mut Vec<RowProblem>,
) -> Merged {
    if !doc.is_object() {
        *doc = Value::Object(Map::new());
    }
    let mut merged = Merged::default();
    let table = read.table;
    let kids = children(table);
    let json = |r: &Row| r.record.to_json(table);
    match &table.placement {
        Placement::List(field) => {
            let old: Vec<Value> = match doc.get_mut(*field).map(Value::take) {
                Some(Value::Array(old)) => old,
                _ => Vec::new(),
            };
            merged.replaced = !old.is_empty();
            let id = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_owned);
            let by_id: HashMap<String, usize> = old
                .iter()
                .enumerate()
                .filter_map(|(i, o)| Some((id(o)?, i)))
                .collect();
            let mut kept = vec![false; old.len()];
            for r in &mut read.rows {
                let Some(&i) = r.id.as_ref().and_then(|nid| by_id.get(nid)) else {
                    continue;
                };
                kept[i] = true;
                let carried = child_rows(&kids, &old[i]);
                if carried.is_empty() {
                    continue;
                }
                let mut new = r.record.to_json(table);
                carry(&carried, &mut new);
                r.record = match table.records.read_json(&new) {
                    Ok(t) => Record::Typed(t),
                    Err(_) => Record::Json(new),
                };
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
            let all_typed = read
                .rows
                .iter()
                .all(|r| matches!(r.record, Record::Typed(_)));
            if as_json || !all_typed {
                doc[*field] = Value::Array(read.rows.iter().map(json).collect());
            } else {
                doc[*field] = Value::Array(Vec::new());
                let typed = read
                    .rows
                    .iter_mut()
                    .filter_map(|r| {
                        match std::mem::replace(&mut r.record, Record::Json(Value::Null)) {
                            Record::Typed(t) => Some(t),
                            Record::Json(_) => None,
                        }
                    })
                    .collect();
                merged.typed = Some((*field, typed));
            }
        }
        Placement::Root => {
            extra_rows(read, problems);
            if let (Some(obj), Some(row)) = (doc.as_object_mut(), read.rows.first()) {
                let record = json(row);
                for c in &table.columns {
                    merged.replaced |= obj.get(c.path.as_str()).is_some_and(|v| !v.is_null());
                    match record.get(c.path.as_str()) {
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
                    let mut new = json(r);
                    if let Some(o) = &old {
                        carry(&child_rows(&kids, o), &mut new);
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
                    groups.entry(r.keys.clone()).or_default().push(json(r));
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
    use mizuchi_evidence::SectionKind;

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
        let rec = r.rows[0].record.to_json(r.table);
        assert_eq!(rec["authentication"]["method"], "password");
        // Not recorded: never a default `false` (or an empty list).
        assert!(rec["authentication"]["auto_logon"].is_null(), "{rec}");
        assert!(rec["control_system"].is_null(), "{rec}");
        assert!(rec["networks"].is_null(), "{rec}");
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
        merge(&mut doc, &mut r, true, &mut problems);
        let mut m = read(
            table("alternative_measures"),
            &measures,
            "m.csv",
            jst(),
            &mut problems,
        )
        .unwrap();
        merge(&mut doc, &mut m, true, &mut problems);
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
        for as_json in [true, false] {
            let mut doc = doc.clone();
            let mut r = read(table("assets"), &again, "a.csv", jst(), &mut problems).unwrap();
            let merged = merge(&mut doc, &mut r, as_json, &mut problems);
            assert!(merged.replaced);
            assert!(merged.dropped.is_empty());
            let text = written(SectionKind::Inventory, &doc, table("assets"), merged);
            let doc: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(doc["assets"][0]["name"], "端末1", "{doc}");
            assert_eq!(
                doc["assets"][0]["alternative_measures"]
                    .as_array()
                    .unwrap()
                    .len(),
                1
            );
        }
    }

    /// The document as the bundle writes it, with the typed records the
    /// merge kept laid out ahead into their list.
    fn written(section: SectionKind, doc: &Value, table: &Table, merged: Merged) -> String {
        let ahead = merged
            .typed
            .map(|(field, records)| vec![(field, table.records.lay_out(records).unwrap())])
            .unwrap_or_default();
        let mut out = Vec::new();
        mizuchi_evidence::write_completed_document(section, doc, ahead, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_list_table_kept_typed_is_written_as_its_records_in_json_would_be() {
        // Each list table's own example row (every column filled as its
        // template shows), twice: the typed records are laid out into the
        // list the table names, and give the bytes the JSON path gives.
        let lists = tables::all()
            .iter()
            .filter(|t| matches!(t.placement, Placement::List(_)));
        let mut checked = 0;
        for t in lists {
            let mut csv = csv::Writer::from_writer(Vec::new());
            csv.write_record(t.columns.iter().map(|c| c.header.ja.as_str()))
                .unwrap();
            for id in ["X1", "X2"] {
                csv.write_record(t.columns.iter().map(|c| match c.path.as_str() {
                    "id" => id,
                    _ => c.example,
                }))
                .unwrap();
            }
            let g = super::super::grid::read_csv(&csv.into_inner().unwrap()).unwrap();
            let bytes = |as_json: bool| {
                let mut problems = Vec::new();
                let mut r = read(t, &g, "t.csv", jst(), &mut problems).unwrap();
                assert!(problems.is_empty(), "{}: {problems:?}", t.name);
                assert_eq!(r.rows.len(), 2, "{}", t.name);
                let mut doc = json!({});
                let merged = merge(&mut doc, &mut r, as_json, &mut problems);
                assert_eq!(merged.typed.is_some(), !as_json, "{}", t.name);
                written(t.section, &doc, t, merged)
            };
            let (typed, json) = (bytes(false), bytes(true));
            assert_eq!(typed, json, "{}", t.name);
            assert_eq!(
                typed.lines().filter(|l| l.starts_with("    {")).count(),
                2,
                "{typed}"
            );
            checked += 1;
        }
        assert!(checked >= 20, "{checked} list tables");
    }

    #[test]
    fn a_list_kept_typed_is_written_as_the_same_records_in_json_would_be() {
        // Nested columns, empty cells, a group with no cell filled, lists
        // and choices: both ways give the same bytes.
        let g = grid(
            "資産ID,名称,種別,OS,ビルド,認証方式,自動ログオン,ウイルス対策,定義ファイル更新日,外部媒体制御,外部媒体制御の方法,拠点,設置場所,IPアドレス,接続ネットワーク\n\
             A1,端末,監視操作端末,Windows 10,19045,パスワード,×,○,2026/11/1,無効化,技術的,KTN,KTN-CTRL,10.0.0.1; 10.0.0.2,なし\n\
             A2,制御器,PLC,ファームウェア,,なし,,×,,制限なし,運用,,,,ctl\n",
        );
        let bytes = |as_json: bool| {
            let mut problems = Vec::new();
            let mut r = read(table("assets"), &g, "t.csv", jst(), &mut problems).unwrap();
            assert!(problems.is_empty(), "{problems:?}");
            let mut doc = json!({});
            let merged = merge(&mut doc, &mut r, as_json, &mut problems);
            assert_eq!(merged.typed.is_some(), !as_json);
            written(SectionKind::Inventory, &doc, table("assets"), merged)
        };
        let (typed, json) = (bytes(false), bytes(true));
        assert_eq!(typed, json);
        assert!(typed.contains(r#"{"id":"A1","#), "{typed}");
        assert!(typed.contains(r#""networks":[]"#), "{typed}");
        // A2 records no location and no build: the fields are left out.
        let a2 = typed.lines().find(|l| l.contains(r#""id":"A2""#)).unwrap();
        assert!(!a2.contains("location") && !a2.contains("build"), "{a2}");
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
