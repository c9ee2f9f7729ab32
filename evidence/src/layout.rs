//! The layout of a document as the bundle keeps it: one record per line.
//!
//! A bundle's documents are read by people (an auditor opening
//! `inventory.json`, a reviewer reading `git diff` of two months' evidence)
//! and by programs that hash and parse them on every run. Fully
//! pretty-printed, a 100,000-asset inventory is 105 MB, most of it
//! indentation and `null`s, and a changed asset shows as scattered lines.
//! So the writer lays a document out like this:
//!
//! ```text
//! {
//!   "reviewed_on": "2026-04-01",
//!   "assets": [
//!     {"id":"HMI-01","name":"端末","kind":"hmi","os":{"product":"Windows 10"}},
//!     {"id":"PLC-01","name":"制御器","kind":"plc","networks":[]}
//!   ]
//! }
//! ```
//!
//! Everything outside a list is indented as usual; each item of a list is
//! one compact line, whatever it holds. A field whose value is `null` is
//! left out: every optional field of the evidence types reads a missing
//! field as "not recorded", exactly as it reads `null`, so nothing is lost
//! (an empty list, which can mean "none" rather than "not recorded", is
//! kept). The bytes are valid JSON that any parser reads.
//!
//! The items of a document's list can also be laid out ahead of the
//! document, in pieces on as many cores as there are ([`LaidOutItems`]): a
//! register of a hundred thousand assets is most of its document, and one
//! core writing it line by line would leave the others idle. The pieces are
//! made by this same writer, so the document's bytes are the same either way.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

use crate::CodecError;

/// The items of one of a document's lists (a field of the document itself,
/// such as an inventory's `assets`), laid out ahead of the document exactly
/// as the document's writer lays them out. A long list is made in pieces,
/// each on its own core; the pieces, in order, are given to
/// [`write_completed_document`](crate::write_completed_document), which
/// writes them as the first items of the list.
#[derive(Debug, Default)]
pub struct LaidOutItems {
    /// `[`, the items, and the end of the list (`\n  ]`) as the writer wrote them.
    bytes: Vec<u8>,
    /// The items: `bytes[items]`, each on a line of its own and separated
    /// by commas.
    items: std::ops::Range<usize>,
    count: usize,
}

impl LaidOutItems {
    /// Lays out `items` as the items of a list that is a field of a
    /// document.
    ///
    /// ```
    /// use mizuchi_evidence::{LaidOutItems, SectionKind, Training, write_completed_document};
    /// let json = serde_json::json!({
    ///     "records": [{"person": "P2", "course": "初任者研修", "completed_on": "2026-05-01"}]
    /// });
    /// let whole: Training = serde_json::from_value(json.clone())?;
    /// let ahead = vec![("records", vec![LaidOutItems::new(&whole.records)?])];
    /// let (mut with_ahead, mut at_once) = (Vec::new(), Vec::new());
    /// write_completed_document(SectionKind::Training, &serde_json::json!({}), ahead, &mut with_ahead)?;
    /// write_completed_document(SectionKind::Training, &json, Vec::new(), &mut at_once)?;
    /// assert_eq!(with_ahead, at_once);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new<I>(items: I) -> Result<Self, CodecError>
    where
        I: IntoIterator,
        I::Item: Serialize,
    {
        let mut count = 0;
        let mut bytes = Vec::new();
        // Inside a document, as a field of it: the list is written as it
        // would be there, and its brackets cut off.
        let mut none = Ahead::new();
        let mut format = RecordPerLine::new(&mut none);
        format.levels.push(Level {
            pretty: true,
            array: false,
            written: true,
            ahead: false,
        });
        let mut ser = serde_json::Serializer::with_formatter(&mut bytes, format);
        serde::Serializer::collect_seq(&mut ser, items.into_iter().inspect(|_| count += 1))
            .map_err(|e| CodecError::Item {
                reason: e.to_string(),
            })?;
        let items = if count == 0 {
            0..0
        } else {
            1..bytes.len().saturating_sub(LIST_END.len())
        };
        Ok(LaidOutItems {
            bytes,
            items,
            count,
        })
    }

    /// How many items it holds.
    pub fn len(&self) -> usize {
        self.count
    }

    /// It holds no item.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The items as the list holds them.
    fn items(&self) -> &[u8] {
        self.bytes.get(self.items.clone()).unwrap_or_default()
    }
}

/// How a non-empty list that is a field of a document ends.
const LIST_END: &[u8] = b"\n  ]";

/// A container being written.
struct Level {
    /// Laid out over several lines (outside every list item).
    pretty: bool,
    /// An array (its items are lines of their own when `pretty`).
    array: bool,
    /// Something was written in it (a separator comes before the next).
    written: bool,
    /// Items laid out ahead were written in it (its own come after them).
    ahead: bool,
}

/// Lists of a document whose items were laid out ahead: each field's key as
/// written (`"assets"`) and the pieces.
pub(crate) type Ahead = Vec<(Vec<u8>, Vec<LaidOutItems>)>;

/// The `serde_json` formatter of the bundle layout (see the module docs).
pub(crate) struct RecordPerLine<'a> {
    levels: Vec<Level>,
    /// Lists whose items were laid out ahead. Each is taken when its list is
    /// written; what is left was for lists the document lacks.
    ahead: &'a mut Ahead,
    /// The key being written, held until its value shows it is not `null`.
    key: Vec<u8>,
    /// Writes go to `key` (between `begin_object_key` and `end_object_key`).
    in_key: bool,
    /// A key is held and its value not yet begun.
    pending: bool,
    /// The current field's value is `null`: it and its key are left out.
    skipping: bool,
}

impl<'a> RecordPerLine<'a> {
    /// The formatter of a document, writing the items in `ahead` into their
    /// lists.
    pub(crate) fn new(ahead: &'a mut Ahead) -> Self {
        RecordPerLine {
            levels: Vec::new(),
            ahead,
            key: Vec::new(),
            in_key: false,
            pending: false,
            skipping: false,
        }
    }

    /// A line break and the indentation of the current depth.
    fn newline<W: ?Sized + Write>(&self, w: &mut W, depth: usize) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    /// Writes the held key (and what comes before it) now that its value is
    /// known not to be `null`.
    fn flush_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if !self.pending {
            return Ok(());
        }
        self.pending = false;
        let depth = self.levels.len();
        let Some(level) = self.levels.last_mut() else {
            return Ok(());
        };
        let (pretty, written) = (level.pretty, level.written);
        level.written = true;
        if written {
            w.write_all(b",")?;
        }
        if pretty {
            self.newline(w, depth)?;
        }
        w.write_all(&self.key)?;
        w.write_all(if pretty { b": " } else { b":" })
    }

    /// Opens a container.
    fn open<W: ?Sized + Write>(&mut self, w: &mut W, array: bool) -> io::Result<()> {
        self.flush_key(w)?;
        let pretty = self.levels.last().is_none_or(|p| p.pretty && !p.array);
        w.write_all(if array { b"[" } else { b"{" })?;
        // A list that is a field of the document (the key just written is
        // its name) may have items laid out ahead: they come first.
        let mut ahead = false;
        if array
            && pretty
            && self.levels.len() == 1
            && let Some(i) = self.ahead.iter().position(|(key, _)| *key == self.key)
        {
            let (_, pieces) = self.ahead.swap_remove(i);
            for piece in pieces.iter().filter(|p| !p.is_empty()) {
                if ahead {
                    w.write_all(b",")?;
                }
                w.write_all(piece.items())?;
                ahead = true;
            }
        }
        self.levels.push(Level {
            pretty,
            array,
            written: ahead,
            ahead,
        });
        Ok(())
    }

    /// Closes a container.
    fn close<W: ?Sized + Write>(&mut self, w: &mut W, array: bool) -> io::Result<()> {
        if let Some(level) = self.levels.pop()
            && level.pretty
            && level.written
        {
            self.newline(w, self.levels.len())?;
        }
        w.write_all(if array { b"]" } else { b"}" })
    }
}

/// Where a write goes: the held key, nowhere (a `null` left out), or out.
macro_rules! route {
    ($self:ident, $w:ident, |$out:ident| $body:expr) => {{
        if $self.in_key {
            let $out = &mut $self.key;
            $body
        } else if $self.skipping {
            Ok(())
        } else {
            $self.flush_key($w)?;
            let $out = $w;
            $body
        }
    }};
}

macro_rules! scalars {
    ($($name:ident($ty:ty)),* $(,)?) => {
        $(fn $name<W: ?Sized + Write>(&mut self, w: &mut W, value: $ty) -> io::Result<()> {
            route!(self, w, |out| CompactFormatter.$name(out, value))
        })*
    };
}

impl Formatter for RecordPerLine<'_> {
    fn write_null<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.in_key {
            return CompactFormatter.write_null(&mut self.key);
        }
        if self.pending {
            // The field is `null`: neither it nor its key is written.
            self.pending = false;
            self.skipping = true;
            return Ok(());
        }
        route!(self, w, |out| CompactFormatter.write_null(out))
    }

    scalars! {
        write_bool(bool),
        write_i8(i8), write_i16(i16), write_i32(i32), write_i64(i64), write_i128(i128),
        write_u8(u8), write_u16(u16), write_u32(u32), write_u64(u64), write_u128(u128),
        write_f32(f32), write_f64(f64),
        write_number_str(&str),
        write_string_fragment(&str),
        write_char_escape(CharEscape),
        write_byte_array(&[u8]),
        write_raw_fragment(&str),
    }

    fn begin_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        route!(self, w, |out| CompactFormatter.begin_string(out))
    }

    fn end_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        route!(self, w, |out| CompactFormatter.end_string(out))
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, true)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, true)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        let depth = self.levels.len();
        let (pretty, ahead) = self.levels.last_mut().map_or((false, false), |l| {
            l.written = true;
            (l.pretty, l.ahead)
        });
        if !first || ahead {
            w.write_all(b",")?;
        }
        if pretty {
            self.newline(w, depth)?;
        }
        Ok(())
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, false)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, false)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, _w: &mut W, _first: bool) -> io::Result<()> {
        // Whether a separator comes first is the level's to say: the fields
        // before may all have been left out.
        self.key.clear();
        self.in_key = true;
        Ok(())
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.in_key = false;
        self.pending = true;
        Ok(())
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.skipping = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;

    fn lay_out<T: Serialize>(value: &T) -> String {
        lay_out_with(value, Vec::new())
    }

    fn lay_out_with<T: Serialize>(value: &T, ahead: Vec<(&str, Vec<LaidOutItems>)>) -> String {
        let mut ahead: Ahead = ahead
            .into_iter()
            .map(|(k, p)| (serde_json::to_vec(k).unwrap(), p))
            .collect();
        let mut out = Vec::new();
        let mut ser =
            serde_json::Serializer::with_formatter(&mut out, RecordPerLine::new(&mut ahead));
        value.serialize(&mut ser).unwrap();
        assert!(ahead.is_empty(), "a list laid out ahead was not written");
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn items_laid_out_ahead_in_pieces_give_the_bytes_of_the_whole_list() {
        let item = |i: usize| json!({"id": format!("A{i}"), "x": null, "os": {"b": null, "p": i}, "n": []});
        let all: Vec<serde_json::Value> = (0..7).map(item).collect();
        let whole = lay_out(&json!({"assets": all, "other": [1], "z": "w"}));
        // Cuts of the list into pieces (an empty piece among them), with
        // the list's own items after those laid out ahead.
        for (cut, own) in [(0, 0), (3, 0), (7, 0), (2, 5), (0, 7), (5, 2)] {
            let (ahead, rest) = all.split_at(7 - own);
            let (a, b) = ahead.split_at(cut.min(ahead.len()));
            let pieces = vec![
                LaidOutItems::new(a).unwrap(),
                LaidOutItems::new(Vec::<u8>::new()).unwrap(),
                LaidOutItems::new(b).unwrap(),
            ];
            assert_eq!(pieces.iter().map(LaidOutItems::len).sum::<usize>(), 7 - own);
            let doc = json!({"assets": rest, "other": [1], "z": "w"});
            assert_eq!(
                lay_out_with(&doc, vec![("assets", pieces)]),
                whole,
                "cut {cut}, own {own}"
            );
        }
        // Nothing laid out ahead: an empty list stays `[]`.
        let empty = vec![LaidOutItems::new(Vec::<u8>::new()).unwrap()];
        assert_eq!(
            lay_out_with(&json!({"assets": []}), vec![("assets", empty)]),
            "{\n  \"assets\": []\n}"
        );
    }

    #[test]
    fn list_items_are_lines_and_null_fields_are_left_out() {
        // Keys in alphabetical order: the order serde_json keeps either way.
        let doc = json!({
            "a": null,
            "assets": [
                {"id": "HMI-01", "networks": [], "os": {"build": null, "product": "Windows 10"}},
                {"id": "PLC-\"1\"", "location": null}
            ],
            "empty": [],
            "owner": {"name": "浄水課", "phone": null, "tags": ["x", null]},
            "reviewed_on": "2026-04-01",
            "z": null
        });
        let text = lay_out(&doc);
        let expected = r#"{
  "assets": [
    {"id":"HMI-01","networks":[],"os":{"product":"Windows 10"}},
    {"id":"PLC-\"1\""}
  ],
  "empty": [],
  "owner": {
    "name": "浄水課",
    "tags": [
      "x",
      null
    ]
  },
  "reviewed_on": "2026-04-01"
}"#;
        assert_eq!(text, expected);
        // What is left out is what a reader takes as absent anyway.
        let mut back: serde_json::Value = serde_json::from_str(&text).unwrap();
        let strip = |v: &mut serde_json::Value| strip_null_fields(v);
        let mut expected = doc.clone();
        strip(&mut expected);
        strip(&mut back);
        assert_eq!(back, expected);
    }

    #[test]
    fn an_object_of_nothing_but_nulls_is_an_empty_object() {
        assert_eq!(lay_out(&json!({"a": null, "b": null})), "{}");
        assert_eq!(lay_out(&json!([{"a": null}])), "[\n  {}\n]");
        assert_eq!(
            lay_out(&json!({"m": {"1": null, "2": 3}})),
            "{\n  \"m\": {\n    \"2\": 3\n  }\n}"
        );
    }

    fn strip_null_fields(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.retain(|_, x| !x.is_null());
                m.values_mut().for_each(strip_null_fields);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip_null_fields),
            _ => {}
        }
    }
}
