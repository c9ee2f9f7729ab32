//! Which Rust type holds which document section, and the binary form in
//! which a host hands a document to a rule.
//!
//! A document reaches a rule module parsed once: the host reads the JSON file,
//! checks it, and encodes the typed value with `postcard` (compact, no field
//! names, no number or escape parsing); the rule decodes that into the same
//! type. Both ends use this crate, but a pack built today may run on a host
//! built after a type changed: the bytes of every type are therefore
//! versioned as [`ENCODING`] (the version of the WIT package
//! `mizuchi:encoding` a module imports), and held by golden files
//! (`evidence/golden/encoding-<version>/`) that a test compares.

use serde::Serialize;
use serde::de::DeserializeOwned;

#[cfg(feature = "host")]
use crate::layout::LaidOutItems;
use crate::{
    Accounts, AreaAccess, Backups, Contracts, Governance, Inventory, Networks, People, SectionKind,
    Sites, Training,
};

/// The version of the binary encoding of documents and events: the WIT
/// package `mizuchi:encoding` of this version is what a rule module built
/// with this crate imports. Bump it (and the WIT package, and add a golden
/// directory) whenever a document type or an event layout changes.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`decode_document`].")]
pub const ENCODING: &str = "2.0.0";

/// A section held as one JSON document, and the type it parses into.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`decode_document`].")]
pub trait Document: Serialize + DeserializeOwned {
    /// The section this type holds.
    const KIND: SectionKind;

    /// The document in the binary form rules decode with [`decode_document`].
    fn encode(&self) -> Result<Vec<u8>, CodecError> {
        postcard::to_allocvec(self).map_err(|e| CodecError::Encoded {
            section: Self::KIND,
            reason: e.to_string(),
        })
    }
}

/// Why a document could not be encoded or decoded.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`decode_document`].")]
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    #[error("`{0}` is not a document section")]
    /// The section is an event log, not a document.
    NotADocument(SectionKind),
    #[error("the {section} document is not valid: {reason}")]
    /// The JSON text does not hold a document of the section's type.
    Json {
        /// The section.
        section: SectionKind,
        /// What the parser said.
        reason: String,
    },
    #[error("a list item cannot be written: {reason}")]
    /// An item laid out ahead of its document could not be written.
    Item {
        /// What the writer said.
        reason: String,
    },
    #[error("the encoded {section} document is damaged: {reason}")]
    /// The bytes are not a document of the section's type in this encoding.
    Encoded {
        /// The section.
        section: SectionKind,
        /// What the decoder said.
        reason: String,
    },
}

#[cfg(feature = "host")]
fn encode<T: Document>(json: &str) -> Result<Vec<u8>, CodecError> {
    let value: T = serde_json::from_str(json).map_err(|e| CodecError::Json {
        section: T::KIND,
        reason: e.to_string(),
    })?;
    value.encode()
}

#[cfg(feature = "host")]
fn to_json<T: Document>(value: &T) -> Result<String, CodecError> {
    serde_json::to_string(value).map_err(|e| CodecError::Json {
        section: T::KIND,
        reason: e.to_string(),
    })
}

#[cfg(feature = "host")]
fn typed<T: Document>(json: &serde_json::Value) -> Result<T, CodecError> {
    // Tracking the path costs about a third of reading a large document:
    // read without it, and again with it only to say where a refusal is.
    if let Ok(value) = T::deserialize(json) {
        return Ok(value);
    }
    serde_path_to_error::deserialize(json).map_err(|e| CodecError::Json {
        section: T::KIND,
        reason: format!("{} (at {})", e.inner(), e.path()),
    })
}

/// Writes `value` in the bundle's layout (one record per line, `null`
/// fields left out: see [`crate::layout`]) and a final newline, with the
/// items laid out `ahead` first in their lists.
#[cfg(feature = "host")]
fn lay_out<T: Document, W: std::io::Write>(
    value: &T,
    ahead: Vec<(&'static str, Vec<LaidOutItems>)>,
    mut out: W,
) -> Result<(), CodecError> {
    let json = |e: &dyn std::fmt::Display| CodecError::Json {
        section: T::KIND,
        reason: e.to_string(),
    };
    let mut ahead: crate::layout::Ahead = ahead
        .into_iter()
        .map(|(field, pieces)| Ok((serde_json::to_vec(field).map_err(|e| json(&e))?, pieces)))
        .collect::<Result<_, CodecError>>()?;
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        crate::layout::RecordPerLine::new(&mut ahead),
    );
    value.serialize(&mut ser).map_err(|e| json(&e))?;
    if let Some((key, _)) = ahead.first() {
        return Err(json(&format_args!(
            "it has no list {} for the items laid out ahead",
            String::from_utf8_lossy(key)
        )));
    }
    out.write_all(b"\n").map_err(|e| json(&e))
}

/// Decodes a document that the host encoded (`encode_document`, feature
/// `host`).
///
/// ```
/// use mizuchi_evidence::{Training, SectionKind, decode_document, encode_document};
///
/// let bytes = encode_document(SectionKind::Training, r#"{"records": []}"#)?;
/// let training: Training = decode_document(&bytes)?;
/// assert!(training.records.is_empty());
/// // The encoding is of one section: another type refuses it.
/// assert!(encode_document(SectionKind::AuthEvents, "{}").is_err());
/// # Ok::<(), mizuchi_evidence::CodecError>(())
/// ```
pub fn decode_document<T: Document>(bytes: &[u8]) -> Result<T, CodecError> {
    postcard::from_bytes(bytes).map_err(|e| CodecError::Encoded {
        section: T::KIND,
        reason: e.to_string(),
    })
}

macro_rules! documents {
    ($($ty:ty => $kind:ident),* $(,)?) => {
        $(impl Document for $ty {
            const KIND: SectionKind = SectionKind::$kind;
        })*

        /// Parses the JSON text of a `kind` document into its type and
        /// encodes it in the binary form rules decode with [`decode_document`].
        #[cfg(feature = "host")]
        #[cfg_attr(doc, doc = " Example: [`decode_document`].")]
        pub fn encode_document(kind: SectionKind, json: &str) -> Result<Vec<u8>, CodecError> {
            match kind {
                $(SectionKind::$kind => encode::<$ty>(json),)*
                other => Err(CodecError::NotADocument(other)),
            }
        }

        /// A `kind` document given as JSON, read as its type and written
        /// again as the bundle writes documents (fields in the type's order,
        /// one list item per line, `null` fields left out, a final newline).
        /// Refuses what the type refuses.
        ///
        /// ```
        /// use mizuchi_evidence::{SectionKind, canonical_document};
        /// let json = serde_json::json!({"records": []});
        /// let bytes = canonical_document(SectionKind::Training, &json)?;
        /// assert!(bytes.ends_with(b"\n"));
        /// assert!(canonical_document(SectionKind::Training, &serde_json::json!({"recrods": []})).is_err());
        /// # Ok::<(), mizuchi_evidence::CodecError>(())
        /// ```
        #[cfg(feature = "host")]
        pub fn canonical_document(kind: SectionKind, json: &serde_json::Value) -> Result<Vec<u8>, CodecError> {
            let mut bytes = Vec::new();
            write_canonical_document(kind, json, &mut bytes)?;
            Ok(bytes)
        }

        /// [`canonical_document`] written to `out` as it is made, so that a
        /// large document is never held whole (and whoever writes it can
        /// hash it on the way).
        ///
        /// ```
        /// use mizuchi_evidence::{SectionKind, canonical_document, write_canonical_document};
        /// let json = serde_json::json!({"records": []});
        /// let mut out = Vec::new();
        /// write_canonical_document(SectionKind::Training, &json, &mut out)?;
        /// assert_eq!(out, canonical_document(SectionKind::Training, &json)?);
        /// # Ok::<(), mizuchi_evidence::CodecError>(())
        /// ```
        #[cfg(feature = "host")]
        pub fn write_canonical_document<W: std::io::Write>(
            kind: SectionKind,
            json: &serde_json::Value,
            out: W,
        ) -> Result<(), CodecError> {
            write_completed_document(kind, json, Vec::new(), out)
        }

        /// [`write_canonical_document`] of a document some of whose lists'
        /// items were laid out ahead ([`LaidOutItems`], each list by the
        /// name of its field): they are written as the first items of their
        /// lists. An importer holding thousands of records already typed
        /// lays them out this way, on every core, rather than putting them
        /// in the JSON to be read again. A list named in `ahead` that the
        /// document does not have is refused.
        ///
        /// ```
        /// use mizuchi_evidence::{LaidOutItems, SectionKind, write_completed_document};
        /// let json = serde_json::json!({});
        /// let ahead = vec![("nothing_of_the_kind", vec![LaidOutItems::new([1, 2])?])];
        /// assert!(write_completed_document(SectionKind::Training, &json, ahead, Vec::new()).is_err());
        /// # Ok::<(), mizuchi_evidence::CodecError>(())
        /// ```
        #[cfg(feature = "host")]
        pub fn write_completed_document<W: std::io::Write>(
            kind: SectionKind,
            json: &serde_json::Value,
            ahead: Vec<(&'static str, Vec<LaidOutItems>)>,
            out: W,
        ) -> Result<(), CodecError> {
            match kind {
                $(SectionKind::$kind => lay_out(&typed::<$ty>(json)?, ahead, out),)*
                other => Err(CodecError::NotADocument(other)),
            }
        }

        /// The JSON view of an encoded `kind` document: its typed value
        /// written as compact JSON with the schema's field names, the form a
        /// rule in any language reads.
        ///
        /// ```
        /// use mizuchi_evidence::{SectionKind, document_json, encode_document};
        /// let bytes = encode_document(SectionKind::Training, r#"{ "records" : [] }"#)?;
        /// assert_eq!(document_json(SectionKind::Training, &bytes)?, r#"{"records":[]}"#);
        /// # Ok::<(), mizuchi_evidence::CodecError>(())
        /// ```
        #[cfg(feature = "host")]
        pub fn document_json(kind: SectionKind, encoded: &[u8]) -> Result<String, CodecError> {
            match kind {
                $(SectionKind::$kind => to_json(&decode_document::<$ty>(encoded)?),)*
                other => Err(CodecError::NotADocument(other)),
            }
        }
    };
}

documents! {
    Inventory => Inventory,
    Networks => Networks,
    Sites => Sites,
    People => People,
    Accounts => Accounts,
    AreaAccess => AreaAccess,
    Contracts => Contracts,
    Backups => Backups,
    Training => Training,
    Governance => Governance,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_survives_its_encoding() {
        let json = r#"{
            "reviewed_on": "2026-04-01",
            "systems": [{"id": "SCADA", "name": "監視制御", "control_system": true}],
            "assets": [{"id": "HMI-01", "name": "端末", "kind": "hmi", "system": "SCADA",
                        "control_system": true, "networks": ["ctl"],
                        "os": {"product": "Windows 10", "build": "19044"}}]
        }"#;
        let bytes = encode_document(SectionKind::Inventory, json).unwrap();
        let decoded: Inventory = decode_document(&bytes).unwrap();
        let parsed: Inventory = serde_json::from_str(json).unwrap();
        assert_eq!(decoded, parsed);
        assert_eq!(parsed.encode().unwrap(), bytes);
        assert!(bytes.len() < json.len() / 2);
        assert!(matches!(
            encode_document(SectionKind::AuthEvents, "{}"),
            Err(CodecError::NotADocument(_))
        ));
        assert!(decode_document::<Inventory>(&bytes[..bytes.len() / 2]).is_err());
    }

    #[test]
    fn the_json_view_is_the_typed_document_in_one_spelling() {
        // Another spelling of the same document: member order, whitespace,
        // an escape.
        let json = r#"{ "assets" : [ {"kind": "hmi", "name": "\u7aef\u672b", "id": "HMI-01"} ] }"#;
        let bytes = encode_document(SectionKind::Inventory, json).unwrap();
        let view = document_json(SectionKind::Inventory, &bytes).unwrap();
        let typed: Inventory = serde_json::from_str(json).unwrap();
        assert_eq!(view, serde_json::to_string(&typed).unwrap());
        assert!(view.contains(r#""name":"端末""#), "{view}");
        assert!(!view.contains(' '), "{view}");
        let back: Inventory = serde_json::from_str(&view).unwrap();
        assert_eq!(back, typed);
    }
}
