//! The end-to-end tests, one binary with a module per area (as ripgrep and
//! wasmtime lay theirs out): each test binary links wasmtime, so one binary
//! instead of eleven keeps `cargo xtask test` quicker and `target/` smaller.
//!
//! They run what `cargo xtask build` built (the `mizuchi` binary, the rule
//! components, the official pack) and never run Cargo themselves, but for
//! one: a third party's crate made by `mizuchi rule new` is built as its
//! author would build it (`authoring`). Run them with `cargo xtask test`,
//! or `cargo xtask build` then `cargo test`.

// A failed unwrap here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod authoring;
mod cli;
mod crash;
mod determinism;
mod evidence;
mod hostile;
mod hub;
mod incremental;
mod intake;
mod ledger;
mod official_pack;
mod report;
mod sandbox;
mod schemas;
mod signed_packs;
mod streaming;
