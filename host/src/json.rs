//! Strict JSON: what evidence files must be beyond well-formed.
//!
//! serde_json accepts a duplicate key (the last one wins) and silently rounds
//! an integer beyond 2^53 to the nearest double. In evidence either would
//! change a decision without anyone noticing, so both are refused here, with
//! the JSON path of the offending value and, from serde_json, its line and
//! column.

use std::cell::RefCell;
use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The largest integer every JSON reader represents exactly: 2^53 − 1.
pub(crate) const MAX_EXACT: u64 = (1 << 53) - 1;

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

/// Renders a path as `$.assets[3].name` (keys that are not plain words in
/// brackets and quotes).
fn render(path: &[Seg]) -> String {
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
    let segs: Vec<Seg> = pointer
        .split('/')
        .skip(1)
        .map(|s| {
            let s = s.replace("~1", "/").replace("~0", "~");
            match s.parse::<usize>() {
                Ok(i) => Seg::Index(i),
                Err(_) => Seg::Key(s),
            }
        })
        .collect();
    render(&segs)
}

struct Strict<'p> {
    path: &'p RefCell<Vec<Seg>>,
}

impl<'p> Strict<'p> {
    fn here(&self) -> String {
        render(&self.path.borrow())
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn inexact<E: de::Error>(at: String, shown: impl fmt::Display) -> E {
    E::custom(format!(
        "the number {shown} at {at} is outside ±(2^53−1), the range every JSON reader holds exactly; write it as a string"
    ))
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        if v > MAX_EXACT {
            return Err(inexact(self.here(), v));
        }
        Ok(Value::Number(v.into()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        if v.unsigned_abs() > MAX_EXACT {
            return Err(inexact(self.here(), v));
        }
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        // Integers past u64 arrive here too, already rounded.
        if !v.is_finite() || v.abs() > MAX_EXACT as f64 {
            return Err(inexact(self.here(), v));
        }
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| inexact(self.here(), v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            self.path.borrow_mut().push(Seg::Index(out.len()));
            let next = seq.next_element_seed(Strict { path: self.path });
            self.path.borrow_mut().pop();
            match next? {
                Some(v) => out.push(v),
                None => return Ok(Value::Array(out)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                let at = self.here();
                return Err(de::Error::custom(format!(
                    "duplicate key `{key}` in the object at {at}; keep one"
                )));
            }
            // The key is lent to the path while its value is read, and
            // taken back for the map: no copy of every key.
            self.path.borrow_mut().push(Seg::Key(key));
            let value = map.next_value_seed(Strict { path: self.path });
            let Some(Seg::Key(key)) = self.path.borrow_mut().pop() else {
                return Err(de::Error::custom("the JSON path lost its place"));
            };
            out.insert(key, value?);
        }
        Ok(Value::Object(out))
    }
}

/// Parses JSON text, refusing duplicate keys and inexact numbers.
pub(crate) fn parse_strict(text: &str) -> Result<Value, serde_json::Error> {
    let path = RefCell::new(Vec::new());
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict { path: &path }.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
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
    fn pointers_render_as_paths() {
        assert_eq!(
            pointer_to_path("/assets/3/os/build"),
            "$.assets[3].os.build"
        );
        assert_eq!(pointer_to_path(""), "$");
        assert_eq!(pointer_to_path("/a b"), "$[\"a b\"]");
    }
}
