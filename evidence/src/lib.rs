//! The evidence bundle of a water utility: what Mizuchi's rules judge.
//!
//! A bundle is a directory (or a single-file archive of one) holding a
//! [`Manifest`] and one file per section. Small sections are JSON documents;
//! event logs are JSON Lines so that tens of millions of events can be
//! streamed. This crate is the one definition of every section: the host
//! validates and imports with it, the JSON Schemas are generated from it (with
//! the `schema` feature), and rule modules read typed evidence through it.
//!
//! The [`stream`] module holds the compact, interned form in which event logs
//! cross into rule modules, and the one reader that turns JSON Lines into it.
//! The [`verdict`] module holds what rules decide (statuses, findings,
//! outcomes), shared by rules, the host and signed results.
//!
//! # Reading a section
//!
//! Every document section is a type ([`Inventory`], [`Networks`], …,
//! [`Governance`]) that reads the section's JSON and refuses unknown fields.
//! A fact not recorded is `None`, never a default `false`: a rule must tell
//! "not recorded" from "recorded as no".
//!
//! ```
//! use mizuchi_evidence::{AssetKind, Document, Inventory, SectionKind};
//!
//! let json = r#"{"assets": [
//!     {"id": "HMI-01", "name": "監視HMI", "kind": "hmi",
//!      "authentication": {"method": "password", "auto_logon": false}},
//!     {"id": "PLC-01", "name": "PLC", "kind": "plc"}]}"#;
//! let inventory: Inventory = serde_json::from_str(json)?;
//! assert_eq!(Inventory::KIND, SectionKind::Inventory);
//! let hmi = &inventory.assets[0];
//! assert_eq!(hmi.kind, AssetKind::Hmi);
//! let auth = hmi.authentication.as_ref().expect("recorded");
//! assert_eq!(auth.auto_logon, Some(false)); // recorded as "no"
//! assert_eq!(auth.blank_password, None);    // not recorded
//! assert!(inventory.assets[1].authentication.is_none());
//!
//! // A misspelt field is an error, not a silent default.
//! let typo = r#"{"assets": [{"id": "A", "name": "a", "kind": "hmi", "anti_malwre": {}}]}"#;
//! assert!(serde_json::from_str::<Inventory>(typo).is_err());
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! A rule reads a section through the SDK's `Ctx::document`, which hands it
//! this very type; the event logs ([`AuthEvent`], [`DoorEvent`]) arrive as
//! a stream of compact entries ([`stream`]).
//!
//! # Features
//!
//! - `host`: the host's side of the document codec (`encode_document`,
//!   `canonical_document`, `write_completed_document`, `document_json`,
//!   `LaidOutItems`). A rule module only decodes ([`decode_document`]);
//!   without the feature, its build does not compile a JSON reader and
//!   writer for every document type.
//! - `schema`: the JSON Schema of every section.
//!
//! # The manifest
//!
//! [`Manifest`] lists every file with its section and digest.
//!
//! ```
//! use mizuchi_evidence::{Manifest, SectionKind, SectionShape};
//!
//! let manifest: Manifest = serde_json::from_str(r#"{
//!     "format": "mizuchi-evidence", "format_version": "2.1.0",
//!     "utility": {"id": "0001", "name": {"ja": "南山市水道局", "en": "Minamiyama Waterworks"}},
//!     "collected_on": "2026-11-20", "assessment_date": "2026-11-27",
//!     "files": [{"path": "inventory.json", "kind": "inventory", "sha256": "00"}]
//! }"#)?;
//! let file = &manifest.files[0];
//! assert_eq!(file.kind, SectionKind::Inventory);
//! assert_eq!(file.kind.shape(), SectionShape::Document);
//! assert_eq!("auth-events".parse::<SectionKind>().map(|k| k.shape()), Ok(SectionShape::Log));
//! assert!(manifest.extensions.is_empty());
//! # Ok::<(), serde_json::Error>(())
//! ```

#![deny(missing_docs)]

mod common;
mod document;
mod flat;
#[cfg(feature = "host")]
mod layout;
mod manifest;
mod sections;
pub mod stream;
mod time;
pub mod verdict;

pub use common::{Date, MAX_EXACT, Text, Timestamp};
pub use document::{CodecError, Document, ENCODING, decode_document};
#[cfg(feature = "host")]
pub use document::{
    canonical_document, document_json, encode_document, write_canonical_document,
    write_completed_document,
};
#[cfg(feature = "host")]
pub use layout::LaidOutItems;
pub use manifest::{
    BadExtensionName, ExtensionEntry, ExtensionName, FORMAT_NAME, FORMAT_VERSION, FileEntry,
    Manifest, SectionKind, SectionShape, Source, UnknownSection, Utility,
};
pub use sections::*;
pub use time::{parse_timestamp, rfc3339};
pub use verdict::{EvidenceRef, Finding, Force, Outcome, ParamValue, Status, Subject};
