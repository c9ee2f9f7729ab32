//! The Mizuchi host library: verifies signed rule packs and a water
//! utility's evidence, runs each rule in a WebAssembly sandbox of its own, and
//! records the results as signed, hash-chained statements.
//!
//! ```no_run
//! use std::sync::Arc;
//! use mizuchi::{
//!     Bundle, EvalOptions, Limits, Pack, PackSet, Recorder, Runtime, SecretKey, TrustStore,
//!     Verification, evaluate,
//! };
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
//! let packs = PackSet::from(pack);
//! let bundle = Arc::new(Bundle::open("samples/minamiyama/bundle".as_ref())?);
//! let key = SecretKey::read("utility.pem".as_ref())?;
//! let mut recorder = Recorder::open("results.jsonl".as_ref(), &key)?;
//! let evaluation = evaluate(&runtime, &packs, bundle, &EvalOptions::default(), &|_| {})?;
//! let recorded = recorder.record(&evaluation)?;
//! println!("{}: {:?}", recorded.run, evaluation.report().summary);
//! # Ok(()) }
//! ```
//!
//! The pieces: a [`Runtime`] holds the engine, its compile cache and the
//! [`Limits`] of every rule run; a [`Pack`] is a set of compiled rule modules,
//! read from a pack file ([`PackFile`]) whose signatures the [`TrustStore`]
//! accepted before anything was compiled, and whose ABI was checked before
//! instantiation; a [`PackSet`] is the packs of one run; a [`Bundle`] is
//! evidence whose every file matched its digest; [`evaluate`] runs each rule
//! in a sandbox of its own and returns an [`Evaluation`]: its [`Report`] and
//! what it was made from. A [`Recorder`] signs an evaluation into a ledger
//! (the format and its verification are the `mizuchi-ledger` crate's);
//! [`replay`] evaluates a recorded run again and compares the signed bytes.
//! [`PackStore`] installs packs with rollback protection; [`import`] turns a
//! utility's spreadsheets and logs into evidence; a [`CaseRunner`] runs rule
//! tests written as data ([`CaseFile`]).
//!
//! Nothing here prints: progress is reported through callbacks, problems
//! through typed errors and [`Problem`]s, logs through `tracing`.

#![deny(missing_docs)]

mod abi;
mod bundle;
mod cases;
mod engine;
mod eval;
mod extension;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzz;
mod import;
mod json;
mod pack;
mod packfile;
mod record;
mod replay;
mod sandbox;
mod schema;
mod store;
mod synth;
mod tarx;
mod trust;

pub use abi::{ABI_VERSION, AbiError, accepted as accepted_abi, served_encoding};
pub use bundle::{
    Bundle, BundleError, BundleSummary, BundleWriter, DocumentFile, ExtensionFile, LogFile,
    LogStats, Problem, SectionSummary, Severity, Upgrade, UpgradeError, Validation, WriteError,
    summarize, upgrade, validate, write_archive,
};
pub use cases::{
    Case, CaseError, CaseFile, CaseResult, CaseRunner, Expectation, RuleCheck, find_case_files,
    junit as cases_junit, merge_patch,
};
pub use engine::{Limits, Runtime, RuntimeError};
pub use eval::{EvalError, EvalOptions, ParamInput, ParamOverride, REPORT_VERSION, evaluate};
pub use extension::{ExtensionSection, ExtensionTemplate};
pub use import::{
    IgnoredColumn, ImportError, ImportKind, ImportOptions, ImportReport, OffsetError, RowProblem,
    Skipped, TableImport, TemplateError, TemplateFormat, UnknownImportKind, column_reference,
    import, parse_offset, template_tables, write_template,
};
pub use mizuchi_ledger::keys::{KeyError, PublicKey, SecretKey, public_path};
pub use mizuchi_report::{
    Acceptance, Counts, EvidenceInfo, EvidenceRef, Finding, Force, HostInfo, ModuleInfo, Outcome,
    PackInfo, ParamValue, REPORT_FORMAT, Report, RuleFailure, RuleResult, Status, Subject, Summary,
};
pub use pack::{
    Module, Need, Pack, PackError, PackSet, ParamKind, ParamSpec, RuleCoverage, RuleInfo,
    SectionCoverage, Verification, build_pack,
};
pub use packfile::{
    MANIFEST_TYPE, MAX_MANIFEST, MAX_MODULE, MAX_PACK, ManifestTemplate, ModuleEntry, PACK_FORMAT,
    PackFile, PackFileError, PackManifest, RuleEntry,
};
pub use record::{
    Evaluation, Previous, RecordError, Recorded, Recorder, Reuse, Settings, run_id, statements,
};
pub use replay::{Difference, Replay, ReplayError, RuleReplay, replay};
pub use sandbox::Limit;
pub use schema::{SchemaFile, case_file_schema, evidence_schemas};
pub use store::{Index, IndexEntry, InstallError, Installation, PackStore, Update, write_index};
pub use synth::{SynthOptions, synth};
pub use trust::{Publisher, ROTATION_TYPE, Rotation, Signed, TrustError, TrustStore};
