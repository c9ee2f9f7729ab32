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

use std::io::{self, Write};

use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

/// A container being written.
struct Level {
    /// Laid out over several lines (outside every list item).
    pretty: bool,
    /// An array (its items are lines of their own when `pretty`).
    array: bool,
    /// Something was written in it (a separator comes before the next).
    written: bool,
}

/// The `serde_json` formatter of the bundle layout (see the module docs).
#[derive(Default)]
pub(crate) struct RecordPerLine {
    levels: Vec<Level>,
    /// The key being written, held until its value shows it is not `null`.
    key: Vec<u8>,
    /// Writes go to `key` (between `begin_object_key` and `end_object_key`).
    in_key: bool,
    /// A key is held and its value not yet begun.
    pending: bool,
    /// The current field's value is `null`: it and its key are left out.
    skipping: bool,
}

impl RecordPerLine {
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
        self.levels.push(Level {
            pretty,
            array,
            written: false,
        });
        w.write_all(if array { b"[" } else { b"{" })
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

impl Formatter for RecordPerLine {
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
        let pretty = self.levels.last_mut().is_some_and(|l| {
            l.written = true;
            l.pretty
        });
        if !first {
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
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, RecordPerLine::default());
        value.serialize(&mut ser).unwrap();
        String::from_utf8(out).unwrap()
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
