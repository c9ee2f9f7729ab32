//! What a table is: its columns, what each column means and how its cells
//! are read, and where its rows go in the evidence. The importers, the
//! templates and the column reference in `docs/columns.md` are all made
//! from these definitions, so the three cannot disagree.

use std::any::Any;
use std::sync::Arc;

use mizuchi_evidence::{CodecError, LaidOutItems, SectionKind, Text};
use rayon::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub(crate) use super::assemble::Fields;

/// How a cell is read.
#[derive(Clone, Copy)]
pub(crate) enum CellKind {
    /// Text, kept as written (normalised: full-width letters and digits
    /// made half-width, spaces trimmed).
    Text,
    /// A date: `2024-04-01`, `2024/4/1`, `2024年4月1日`, `R6.4.1`, `令和6年4月1日`.
    Date,
    /// Several dates in one cell, separated by `;`, `、` or line breaks.
    Dates,
    /// A date and time; without an offset it is read in the import's UTC
    /// offset (Japan Standard Time by default).
    Time,
    /// Yes or no: `yes`/`no`, `はい`/`いいえ`, `有`/`無`, `○`/`×`, `true`/`false`.
    Bool,
    /// Several values in one cell, separated by `;`, `、`, `,` or line breaks.
    List,
    /// One value of a fixed set, each written in several ways.
    Choice(&'static [Choice]),
    /// Several values of a fixed set in one cell.
    Choices(&'static [Choice]),
    /// Read by a function of its own (see its column's notes).
    Custom(fn(&str) -> Result<Value, Text>),
}

/// One value of a [`CellKind::Choice`]: the value the evidence holds and
/// the ways a spreadsheet may write it (compared normalised and without
/// regard to case).
#[derive(Clone, Copy)]
pub(crate) struct Choice {
    /// The value in the evidence format (the schema's spelling).
    pub value: &'static str,
    /// Japanese spellings, the first one the template's.
    pub ja: &'static [&'static str],
    /// Other English spellings.
    pub en: &'static [&'static str],
}

/// A column of a table.
#[derive(Clone)]
pub(crate) struct Column {
    /// Where the cell's value goes in the row's record: a field, or a dotted
    /// path into nested fields (`os.product`).
    pub path: String,
    /// The header a template writes, in Japanese and English.
    pub header: Text,
    /// Other headers the column is found by.
    pub aliases: Vec<&'static str>,
    /// How the cell is read.
    pub kind: CellKind,
    /// A record cannot be made without it.
    pub required: bool,
    /// What the column means.
    pub note: Text,
    /// An example value, as a person would write it.
    pub example: &'static str,
}

/// How a table's rows fit into its section.
#[derive(Clone)]
pub(crate) enum Placement {
    /// Each row is one element of the array at this field of the document.
    List(&'static str),
    /// The table has one row: the object at this field of the document.
    Single(&'static str),
    /// The table has one row, whose fields are fields of the document
    /// itself (an inventory's review date).
    Root,
    /// Each row is one element of the array `field` of a record of another
    /// table, found by the values of `keys` (the columns naming the parent,
    /// in the order of the parent's identity: its own keys, then its id).
    Child {
        parent: &'static str,
        field: &'static str,
        keys: &'static [&'static str],
    },
    /// Each row is one record of a log section.
    Log,
}

/// A table: one sheet of a workbook or one CSV file.
#[derive(Clone)]
pub(crate) struct Table {
    /// The table's name (`assets`): what `--table` takes and a sheet or file
    /// may be named (also by its title in either language).
    pub name: &'static str,
    /// The section its rows go to.
    pub section: SectionKind,
    /// Its title, the sheet name a template gives it.
    pub title: Text,
    /// What it lists.
    pub note: Text,
    /// Where its rows go.
    pub placement: Placement,
    /// Its columns.
    pub columns: Vec<Column>,
    /// The evidence type of its rows, and for a list where they go in the
    /// typed document.
    pub records: Arc<dyn Records>,
}

/// A column builder: `col("os.product", "OS製品", "OS product")`.
pub(crate) fn col(path: &str, ja: &'static str, en: &'static str) -> Column {
    Column {
        path: path.to_owned(),
        header: Text::new(ja, en),
        aliases: Vec::new(),
        kind: CellKind::Text,
        required: false,
        note: Text::default(),
        example: "",
    }
}

impl Column {
    /// Other headers the column goes by.
    pub(crate) fn aka(mut self, aliases: &[&'static str]) -> Self {
        self.aliases.extend_from_slice(aliases);
        self
    }

    /// How its cells are read.
    pub(crate) fn kind(mut self, kind: CellKind) -> Self {
        self.kind = kind;
        self
    }

    /// A record needs it.
    pub(crate) fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// What it means, in both languages, and an example value.
    pub(crate) fn note(mut self, ja: &str, en: &str, example: &'static str) -> Self {
        self.note = Text::new(ja, en);
        self.example = example;
        self
    }
}

/// A record read from a row, as its evidence type.
pub(crate) type Typed = Box<dyn Any + Send>;

/// The evidence type a table's rows are read as.
///
/// A row is read straight into its type (no JSON object is made of it), and
/// a list table's records stay typed until the document is written: a
/// register of a hundred thousand rows is never held as JSON. The JSON form
/// is made only where a merge has to see a record as JSON (a single-row
/// table, child rows, a record keeping the child rows it had).
pub(crate) trait Records: Send + Sync {
    /// Reads a row; the error is the field's path and what is wrong.
    fn read(&self, row: Fields<'_>) -> Result<Typed, (String, String)>;
    /// Reads a record given as JSON.
    fn read_json(&self, json: &Value) -> Result<Typed, (String, String)>;
    /// A record as JSON (`null` for what it does not record).
    fn to_json(&self, record: &Typed) -> Value;
    /// Lays `records` out as the items of a document's list, in pieces on
    /// every core (and lets them go there).
    fn lay_out(&self, records: Vec<Typed>) -> Result<Vec<LaidOutItems>, CodecError>;
}

/// The [`Records`] of rows of type `T`.
struct RecordsOf<T>(std::marker::PhantomData<fn() -> T>);

/// The records of a table whose rows are of type `T`.
pub(crate) fn record<T>() -> Arc<dyn Records>
where
    T: DeserializeOwned + Serialize + Send + 'static,
{
    Arc::new(RecordsOf::<T>(std::marker::PhantomData))
}

/// `T` read from `de`, naming the refused field when it is not one. The path
/// is tracked only then: most rows are read once, without it.
fn read_as<'de, T, D>(de: D) -> Result<Typed, (String, String)>
where
    T: DeserializeOwned + Send + 'static,
    D: serde::Deserializer<'de> + Copy,
{
    if let Ok(t) = T::deserialize(de) {
        return Ok(Box::new(t));
    }
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(t) => Ok(Box::new(t)),
        Err(e) => Err((e.path().to_string(), e.inner().to_string())),
    }
}

/// Records laid out together on one core.
const ITEMS_PER_PIECE: usize = 4096;

impl<T> Records for RecordsOf<T>
where
    T: DeserializeOwned + Serialize + Send + 'static,
{
    fn read(&self, row: Fields<'_>) -> Result<Typed, (String, String)> {
        read_as::<T, _>(row)
    }

    fn read_json(&self, json: &Value) -> Result<Typed, (String, String)> {
        read_as::<T, _>(json)
    }

    fn to_json(&self, record: &Typed) -> Value {
        record
            .downcast_ref::<T>()
            .and_then(|t| serde_json::to_value(t).ok())
            .unwrap_or(Value::Null)
    }

    fn lay_out(&self, records: Vec<Typed>) -> Result<Vec<LaidOutItems>, CodecError> {
        records
            .into_par_iter()
            .chunks(ITEMS_PER_PIECE)
            .map(|piece| {
                let items: Option<Vec<&T>> = piece.iter().map(|r| r.downcast_ref::<T>()).collect();
                LaidOutItems::new(items.ok_or_else(|| CodecError::Item {
                    reason: "a record of another table".to_owned(),
                })?)
            })
            .collect()
    }
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}
