//! Signed, hash-chained results: what a Mizuchi run records and what anyone
//! can verify offline, without the rule engine.
//!
//! - [`keys`]: Ed25519 keys as PKCS#8 / SubjectPublicKeyInfo PEM, named by a
//!   stable key id.
//! - [`dsse`]: DSSE envelopes, signing exact bytes.
//! - [`statement`]: the in-toto statements of a run (a header, then one per
//!   rule result) and the provenance they record.
//! - [`merkle`]: the RFC 6962 tree of a ledger's entries.
//! - [`ledger`]: the append-only ledger, its C2SP checkpoints, and writing,
//!   verifying, proving and repairing it.
//! - [`strict`]: the strict reading of signed JSON.
//! - [`files`]: files opened so that a check cannot be fooled (used by every
//!   Mizuchi crate that reads or writes files).
//!
//! The format is specified in `docs/ledger.md`; `tests/verify_ledger.py` is
//! an independent verifier written from that document alone. This crate is
//! what a verifier, an auditor's tool or a regulator's service links: it has
//! no WebAssembly runtime and no command line.
//!
//! ```no_run
//! use mizuchi_ledger::keys::PublicKey;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let trusted = [PublicKey::read("utility.pub.pem".as_ref())?];
//! let v = mizuchi_ledger::ledger::verify("results.jsonl".as_ref(), &trusted, &[])?;
//! assert!(v.ok(), "{:?}", v.first_bad);
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod checkpoint;
pub mod digest;
pub mod dsse;
pub mod files;
pub mod keys;
pub mod ledger;
pub mod merkle;
pub mod statement;
pub mod strict;
mod verify;

#[cfg(test)]
mod tests;
