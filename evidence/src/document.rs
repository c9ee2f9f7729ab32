//! Which Rust type holds which document section, and the binary form in
//! which a host hands a document to a rule.
//!
//! A document reaches a rule module parsed once: the host reads the JSON file,
//! checks it, and encodes the typed value with `postcard` (compact, no field
//! names, no number or escape parsing); the rule decodes that into the same
//! type. Both ends use this crate, so the encoding cannot drift between them.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{
    Accounts, AreaAccess, Backups, Contracts, Governance, Inventory, Networks, People, SectionKind,
    Sites, Training,
};

/// A section held as one JSON document, and the type it parses into.
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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    #[error("`{0}` is not a document section")]
    NotADocument(SectionKind),
    #[error("the {section} document is not valid: {reason}")]
    Json {
        section: SectionKind,
        reason: String,
    },
    #[error("the encoded {section} document is damaged: {reason}")]
    Encoded {
        section: SectionKind,
        reason: String,
    },
}

fn encode<T: Document>(json: &str) -> Result<Vec<u8>, CodecError> {
    let value: T = serde_json::from_str(json).map_err(|e| CodecError::Json {
        section: T::KIND,
        reason: e.to_string(),
    })?;
    value.encode()
}

/// Decodes a document that [`encode_document`] encoded.
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
        pub fn encode_document(kind: SectionKind, json: &str) -> Result<Vec<u8>, CodecError> {
            match kind {
                $(SectionKind::$kind => encode::<$ty>(json),)*
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
}
