//! Signed JSON, read strictly.
//!
//! A signature covers bytes, but a verifier acts on what it parses from
//! them. JSON leaves room for two readers to parse different values from the
//! same bytes: a member name given twice (most readers keep the last, some
//! the first), or a number no reader holds exactly. The statements Mizuchi
//! signs have neither (`docs/ledger.md`: no floating point, every integer
//! within ±(2^53 − 1)), so a verifier refuses both before it reads a value.

use std::borrow::Cow;
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
        // Signed objects have a handful of members: compared one by one,
        // borrowed from the input where they hold no escape. Past `SMALL`
        // members they are hashed, so that no object is quadratic.
        const SMALL: usize = 16;
        let mut few: Vec<Cow<'de, str>> = Vec::new();
        let mut many: HashSet<Cow<'de, str>> = HashSet::new();
        while let Some(Name(name)) = map.next_key::<Name<'de>>()? {
            let duplicate = if many.is_empty() && few.len() < SMALL {
                let seen = few.contains(&name);
                few.push(name.clone());
                seen
            } else {
                many.extend(few.drain(..));
                !many.insert(name.clone())
            };
            if duplicate {
                return Err(de::Error::custom(format!(
                    "duplicate key `{name}` in an object"
                )));
            }
            map.next_value_seed(Strict)?;
        }
        Ok(())
    }
}

/// An object member's name, borrowed from the input unless it holds an
/// escape.
struct Name<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Name<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Name<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }

            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Borrowed(v)))
            }

            fn visit_str<E>(self, v: &str) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E>(self, v: String) -> Result<Name<'de>, E> {
                Ok(Name(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
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

    /// Names are compared one by one in small objects and hashed in large
    /// ones: a duplicate is found either way, escaped or not, before and
    /// after the switch.
    #[test]
    fn duplicate_names_are_found_in_objects_of_any_size() {
        let object = |names: &[String]| {
            let members: Vec<String> = names.iter().map(|n| format!("\"{n}\":0")).collect();
            format!("{{{}}}", members.join(","))
        };
        for size in [2usize, 15, 16, 17, 40] {
            let names: Vec<String> = (0..size).map(|i| format!("k{i}")).collect();
            check(object(&names).as_bytes()).unwrap_or_else(|e| panic!("{size}: {e}"));
            for at in [1, size / 2, size - 1] {
                let mut with = names.clone();
                with.insert(at, "k0".into());
                let e = check(object(&with).as_bytes()).unwrap_err().to_string();
                assert!(e.contains("duplicate key `k0`"), "{size} at {at}: {e}");
                // The same name written with an escape is the same name.
                with[at] = "\\u006b0".into();
                let e = check(object(&with).as_bytes()).unwrap_err().to_string();
                assert!(
                    e.contains("duplicate key `k0`"),
                    "{size} at {at}, escaped: {e}"
                );
            }
        }
    }
}
