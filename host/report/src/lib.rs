//! Reports of Mizuchi runs.
//!
//! A run's results have two sources: the signed ledger (verified first, so
//! the report can say by whom and under which checkpoint) and the JSON of
//! `mizuchi eval --format json` (unsigned, and marked so). Both become one
//! [`Run`], which the renderers turn into what people act on:
//!
//! | renderer | for |
//! | --- | --- |
//! | [`html`] | management: one self-contained page, printable on A4 |
//! | [`junit`] | CI pipelines: a test case per rule, a failure per failing finding |
//! | [`findings_csv`] | spreadsheets: one row per finding (UTF-8 with BOM) |
//! | [`diff`] | auditors: what changed between two runs, and why |
//! | [`oscal`] | the regulator: OSCAL catalog, assessment results, POA&M |
//!
//! This crate links neither the WebAssembly runtime nor a command-line
//! parser: a verifier or the regulator's hub renders reports with it.
//! Nothing here prints.

mod chapter;
pub mod diff;
pub mod findings_csv;
pub mod html;
pub mod junit;
mod model;
pub mod oscal;
mod run;

pub use chapter::Chapter;
pub use model::{
    Acceptance, Counts, EvidenceInfo, EvidenceRef, Finding, Force, HostInfo, ModuleInfo, Outcome,
    PackInfo, ParamValue, REPORT_FORMAT, Report, RuleFailure, RuleResult, Status, Subject, Summary,
};
pub use run::{Lang, ReportError, RuleRow, Run, SignedBy, Titles};
