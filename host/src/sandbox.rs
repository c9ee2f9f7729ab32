//! One rule run, in a store of its own.
//!
//! Every run gets a fresh instance, so that no state passes from one rule to
//! another, and a WASI context with no capabilities: no preopened directories,
//! no sockets, no name lookup, empty environment and arguments, clocks that
//! read the assessment date, randomness from a fixed seed, stdout and stderr
//! captured into a capped buffer. Evidence reaches the rule only through the
//! `evidence` interface below, and only the sections it declared.
//!
//! Limits: fuel (deterministic), memory (through a resource limiter), the size
//! of the result, and the epoch deadline as a wall-clock backstop. Each breach
//! ends the run with a [`Failure`] naming the limit.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use mizuchi_evidence::stream::{Encoded, LogRecord};
use mizuchi_evidence::{AuthEvent, Date, DoorEvent, ExtensionName, SectionKind};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use wasmtime::component::{HasSelf, Resource, ResourceTable};
use wasmtime::{ResourceLimiter, Store, Trap};
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};
use wasmtime_wasi::{
    HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView,
};

use crate::abi::{RuleModule, RuleModulePre, wit_evidence as ev, wit_read as rd, wit_types as ty};
use crate::bundle::spool::{Spool, SpoolReader};
use crate::bundle::{Bundle, DocumentFile};
use crate::engine::{Limits, TICK};

/// The state of one store.
pub(crate) struct RunState {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: Limiter,
    evidence: Option<Evidence>,
}

/// What a run may read.
struct Evidence {
    bundle: Arc<Bundle>,
    declared: Declared,
}

/// The sections a rule declared it reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct Declared {
    /// Official sections.
    pub sections: Vec<SectionKind>,
    /// Sections its pack defines; the bundle's files of them were checked
    /// against the pack's schemas before the run.
    pub extensions: Vec<ExtensionName>,
}

impl WasiView for RunState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Caps linear memory and remembers whether the cap was hit.
struct Limiter {
    memory: usize,
    denied: Option<usize>,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory {
            self.denied = Some(desired);
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1_000_000)
    }
}

/// The limit a run went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Limit {
    /// The fuel budget.
    Fuel,
    /// The memory cap.
    Memory,
    /// The cap on the size of the result.
    Output,
    /// The wall-clock backstop.
    WallClock,
    /// The call stack.
    Stack,
}

/// Why a run produced no findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A limit was reached.
    Limit(Limit, String),
    /// The rule panicked; the text is its message.
    Panic(String),
    /// The rule returned an error.
    Rule(String),
    /// The module trapped for another reason.
    Trap(String),
}

/// Captured guest output, capped: bytes past the cap are dropped, not refused,
/// so that a chatty rule still runs.
#[derive(Clone)]
pub(crate) struct Capture {
    buf: Arc<Mutex<Vec<u8>>>,
    cap: usize,
    truncated: Arc<AtomicBool>,
}

impl Capture {
    fn new(cap: usize) -> Capture {
        Capture {
            buf: Arc::default(),
            cap,
            truncated: Arc::default(),
        }
    }

    fn text(&self) -> String {
        let buf = self.buf.lock().map(|b| b.clone()).unwrap_or_default();
        let mut s = String::from_utf8_lossy(&buf).into_owned();
        if self.truncated.load(Ordering::Relaxed) {
            s.push_str("\n[output truncated]");
        }
        s
    }
}

impl IsTerminal for Capture {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for Capture {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        // Only WASIp3 guests use this; rule modules are WASIp2 components.
        Box::new(tokio::io::sink())
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for Capture {
    async fn ready(&mut self) {}
}

impl OutputStream for Capture {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        if let Ok(mut buf) = self.buf.lock() {
            let room = self.cap.saturating_sub(buf.len());
            if bytes.len() > room {
                self.truncated.store(true, Ordering::Relaxed);
            }
            buf.extend_from_slice(&bytes[..bytes.len().min(room)]);
        }
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(64 << 10)
    }
}

/// A wall clock that always reads the assessment date, 00:00 UTC.
struct FixedClock(Duration);

impl HostWallClock for FixedClock {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        self.0
    }
}

/// A monotonic clock that never advances.
struct StillClock;

impl HostMonotonicClock for StillClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

/// Seed of the randomness rules see (for hash maps and the like).
const SEED: [u8; 32] = *b"mizuchi: deterministic seed v1..";

fn wasi_context(as_of: Option<Date>, capture: &Capture) -> WasiCtx {
    let since_epoch = as_of
        .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp().as_second())
        .and_then(|s| u64::try_from(s).ok())
        .unwrap_or(0);
    let mut b = WasiCtxBuilder::new();
    b.stdout(capture.clone())
        .stderr(capture.clone())
        .wall_clock(FixedClock(Duration::from_secs(since_epoch)))
        .monotonic_clock(StillClock)
        .secure_random(ChaCha20Rng::from_seed(SEED))
        .insecure_random(ChaCha20Rng::from_seed(SEED))
        .insecure_random_seed(u128::from_le_bytes([7; 16]))
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false);
    b.build()
}

/// Adds WASI and the evidence interface to a linker.
pub(crate) fn linker(
    engine: &wasmtime::Engine,
) -> wasmtime::Result<wasmtime::component::Linker<RunState>> {
    let mut linker = wasmtime::component::Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
    RuleModule::add_to_linker::<RunState, HasSelf<RunState>>(&mut linker, |s| s)?;
    Ok(linker)
}

/// What a run returned, and what it cost.
pub(crate) struct RunOutput<T> {
    pub result: Result<T, Failure>,
    pub fuel_used: u64,
    pub log: String,
}

/// A run's inputs besides the module.
pub(crate) struct RunInput {
    pub as_of: Option<Date>,
    pub evidence: Option<(Arc<Bundle>, Declared)>,
    pub fuel: u64,
    pub limits: Limits,
}

/// Instantiates the module in a fresh store and calls `f` on it.
pub(crate) fn run<T>(
    pre: &RuleModulePre<RunState>,
    input: RunInput,
    size_of: impl Fn(&T) -> usize,
    f: impl FnOnce(&RuleModule, &mut Store<RunState>) -> wasmtime::Result<Result<T, String>>,
) -> RunOutput<T> {
    let capture = Capture::new(input.limits.log);
    let state = RunState {
        wasi: wasi_context(input.as_of, &capture),
        table: ResourceTable::new(),
        limiter: Limiter {
            memory: input.limits.memory,
            denied: None,
        },
        evidence: input
            .evidence
            .map(|(bundle, declared)| Evidence { bundle, declared }),
    };
    let mut store = Store::new(pre.engine(), state);
    store.limiter(|s| &mut s.limiter);
    let fuel = input.fuel;
    if let Err(e) = store.set_fuel(fuel) {
        // Without its budget a run would not be deterministic: it does not start.
        return RunOutput {
            result: Err(Failure::Rule(format!(
                "the sandbox could not set the fuel budget: {e}"
            ))),
            fuel_used: 0,
            log: String::new(),
        };
    }
    let ticks = (input.limits.wall_clock.as_millis() / TICK.as_millis()).max(1);
    store.set_epoch_deadline(u64::try_from(ticks).unwrap_or(u64::MAX));
    store.epoch_deadline_trap();

    let outcome = pre
        .instantiate(&mut store)
        .and_then(|module| f(&module, &mut store));
    let fuel_used = fuel.saturating_sub(store.get_fuel().unwrap_or(0));
    let log = capture.text();
    let denied = store.data().limiter.denied;
    let result = match outcome {
        Ok(Ok(value)) => {
            let size = size_of(&value);
            if size > input.limits.output {
                Err(Failure::Limit(
                    Limit::Output,
                    format!(
                        "the result is {size} bytes, over the output cap of {} bytes",
                        input.limits.output
                    ),
                ))
            } else {
                Ok(value)
            }
        }
        Ok(Err(message)) => Err(Failure::Rule(message)),
        Err(e) => Err(classify(&e, denied, &input.limits, input.fuel, &log)),
    };
    RunOutput {
        result,
        fuel_used,
        log,
    }
}

fn mib(bytes: usize) -> String {
    let m = bytes as f64 / f64::from(1 << 20);
    if m.fract() == 0.0 {
        format!("{m:.0} MiB")
    } else {
        format!("{m:.2} MiB")
    }
}

/// Names the cause of a trap.
fn classify(
    e: &wasmtime::Error,
    denied: Option<usize>,
    limits: &Limits,
    fuel: u64,
    log: &str,
) -> Failure {
    let trap = e.downcast_ref::<Trap>().copied();
    match trap {
        Some(Trap::OutOfFuel) => {
            return Failure::Limit(
                Limit::Fuel,
                format!("the rule used all of its fuel ({fuel} units)"),
            );
        }
        Some(Trap::Interrupt) => {
            return Failure::Limit(
                Limit::WallClock,
                format!(
                    "the rule ran past the wall-clock limit of {} s",
                    limits.wall_clock.as_secs()
                ),
            );
        }
        Some(Trap::StackOverflow) => {
            return Failure::Limit(Limit::Stack, "the rule exhausted its call stack".into());
        }
        _ => {}
    }
    if let Some(asked) = denied {
        return Failure::Limit(
            Limit::Memory,
            format!(
                "the rule asked for {} of memory, over the memory cap of {}",
                mib(asked),
                mib(limits.memory)
            ),
        );
    }
    if let Some(at) = log.find("panicked at") {
        // Rust prints `panicked at FILE:LINE:COL:` then the message, then a note.
        let message = log[at..]
            .lines()
            .take_while(|l| !l.starts_with("note:"))
            .collect::<Vec<_>>()
            .join(" ");
        return Failure::Panic(message.trim().to_owned());
    }
    Failure::Trap(format!("{e:#}"))
}

// ---------------------------------------------------------------------------
// The evidence interfaces: `mizuchi:rule/evidence` (JSON, for any language)
// and `mizuchi:encoding/read` (the versioned binary encoding). Both read the
// same spool and documents, with the same checks.

/// A cursor over a log section, read as JSON lines.
#[allow(unreachable_pub)] // named by the generated bindings
pub enum JsonCursor {
    /// Authentication events.
    Auth(LogCursor<AuthEvent>),
    /// Door events.
    Door(LogCursor<DoorEvent>),
}

/// A cursor over the authentication events of a bundle, encoded.
#[allow(unreachable_pub)] // named by the generated bindings
pub struct EncodedAuthCursor(LogCursor<AuthEvent>);

/// A cursor over the door events of a bundle, encoded.
#[allow(unreachable_pub)] // named by the generated bindings
pub struct EncodedDoorCursor(LogCursor<DoorEvent>);

/// Streams the entries of one log section from its spool, with the symbols
/// each batch uses for the first time. Symbols are numbered in order of first
/// use, so the names a batch needs are exactly those up to the highest number
/// it uses; the last batch also carries any left (paths of empty files), so
/// that a rule ends with the whole table, as natively.
#[allow(unreachable_pub)] // named by the generated bindings, through the cursors
pub struct LogCursor<T: LogRecord> {
    spool: Arc<Spool>,
    reader: SpoolReader<T::Entry>,
    sent: usize,
}

/// A batch of encoded entries and the symbols first used in it.
type EncodedBatch = (Vec<u8>, Vec<String>);

/// Largest batch a rule may ask for.
const MAX_BATCH: u32 = 65_536;

impl<T: LogRecord + serde::Serialize> LogCursor<T> {
    fn new(spool: Arc<Spool>) -> std::io::Result<Self> {
        let reader = spool.reader()?;
        Ok(LogCursor {
            spool,
            reader,
            sent: 0,
        })
    }

    /// Up to `max` encoded entries and the symbols new since the last batch;
    /// `None` at the end.
    fn encoded(&mut self, max: u32) -> Result<Option<EncodedBatch>, String> {
        let max = max.clamp(1, MAX_BATCH) as usize;
        let mut bytes = Vec::new();
        let n = self
            .reader
            .read_encoded(max, &mut bytes)
            .map_err(|e| format!("cannot read the parsed log: {e}"))?;
        if n == 0 {
            return Ok(None);
        }
        let symbols = self.spool.symbols();
        let needed = self
            .spool
            .symbols_for(self.spool.entries() - self.reader.left());
        let names: Vec<String> = if needed > self.sent {
            symbols
                .names_from(self.sent)
                .take(needed - self.sent)
                .map(str::to_owned)
                .collect()
        } else {
            Vec::new()
        };
        self.sent = self.sent.max(needed);
        Ok(Some((bytes, names)))
    }

    /// Up to `max` entries as JSON lines; `None` at the end.
    fn json(&mut self, max: u32) -> Result<Option<Vec<ev::LogLine>>, String> {
        let Some((bytes, _)) = self.encoded(max)? else {
            return Ok(None);
        };
        let symbols = self.spool.symbols();
        bytes
            .chunks_exact(T::Entry::SIZE)
            .map(|c| {
                let entry = T::Entry::decode(c)
                    .ok_or_else(|| "a damaged entry in the parsed log".to_owned())?;
                let origin = entry.origin();
                let json = serde_json::to_string(&T::expand(&entry, symbols))
                    .map_err(|e| format!("cannot write an event as JSON: {e}"))?;
                Ok(ev::LogLine {
                    file: symbols.name(origin.file).to_owned(),
                    line: origin.line,
                    json,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

impl RunState {
    /// The bundle, if the section was declared.
    fn declared(&self, section: SectionKind) -> Result<&Arc<Bundle>, ev::EvidenceError> {
        let Some(e) = &self.evidence else {
            return Err(ev::EvidenceError::Unreadable(
                "no evidence is available while a module lists its rules".into(),
            ));
        };
        if !e.declared.sections.contains(&section) {
            return Err(ev::EvidenceError::NotDeclared(section.as_str().into()));
        }
        if !e.bundle.has(section) {
            return Err(ev::EvidenceError::Absent(section.as_str().into()));
        }
        Ok(&e.bundle)
    }
}

impl ty::Host for RunState {}

impl RunState {
    /// The document section named `section`, if the rule declared it.
    fn declared_document(
        &self,
        section: &str,
    ) -> Result<(SectionKind, &DocumentFile), ev::EvidenceError> {
        if section.starts_with("x-") {
            return Err(ev::EvidenceError::Unreadable(format!(
                "`{section}` is an extension section, which has no binary encoding; read it with `document-json`"
            )));
        }
        let kind: SectionKind = section.parse().map_err(unreadable)?;
        let document = self.declared(kind)?.document(kind).ok_or_else(|| {
            ev::EvidenceError::Unreadable(format!("`{section}` is a log; open it as a stream"))
        })?;
        Ok((kind, document))
    }

    /// The extension section `section` as JSON, if the rule declared it.
    fn extension_json(&self, section: &str) -> Result<String, ev::EvidenceError> {
        let Some(e) = &self.evidence else {
            return Err(ev::EvidenceError::Unreadable(
                "no evidence is available while a module lists its rules".into(),
            ));
        };
        if !e.declared.extensions.iter().any(|n| n.as_str() == section) {
            return Err(ev::EvidenceError::NotDeclared(section.into()));
        }
        e.bundle
            .extension(section)
            .map(|f| f.json().to_owned())
            .ok_or_else(|| ev::EvidenceError::Absent(section.into()))
    }

    /// The log cursor behind a handle the guest holds.
    fn open_cursor<C: 'static>(
        &mut self,
        handle: &Resource<C>,
    ) -> Result<&mut C, ev::EvidenceError> {
        self.table.get_mut(handle).map_err(unreadable)
    }

    /// A cursor over a declared log section.
    fn cursor<T: LogRecord + serde::Serialize>(
        &self,
        kind: SectionKind,
    ) -> Result<LogCursor<T>, ev::EvidenceError> {
        let bundle = self.declared(kind)?;
        let spool = bundle.spool(kind).map_err(ev::EvidenceError::Unreadable)?;
        LogCursor::new(spool).map_err(|e| ev::EvidenceError::Unreadable(e.to_string()))
    }
}

/// An evidence error for what the guest cannot be given.
fn unreadable(e: impl std::fmt::Display) -> ev::EvidenceError {
    ev::EvidenceError::Unreadable(e.to_string())
}

impl ev::Host for RunState {
    fn bundle(&mut self) -> ev::BundleInfo {
        match &self.evidence {
            Some(e) => {
                let m = e.bundle.manifest();
                ev::BundleInfo {
                    utility_id: m.utility.id.clone(),
                    utility_name: ty::Text {
                        ja: m.utility.name.ja.clone(),
                        en: m.utility.name.en.clone(),
                    },
                    collected_on: m.collected_on.to_string(),
                    format_version: m.format_version.clone(),
                }
            }
            None => ev::BundleInfo {
                utility_id: String::new(),
                utility_name: ty::Text {
                    ja: String::new(),
                    en: String::new(),
                },
                collected_on: "1970-01-01".into(),
                format_version: mizuchi_evidence::FORMAT_VERSION.into(),
            },
        }
    }

    fn document_json(&mut self, section: String) -> Result<String, ev::EvidenceError> {
        if section.starts_with("x-") {
            return self.extension_json(&section);
        }
        let (kind, document) = self.declared_document(&section)?;
        mizuchi_evidence::document_json(kind, document.encoded()).map_err(unreadable)
    }

    fn open_log(&mut self, section: String) -> Result<Resource<JsonCursor>, ev::EvidenceError> {
        let cursor = match section.parse().map_err(unreadable)? {
            SectionKind::AuthEvents => JsonCursor::Auth(self.cursor(SectionKind::AuthEvents)?),
            SectionKind::DoorEvents => JsonCursor::Door(self.cursor(SectionKind::DoorEvents)?),
            _ => {
                return Err(ev::EvidenceError::Unreadable(format!(
                    "`{section}` is a document; read it with `document-json`"
                )));
            }
        };
        self.table.push(cursor).map_err(unreadable)
    }
}

impl ev::HostLogCursor for RunState {
    fn next(
        &mut self,
        cursor: Resource<JsonCursor>,
        max: u32,
    ) -> Result<Option<Vec<ev::LogLine>>, ev::EvidenceError> {
        let lines = match self.open_cursor(&cursor)? {
            JsonCursor::Auth(c) => c.json(max),
            JsonCursor::Door(c) => c.json(max),
        };
        lines.map_err(ev::EvidenceError::Unreadable)
    }

    fn drop(&mut self, cursor: Resource<JsonCursor>) -> wasmtime::Result<()> {
        self.table.delete(cursor)?;
        Ok(())
    }
}

fn read_error(e: ev::EvidenceError) -> rd::ReadError {
    match e {
        ev::EvidenceError::NotDeclared(s) => rd::ReadError::NotDeclared(s),
        ev::EvidenceError::Absent(s) => rd::ReadError::Absent(s),
        ev::EvidenceError::Unreadable(s) => rd::ReadError::Unreadable(s),
    }
}

fn read_batch(b: Result<Option<EncodedBatch>, String>) -> Result<Option<rd::Batch>, rd::ReadError> {
    b.map(|b| b.map(|(events, symbols)| rd::Batch { symbols, events }))
        .map_err(rd::ReadError::Unreadable)
}

impl rd::Host for RunState {
    fn document(&mut self, section: String) -> Result<Vec<u8>, rd::ReadError> {
        let (_, document) = self.declared_document(&section).map_err(read_error)?;
        Ok(document.encoded().to_vec())
    }

    fn open_auth_events(&mut self) -> Result<Resource<EncodedAuthCursor>, rd::ReadError> {
        let cursor = EncodedAuthCursor(self.cursor(SectionKind::AuthEvents).map_err(read_error)?);
        self.table
            .push(cursor)
            .map_err(|e| read_error(unreadable(e)))
    }

    fn open_door_events(&mut self) -> Result<Resource<EncodedDoorCursor>, rd::ReadError> {
        let cursor = EncodedDoorCursor(self.cursor(SectionKind::DoorEvents).map_err(read_error)?);
        self.table
            .push(cursor)
            .map_err(|e| read_error(unreadable(e)))
    }
}

impl rd::HostAuthEvents for RunState {
    fn next(
        &mut self,
        cursor: Resource<EncodedAuthCursor>,
        max: u32,
    ) -> Result<Option<rd::Batch>, rd::ReadError> {
        let cursor = self.open_cursor(&cursor).map_err(read_error)?;
        read_batch(cursor.0.encoded(max))
    }

    fn drop(&mut self, cursor: Resource<EncodedAuthCursor>) -> wasmtime::Result<()> {
        self.table.delete(cursor)?;
        Ok(())
    }
}

impl rd::HostDoorEvents for RunState {
    fn next(
        &mut self,
        cursor: Resource<EncodedDoorCursor>,
        max: u32,
    ) -> Result<Option<rd::Batch>, rd::ReadError> {
        let cursor = self.open_cursor(&cursor).map_err(read_error)?;
        read_batch(cursor.0.encoded(max))
    }

    fn drop(&mut self, cursor: Resource<EncodedDoorCursor>) -> wasmtime::Result<()> {
        self.table.delete(cursor)?;
        Ok(())
    }
}
