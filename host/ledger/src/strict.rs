//! Signed JSON, read strictly.
//!
//! A signature covers bytes, but a verifier acts on what it parses from
//! them. JSON leaves room for two readers to parse different values from the
//! same bytes: a member name given twice (most readers keep the last, some
//! the first), or a number no reader holds exactly. The statements Mizuchi
//! signs have neither (`docs/ledger.md`: no floating point, every integer
//! within ±(2^53 − 1)), so a verifier refuses both before it reads a value.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// The largest integer every JSON reader holds exactly: 2^53 − 1.
const MAX_EXACT: u64 = (1 << 53) - 1;

/// Why signed bytes are not strict JSON.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StrictError(#[source] serde_json::Error);

/// Checks that `bytes` are one JSON value in UTF-8 with no object member
/// named twice and no number other than an integer within ±(2^53 − 1).
pub fn check(bytes: &[u8]) -> Result<(), StrictError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    Strict.deserialize(&mut de).map_err(StrictError)?;
    de.end().map_err(StrictError)
}

struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        if v > MAX_EXACT {
            return Err(E::custom(format!("the integer {v} is outside ±(2^53−1)")));
        }
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        if v.unsigned_abs() > MAX_EXACT {
            return Err(E::custom(format!("the integer {v} is outside ±(2^53−1)")));
        }
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        Err(E::custom(format!(
            "the number {v} is not an integer (signed records hold none)"
        )))
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Strict)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut names = HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            if !names.insert(name.clone()) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{name}` in an object"
                )));
            }
            map.next_value_seed(Strict)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_duplicate_keys_and_loose_numbers_anywhere() {
        for ok in [
            r#"{"a":1,"b":[{"a":2,"b":-9007199254740991}],"c":"x","d":null,"e":true}"#,
            "[]",
            "0",
        ] {
            check(ok.as_bytes()).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for (bad, says) in [
            (
                r#"{"outcome":"fail","outcome":"pass"}"#,
                "duplicate key `outcome`",
            ),
            (r#"{"a":{"x":1,"y":2,"x":3}}"#, "duplicate key `x`"),
            (r#"{"index":29.0}"#, "not an integer"),
            (r#"[9007199254740992]"#, "outside"),
            (r#"{"a":1e3}"#, "not an integer"),
            (r#"{"a":1} x"#, "trailing"),
            ("\u{feff}{}", "expected value"),
        ] {
            let e = check(bad.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
