//! The Mizuchi host: runs rule packs against a water utility's evidence in a
//! WebAssembly sandbox.
//!
//! ```no_run
//! use std::sync::Arc;
//! use mizuchi_host::trust::TrustStore;
//! use mizuchi_host::{Bundle, EvalOptions, Limits, Pack, PackSet, Runtime, Verification, evaluate};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let runtime = Runtime::new(Runtime::default_cache_dir(), Limits::default())?;
//! let trust = TrustStore::load("trust.json".as_ref())?;
//! let today = "2026-11-27".parse()?;
//! let pack = Pack::from_file(
//!     &runtime,
//!     "mlit-water.pack".as_ref(),
//!     Verification::Trusted { store: &trust, today: Some(today) },
//! )?;
//! let bundle = Arc::new(Bundle::open("samples/minamiyama".as_ref())?);
//! let packs = PackSet::from(pack);
//! let report = evaluate(&runtime, &packs, bundle, &EvalOptions::default(), &|_| {})?;
//! println!("{}", serde_json::to_string_pretty(&report)?);
//! # Ok(()) }
//! ```
//!
//! The pieces: a [`Runtime`] holds the engine, its compile cache and the
//! [`Limits`] of every rule run; a [`Pack`] is a set of compiled rule modules,
//! read from a pack file whose signatures the [`trust`] store accepted before
//! anything was compiled, and whose ABI was checked before instantiation; a
//! [`PackSet`] is the packs of one run; a [`Bundle`] is evidence whose every
//! file matched its digest; [`evaluate`] runs each rule in a sandbox of its
//! own and returns a [`Report`]. [`PackStore`] installs packs with rollback
//! protection; [`packfile`] is the signed pack format.

mod abi;
pub mod attest;
mod bundle;
mod digest;
mod dsse;
mod engine;
mod eval;
mod fsx;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzz;
mod import;
mod json;
mod keys;
pub mod ledger;
pub mod merkle;
mod pack;
pub mod packfile;
pub mod render;
mod replay;
mod report;
mod sandbox;
mod schema;
mod store;
mod synth;
mod tarx;
pub mod trust;

pub use abi::{ABI_VERSION, AbiError, accepted as accepted_abi};
pub use bundle::{
    Bundle, BundleError, BundleSummary, BundleWriter, DocumentFile, LogFile, LogStats, Problem,
    SectionSummary, Severity, Validation, WriteError, summarize, validate, write_archive,
};
pub use digest::sha256_hex;
pub use dsse::{Envelope, IN_TOTO, pae};
pub use engine::{Limits, Runtime, RuntimeError};
pub use eval::{EvalError, EvalOptions, ParamOverride, REPORT_VERSION, evaluate};
pub use fsx::{NotRegular, read as read_regular};
pub use import::{
    ImportError, ImportKind, ImportOptions, ImportReport, RowProblem, import, parse_offset,
};
pub use keys::{KeyError, PublicKey, SecretKey, public_path};
pub use pack::{
    Module, Need, Pack, PackError, PackSet, ParamKind, ParamSpec, RuleInfo, Verification,
    build_pack,
};
pub use replay::{Difference, Replay, RuleReplay, replay};
pub use report::{
    Counts, EvidenceInfo, EvidenceRef, Finding, Force, HostInfo, ModuleInfo, Outcome, PackInfo,
    ParamValue, REPORT_FORMAT, Report, RuleError, RuleResult, Status, Subject, Summary,
};
pub use sandbox::Limit;
pub use schema::{SchemaFile, evidence_schemas};
pub use store::{Index, IndexEntry, InstallError, Installation, PackStore, write_index};
pub use synth::{SynthOptions, synth};
