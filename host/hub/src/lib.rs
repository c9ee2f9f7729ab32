//! The regulator's hub: enrols water utilities, takes in their signed
//! ledgers, and shows where each stands.
//!
//! - [`wire`]: what a regulator and a utility send and receive, and how a
//!   utility makes a push from its ledger ([`wire::push_from_ledger`]). This
//!   part needs no server and is what the CLI links.
//! - `client` (with the `client` feature): pushing a ledger and sending an
//!   enrolment over HTTP.
//! - [`verify`]: whether a push is accepted, pure and synchronous.
//! - `store` (with the `server` feature, as the two below): SQLite or
//!   PostgreSQL behind one interface, with migrations.
//! - `api`: the HTTP routes, and `html` the dashboard.
//!
//! The hub trusts no byte it did not verify: an enrolment is signed by a
//! regulator key the hub was started with; a push's checkpoint and every
//! entry by the key the utility was enrolled with; the entries chain to
//! what was accepted before and, with it, make the signed tree; and the
//! tree extends the one accepted before (an RFC 6962 consistency proof). A
//! ledger that was rewritten, truncated or forked is refused and flagged.
//! TLS is a reverse proxy's work; the hub binds to 127.0.0.1 unless told.

pub mod wire;

#[cfg(feature = "client")]
pub mod client;

#[cfg(feature = "server")]
pub mod api;
#[cfg(feature = "server")]
pub mod html;
#[cfg(feature = "server")]
pub mod store;
pub mod verify;
