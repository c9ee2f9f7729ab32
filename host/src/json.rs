//! Strict JSON: what evidence files must be beyond well-formed.
//!
//! serde_json accepts a duplicate key (the last one wins) and silently rounds
//! an integer beyond 2^53 to the nearest double. In evidence either would
//! change a decision without anyone noticing, so both are refused here, with
//! the JSON path of the offending value and, from serde_json, its line and
//! column.
//!
//! What is read is a [`Doc`], a tree that borrows its strings from the text,
//! and JSON Schemas validate it as it is ([`DocJson`]).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt::{self, Write as _};

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, JsonNumber, Node, NodeIdentity, Object};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The largest integer every JSON reader represents exactly: 2^53 − 1.
pub(crate) const MAX_EXACT: u64 = (1 << 53) - 1;

#[derive(Debug, Clone)]
enum Seg<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

/// Renders a path as `$.assets[3].name` (keys that are not plain words in
/// brackets and quotes).
fn render(path: &[Seg<'_>]) -> String {
    let mut out = String::from("$");
    for seg in path {
        match seg {
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
            Seg::Key(k)
                if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                let _ = write!(out, ".{k}");
            }
            Seg::Key(k) => {
                let _ = write!(out, "[{k:?}]");
            }
        }
    }
    out
}

/// Renders a JSON pointer (`/assets/3/name`) as a path (`$.assets[3].name`).
pub(crate) fn pointer_to_path(pointer: &str) -> String {
    let segs: Vec<Seg<'_>> = pointer
        .split('/')
        .skip(1)
        .map(|s| {
            let s = s.replace("~1", "/").replace("~0", "~");
            match s.parse::<usize>() {
                Ok(i) => Seg::Index(i),
                Err(_) => Seg::Key(Cow::Owned(s)),
            }
        })
        .collect();
    render(&segs)
}

/// A JSON document read by [`parse_strict`]: a tree that borrows its strings
/// from the text (a string with an escape is the only one copied). Schemas
/// validate it directly (see [`DocJson`]), and it costs a fraction of a
/// `serde_json::Value` to build and to drop: no map per object, no hashing,
/// no copy per string.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Doc<'a> {
    #[default]
    Null,
    Bool(bool),
    Number(Num),
    String(Cow<'a, str>),
    Array(Vec<Doc<'a>>),
    /// Members in document order; their names are unique.
    Object(Vec<(Cow<'a, str>, Doc<'a>)>),
}

/// A number of a [`Doc`]: always within ±(2^53 − 1), so exact however read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    Unsigned(u64),
    Signed(i64),
    Float(f64),
}

/// Members past which an object checks its names for duplicates with a set
/// instead of by comparison with each earlier one.
const SCAN_MEMBERS: usize = 16;

struct Strict<'p, 'de> {
    path: &'p RefCell<Vec<Seg<'de>>>,
}

impl Strict<'_, '_> {
    fn here(&self) -> String {
        render(&self.path.borrow())
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_, 'de> {
    type Value = Doc<'de>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Doc<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

/// An object's member name, borrowed from the text unless it has an escape.
struct Name;

impl<'de> DeserializeSeed<'de> for Name {
    type Value = Cow<'de, str>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Name {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

fn inexact<E: de::Error>(at: String, shown: impl fmt::Display) -> E {
    E::custom(format!(
        "the number {shown} at {at} is outside ±(2^53−1), the range every JSON reader holds exactly; write it as a string"
    ))
}

impl<'de> Visitor<'de> for Strict<'_, 'de> {
    type Value = Doc<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Doc<'de>, E> {
        Ok(Doc::Bool(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Doc<'de>, E> {
        if v > MAX_EXACT {
            return Err(inexact(self.here(), v));
        }
        Ok(Doc::Number(Num::Unsigned(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Doc<'de>, E> {
        if v.unsigned_abs() > MAX_EXACT {
            return Err(inexact(self.here(), v));
        }
        Ok(Doc::Number(Num::Signed(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Doc<'de>, E> {
        // Integers past u64 arrive here too, already rounded.
        if !v.is_finite() || v.abs() > MAX_EXACT as f64 {
            return Err(inexact(self.here(), v));
        }
        Ok(Doc::Number(Num::Float(v)))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Doc<'de>, E> {
        Ok(Doc::String(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Doc<'de>, E> {
        Ok(Doc::String(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Doc<'de>, E> {
        Ok(Doc::String(Cow::Owned(v)))
    }

    fn visit_unit<E>(self) -> Result<Doc<'de>, E> {
        Ok(Doc::Null)
    }

    fn visit_none<E>(self) -> Result<Doc<'de>, E> {
        Ok(Doc::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Doc<'de>, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Doc<'de>, A::Error> {
        let mut out = Vec::new();
        loop {
            self.path.borrow_mut().push(Seg::Index(out.len()));
            let next = seq.next_element_seed(Strict { path: self.path });
            self.path.borrow_mut().pop();
            match next? {
                Some(v) => out.push(v),
                None => return Ok(Doc::Array(out)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc<'de>, A::Error> {
        let mut out: Vec<(Cow<'de, str>, Doc<'de>)> = Vec::new();
        // The names so far, once there are too many to compare one by one.
        let mut names: Option<HashSet<Cow<'de, str>>> = None;
        while let Some(key) = map.next_key_seed(Name)? {
            let seen = match &mut names {
                Some(set) => !set.insert(key.clone()),
                None => out.iter().any(|(name, _)| *name == key),
            };
            if seen {
                let at = self.here();
                return Err(de::Error::custom(format!(
                    "duplicate key `{key}` in the object at {at}; keep one"
                )));
            }
            self.path.borrow_mut().push(Seg::Key(key.clone()));
            let value = map.next_value_seed(Strict { path: self.path });
            self.path.borrow_mut().pop();
            out.push((key, value?));
            if names.is_none() && out.len() >= SCAN_MEMBERS {
                names = Some(out.iter().map(|(name, _)| name.clone()).collect());
            }
        }
        Ok(Doc::Object(out))
    }
}

/// Parses JSON text, refusing duplicate keys and inexact numbers.
pub(crate) fn parse_strict(text: &str) -> Result<Doc<'_>, serde_json::Error> {
    let path = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let doc = Strict { path: &path }.deserialize(&mut de)?;
    de.end()?;
    Ok(doc)
}

impl Doc<'_> {
    /// The same document as a `serde_json::Value` (for error messages).
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Doc::Null => Value::Null,
            Doc::Bool(b) => Value::Bool(*b),
            Doc::Number(n) => Value::Number(n.exact()),
            Doc::String(s) => Value::String(s.to_string()),
            Doc::Array(items) => Value::Array(items.iter().map(Doc::to_value).collect()),
            Doc::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(name, v)| (name.to_string(), v.to_value()))
                    .collect::<Map<String, Value>>(),
            ),
        }
    }
}

impl Num {
    fn exact(self) -> Number {
        match self {
            Num::Unsigned(n) => n.into(),
            Num::Signed(n) => n.into(),
            // Finite by construction; `0` only if that ever changed.
            Num::Float(f) => Number::from_f64(f).unwrap_or_else(|| 0.into()),
        }
    }
}

/// [`Doc`] as a representation JSON Schemas validate (jsonschema's `Json`).
pub(crate) struct DocJson;

impl Json for DocJson {
    type Node<'a> = &'a Doc<'a>;
    type PreparedKey = String;
    type StringBuffer = Doc<'static>;

    // Members are a vector: a pass over them beats a linear lookup per key.
    const KEYS_PER_LOOKUP: usize = 4;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(
        buffer: &mut Doc<'static>,
        string: &str,
        f: impl FnOnce(Self::Node<'_>) -> T,
    ) -> T {
        *buffer = Doc::String(Cow::Owned(string.to_owned()));
        f(buffer)
    }
}

impl JsonNumber for Num {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            Num::Unsigned(n) => Some(n),
            Num::Signed(n) => u64::try_from(n).ok(),
            Num::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            Num::Unsigned(n) => i64::try_from(n).ok(),
            Num::Signed(n) => Some(n),
            Num::Float(_) => None,
        }
    }

    #[allow(clippy::cast_precision_loss)] // within ±2^53: exact
    fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            Num::Unsigned(n) => n as f64,
            Num::Signed(n) => n as f64,
            Num::Float(f) => f,
        })
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.exact().to_string())
    }

    fn to_number(&self) -> Cow<'_, Number> {
        Cow::Owned(self.exact())
    }

    fn is_integer(&self) -> bool {
        match *self {
            Num::Unsigned(_) | Num::Signed(_) => true,
            Num::Float(f) => f.fract() == 0.0,
        }
    }

    fn is_written_as_integer(&self) -> bool {
        !matches!(self, Num::Float(_))
    }
}

impl<'a> Node<'a, DocJson> for &'a Doc<'a> {
    type Object = &'a [(Cow<'a, str>, Doc<'a>)];
    type Array = &'a [Doc<'a>];
    type Number = Num;

    fn as_object(&self) -> Option<Self::Object> {
        match self {
            Doc::Object(members) => Some(members),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<Self::Array> {
        match self {
            Doc::Array(items) => Some(items),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self {
            Doc::String(s) => Some(Cow::Borrowed(s.as_ref())),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<Num> {
        match self {
            Doc::Number(n) => Some(*n),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self {
            Doc::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self, Doc::Null)
    }

    fn json_type(&self) -> JsonType {
        match self {
            Doc::Null => JsonType::Null,
            Doc::Bool(_) => JsonType::Boolean,
            Doc::Number(_) => JsonType::Number,
            Doc::String(_) => JsonType::String,
            Doc::Array(_) => JsonType::Array,
            Doc::Object(_) => JsonType::Object,
        }
    }

    // `enum` compares every string against each allowed value: no copy.
    fn equals_value(&self, expected: &Value) -> bool {
        match (self, expected) {
            (Doc::String(s), Value::String(e)) => s == e,
            (Doc::Bool(b), Value::Bool(e)) => b == e,
            (Doc::Null, Value::Null) => true,
            (Doc::Number(n), Value::Number(e)) => jsonschema::json::cmp::equal_numbers(n, e),
            (Doc::Array(_) | Doc::Object(_), Value::Array(_) | Value::Object(_)) => {
                jsonschema::json::cmp::equal(&self.to_value(), expected)
            }
            _ => false,
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(Doc::to_value(self))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(
            std::ptr::from_ref::<Doc<'a>>(*self) as usize
        ))
    }
}

impl<'a> Object<'a, DocJson> for &'a [(Cow<'a, str>, Doc<'a>)] {
    type Node = &'a Doc<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[_]>::len(self)
    }

    fn get(&self, key: &String) -> Option<&'a Doc<'a>> {
        self.iter()
            .find(|(name, _)| name.as_ref() == key.as_str())
            .map(|(_, v)| v)
    }

    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

/// The members of an object of a [`Doc`], in document order.
pub(crate) struct Members<'a>(std::slice::Iter<'a, (Cow<'a, str>, Doc<'a>)>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Doc<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(name, v)| (name.as_ref(), v))
    }
}

impl<'a> Array<'a, DocJson> for &'a [Doc<'a>] {
    type Node = &'a Doc<'a>;
    type ElementsIter = std::slice::Iter<'a, Doc<'a>>;

    fn len(&self) -> usize {
        <[_]>::len(self)
    }

    fn elements(&self) -> Self::ElementsIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_are_refused_with_their_path_and_line() {
        let err =
            parse_strict("{\n \"assets\": [\n  {\"id\": \"a\", \"id\": \"b\"}\n ]\n}").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("duplicate key `id` in the object at $.assets[0]"),
            "{msg}"
        );
        assert_eq!(err.line(), 3);
    }

    #[test]
    fn integers_beyond_two_to_the_53_are_refused() {
        assert!(parse_strict("{\"n\": 9007199254740991}").is_ok());
        let err = parse_strict("{\"n\": 9007199254740992}").unwrap_err();
        assert!(err.to_string().contains("at $.n is outside"), "{err}");
        assert!(parse_strict("[-9007199254740992]").is_err());
        assert!(parse_strict("[123456789012345678901234567890]").is_err());
        assert!(parse_strict("[1.5, -2]").is_ok());
    }

    #[test]
    fn the_tree_keeps_what_serde_reads_and_borrows_plain_strings() {
        let text = r#"{"a": [1, -2, 1.5, true, null, "x\u00e9"], "b\"c": {"d": "plain"}}"#;
        let doc = parse_strict(text).unwrap();
        let serde: Value = serde_json::from_str(text).unwrap();
        assert_eq!(doc.to_value(), serde);
        let Doc::Object(members) = &doc else {
            panic!("an object")
        };
        assert!(matches!(members[0].0, Cow::Borrowed("a")));
        assert!(matches!(&members[1].0, Cow::Owned(n) if n == "b\"c"));
        let Doc::Object(inner) = &members[1].1 else {
            panic!("an object")
        };
        assert!(matches!(inner[0].1, Doc::String(Cow::Borrowed("plain"))));
    }

    #[test]
    fn duplicate_keys_are_found_in_objects_of_any_size() {
        for n in [1, SCAN_MEMBERS - 1, SCAN_MEMBERS, 3 * SCAN_MEMBERS] {
            let members: Vec<String> = (0..n).map(|i| format!("\"k{i}\": {i}")).collect();
            let ok = format!("{{{}}}", members.join(","));
            assert!(parse_strict(&ok).is_ok(), "{n}");
            for dup in [0, n - 1] {
                let bad = format!("{{{}, \"k{dup}\": 0}}", members.join(","));
                let err = parse_strict(&bad).unwrap_err().to_string();
                assert!(
                    err.contains(&format!("duplicate key `k{dup}`")),
                    "{n}: {err}"
                );
            }
        }
        // An escaped name is the same name.
        assert!(parse_strict(r#"{"a": 1, "\u0061": 2}"#).is_err());
    }

    #[test]
    fn the_tree_meets_the_contract_schemas_rely_on() {
        let text = jsonschema::json::conformance::document().to_string();
        let doc = parse_strict(&text).unwrap();
        jsonschema::json::conformance::assert_conformance::<DocJson>(&&doc);
    }

    #[test]
    fn pointers_render_as_paths() {
        assert_eq!(
            pointer_to_path("/assets/3/os/build"),
            "$.assets[3].os.build"
        );
        assert_eq!(pointer_to_path(""), "$");
        assert_eq!(pointer_to_path("/a b"), "$[\"a b\"]");
    }
}
