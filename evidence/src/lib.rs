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

#![deny(missing_docs)]

mod common;
mod document;
mod flat;
mod manifest;
mod sections;
pub mod stream;
mod time;
pub mod verdict;

pub use common::{Date, MAX_EXACT, Text, Timestamp};
pub use document::{
    CodecError, Document, ENCODING, canonical_document, decode_document, document_json,
    encode_document,
};
pub use manifest::{
    BadExtensionName, ExtensionEntry, ExtensionName, FORMAT_NAME, FORMAT_VERSION, FileEntry,
    Manifest, SectionKind, SectionShape, Source, UnknownSection, Utility,
};
pub use sections::*;
pub use time::{parse_timestamp, rfc3339};
pub use verdict::{EvidenceRef, Finding, Force, Outcome, ParamValue, Status, Subject};
