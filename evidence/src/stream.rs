//! The compact form in which event logs reach rules, and the reader that
//! produces it.
//!
//! Event logs are the largest part of a bundle (a year of a large utility holds
//! tens of millions of authentication events). Rules read them as a stream of
//! entries whose text fields are [`Symbol`]s: small numbers standing for
//! strings held once in a [`Symbols`] table. An entry is a few dozen bytes with
//! no allocation; grouping by account or system compares numbers.
//!
//! The host parses each line of a JSON Lines file with [`parse_entry`] and
//! hands rules batches of entries plus the symbols that are new in each
//! batch; natively, the SDK reads the same files with [`LogReader`], which
//! parses with the same function. Both therefore see the same entries in the
//! same order with the same symbol numbers.

use std::io::BufRead;

use serde::de::DeserializeOwned;

use crate::flat::{self, Scalar};
use crate::{AuthEvent, AuthKind, Direction, DoorEvent, DoorResult};

/// A string interned in a [`Symbols`] table.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`LogReader`].")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Symbol(pub u32);

/// The strings behind [`Symbol`]s, numbered in order of first appearance.
///
/// Interning happens for every text field of every event, so the index is a
/// table hashed with the Fx hash (fast, deterministic) whose slots carry the
/// first 16 bytes of their name: the account, host and address names of logs
/// are mostly that short, and are then told apart in the slot itself, without
/// reading the name. Each name is held once.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`LogReader`].")]
#[derive(Clone, Default)]
pub struct Symbols {
    names: Vec<String>,
    index: hashbrown::HashTable<Slot>,
}

/// A symbol in the index: its number, and the length and first 16 bytes
/// (zero-padded) of its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Slot {
    n: u32,
    len: u32,
    head: [u64; 2],
}

impl Slot {
    const HEAD: usize = 16;

    fn key(name: &str) -> (u32, [u64; 2]) {
        let bytes = name.as_bytes();
        let mut head = [0u8; Self::HEAD];
        let k = bytes.len().min(Self::HEAD);
        head[..k].copy_from_slice(&bytes[..k]);
        let (a, b) = head.split_at(8);
        let word = |w: &[u8]| w.try_into().map_or(0, u64::from_le_bytes);
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        (len, [word(a), word(b)])
    }
}

impl std::fmt::Debug for Symbols {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Symbols")
            .field("len", &self.names.len())
            .finish_non_exhaustive()
    }
}

fn name_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(name)
}

impl Symbols {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty table with room for `n` names.
    pub fn with_capacity(n: usize) -> Self {
        Symbols {
            names: Vec::with_capacity(n),
            index: hashbrown::HashTable::with_capacity(n),
        }
    }

    /// The symbol for `name`, adding it if it is new.
    pub fn intern(&mut self, name: &str) -> Symbol {
        self.intern_with(name, str::to_owned)
    }

    /// The symbol for `name`, adding it (without copying it) if it is new.
    pub fn intern_owned(&mut self, name: String) -> Symbol {
        self.intern_with(name, |n| n)
    }

    /// The slot of `name` in the index, if it is there.
    fn find(&self, hash: u64, name: &str) -> Option<&Slot> {
        let (len, head) = Slot::key(name);
        self.index.find(hash, |s| {
            s.len == len
                && s.head == head
                && (name.len() <= Slot::HEAD || self.names[s.n as usize] == name)
        })
    }

    fn intern_with<S: AsRef<str>>(&mut self, name: S, owned: impl FnOnce(S) -> String) -> Symbol {
        let hash = name_hash(name.as_ref());
        if let Some(s) = self.find(hash, name.as_ref()) {
            return Symbol(s.n);
        }
        let n = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        let (len, head) = Slot::key(name.as_ref());
        self.names.push(owned(name));
        let names = &self.names;
        self.index.insert_unique(hash, Slot { n, len, head }, |s| {
            name_hash(&names[s.n as usize])
        });
        Symbol(n)
    }

    /// Appends names received from the host, numbered from [`Symbols::len`].
    pub fn extend<I, S>(&mut self, names: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for name in names {
            self.intern(name.as_ref());
        }
    }

    /// The string behind a symbol; empty for a number the table does not hold.
    pub fn name(&self, symbol: Symbol) -> &str {
        self.names
            .get(symbol.0 as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The symbol of `name`, if the table holds it.
    pub fn get(&self, name: &str) -> Option<Symbol> {
        self.find(name_hash(name), name).map(|s| Symbol(s.n))
    }

    /// Number of symbols.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// The table holds no symbol.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The names numbered `from` onwards: what a receiver that holds `from`
    /// symbols is missing.
    pub fn names_from(&self, from: usize) -> impl Iterator<Item = &str> {
        self.names.iter().skip(from).map(String::as_str)
    }
}

/// Where an entry came from: a bundle file and a 1-based line in it.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`LogReader`].")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The file, as a symbol.
    pub file: Symbol,
    /// The line, counting from 1.
    pub line: u64,
}

impl Origin {
    /// `path:line`, the locator findings use for event-log evidence.
    pub fn locator(&self, symbols: &Symbols) -> String {
        format!("{}:{}", symbols.name(self.file), self.line)
    }
}

/// An authentication event in compact form. See [`AuthEvent`] for the fields.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`LogReader`].")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthEntry {
    /// Where the event was read.
    pub origin: Origin,
    /// Seconds since the Unix epoch, UTC.
    pub time: i64,
    /// What happened.
    pub kind: AuthKind,
    /// The system that recorded the event.
    pub system: Symbol,
    /// The account name as logged.
    pub account: Symbol,
    /// The source address or host, if logged.
    pub source: Option<Symbol>,
    /// The Windows logon type, if logged.
    pub logon_type: Option<u8>,
    /// The Windows failure status, if logged.
    pub status: Option<u32>,
    /// The Windows failure sub-status, if logged.
    pub sub_status: Option<u32>,
    /// Who made the change, if logged and not the account itself.
    pub actor: Option<Symbol>,
    /// The group, for a group membership change.
    pub group: Option<Symbol>,
    /// The Windows event id, if the event came from one.
    pub event_id: Option<u32>,
}

/// A door event in compact form. See [`DoorEvent`] for the fields.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`LogReader`].")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoorEntry {
    /// Where the event was read.
    pub origin: Origin,
    /// Seconds since the Unix epoch, UTC.
    pub time: i64,
    /// The area entered or left.
    pub area: Symbol,
    /// The door or reader, if logged.
    pub door: Option<Symbol>,
    /// The person, if the controller knows the card's holder.
    pub person: Option<Symbol>,
    /// The card or badge presented, if logged.
    pub card: Option<Symbol>,
    /// The visitor ledger entry, for a visitor badge.
    pub visitor: Option<Symbol>,
    /// Whether the door opened.
    pub result: DoorResult,
    /// Entry or exit, if the reader tells.
    pub direction: Direction,
}

/// A compact entry as fixed-size bytes, so that a host can parse a log once,
/// keep its entries on disk and hand them to many rules without parsing again.
///
/// The encoding is little-endian and private to one process: it is never a
/// file format anyone else reads, and may change between versions.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`LogReader`].")]
pub trait Encoded: Sized + Copy {
    /// Bytes per entry.
    const SIZE: usize;

    /// Appends the entry's `SIZE` bytes.
    fn encode(&self, out: &mut Vec<u8>);

    /// The entry encoded in `bytes` (exactly `SIZE` of them); `None` for
    /// bytes no entry encodes to.
    fn decode(bytes: &[u8]) -> Option<Self>;

    /// Where the entry was read.
    fn origin(&self) -> Origin;

    /// The highest symbol number the entry uses.
    fn max_symbol(&self) -> u32;

    /// The entry with every symbol (the origin's file included) replaced by
    /// `f` of it: how entries numbered against one table are renumbered
    /// against another.
    fn map_symbols(self, f: impl FnMut(Symbol) -> Symbol) -> Self;
}

/// The layout of an entry with `W` words, `24 + 4 × W` bytes little-endian:
/// the origin file (u32) and line (u64), the time (i64), four one-byte
/// codes, then `W` u32 words (symbols and codes). Authentication entries
/// have 8 words (56 bytes), door entries 5 (44 bytes).
struct Layout<const W: usize> {
    origin: Origin,
    time: i64,
    codes: [u8; 4],
    words: [u32; W],
}

impl<const W: usize> Layout<W> {
    const SIZE: usize = 24 + 4 * W;

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.origin.file.0.to_le_bytes());
        out.extend_from_slice(&self.origin.line.to_le_bytes());
        out.extend_from_slice(&self.time.to_le_bytes());
        out.extend_from_slice(&self.codes);
        for w in self.words {
            out.extend_from_slice(&w.to_le_bytes());
        }
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        if bytes.len() != Self::SIZE {
            return None;
        }
        let u32_at =
            |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
        let u64_at = |i: usize| u64::from(u32_at(i)) | (u64::from(u32_at(i + 4)) << 32);
        Some(Layout {
            origin: Origin {
                file: Symbol(u32_at(0)),
                line: u64_at(4),
            },
            time: u64_at(12) as i64,
            codes: [bytes[20], bytes[21], bytes[22], bytes[23]],
            words: std::array::from_fn(|k| u32_at(24 + 4 * k)),
        })
    }
}

/// An optional field: a presence bit in `flags` and the value (0 when absent).
fn opt<T: Copy + Default>(v: Option<T>, bit: u8, flags: &mut u8) -> T {
    if v.is_some() {
        *flags |= bit;
    }
    v.unwrap_or_default()
}

fn present<T>(flags: u8, bit: u8, v: T) -> Option<T> {
    (flags & bit != 0).then_some(v)
}

/// Authentication entries' layout: codes kind, presence flags, logon
/// type, unused; words system, account, source, status, sub-status, actor,
/// group, event id.
type AuthLayout = Layout<8>;

/// Door entries' layout: codes result, direction, presence flags, unused;
/// words area, door, person, card, visitor.
type DoorLayout = Layout<5>;

impl Encoded for AuthEntry {
    const SIZE: usize = AuthLayout::SIZE;

    fn encode(&self, out: &mut Vec<u8>) {
        let mut flags = 0u8;
        let source = opt(self.source.map(|s| s.0), 1, &mut flags);
        let logon_type = opt(self.logon_type, 2, &mut flags);
        let status = opt(self.status, 4, &mut flags);
        let sub_status = opt(self.sub_status, 8, &mut flags);
        let actor = opt(self.actor.map(|s| s.0), 16, &mut flags);
        let group = opt(self.group.map(|s| s.0), 32, &mut flags);
        let event_id = opt(self.event_id, 64, &mut flags);
        AuthLayout {
            origin: self.origin,
            time: self.time,
            codes: [self.kind.code(), flags, logon_type, 0],
            words: [
                self.system.0,
                self.account.0,
                source,
                status,
                sub_status,
                actor,
                group,
                event_id,
            ],
        }
        .encode(out);
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let AuthLayout {
            origin,
            time,
            codes: [kind, flags, logon_type, _],
            words:
                [
                    system,
                    account,
                    source,
                    status,
                    sub_status,
                    actor,
                    group,
                    event_id,
                ],
        } = AuthLayout::decode(bytes)?;
        Some(AuthEntry {
            origin,
            time,
            kind: AuthKind::from_code(kind)?,
            system: Symbol(system),
            account: Symbol(account),
            source: present(flags, 1, Symbol(source)),
            logon_type: present(flags, 2, logon_type),
            status: present(flags, 4, status),
            sub_status: present(flags, 8, sub_status),
            actor: present(flags, 16, Symbol(actor)),
            group: present(flags, 32, Symbol(group)),
            event_id: present(flags, 64, event_id),
        })
    }

    fn origin(&self) -> Origin {
        self.origin
    }

    fn max_symbol(&self) -> u32 {
        [self.source, self.actor, self.group]
            .into_iter()
            .flatten()
            .map(|s| s.0)
            .fold(
                self.origin.file.0.max(self.system.0).max(self.account.0),
                u32::max,
            )
    }

    fn map_symbols(self, mut f: impl FnMut(Symbol) -> Symbol) -> Self {
        AuthEntry {
            origin: Origin {
                file: f(self.origin.file),
                line: self.origin.line,
            },
            system: f(self.system),
            account: f(self.account),
            source: self.source.map(&mut f),
            actor: self.actor.map(&mut f),
            group: self.group.map(&mut f),
            ..self
        }
    }
}

impl Encoded for DoorEntry {
    const SIZE: usize = DoorLayout::SIZE;

    fn encode(&self, out: &mut Vec<u8>) {
        let mut flags = 0u8;
        let door = opt(self.door.map(|s| s.0), 1, &mut flags);
        let person = opt(self.person.map(|s| s.0), 2, &mut flags);
        let card = opt(self.card.map(|s| s.0), 4, &mut flags);
        let visitor = opt(self.visitor.map(|s| s.0), 8, &mut flags);
        let result = match self.result {
            DoorResult::Granted => 0,
            DoorResult::Denied => 1,
        };
        let direction = match self.direction {
            Direction::Entry => 0,
            Direction::Exit => 1,
            Direction::Unknown => 2,
        };
        DoorLayout {
            origin: self.origin,
            time: self.time,
            codes: [result, direction, flags, 0],
            words: [self.area.0, door, person, card, visitor],
        }
        .encode(out);
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let DoorLayout {
            origin,
            time,
            codes: [result, direction, flags, _],
            words: [area, door, person, card, visitor],
        } = DoorLayout::decode(bytes)?;
        let result = match result {
            0 => DoorResult::Granted,
            1 => DoorResult::Denied,
            _ => return None,
        };
        let direction = match direction {
            0 => Direction::Entry,
            1 => Direction::Exit,
            2 => Direction::Unknown,
            _ => return None,
        };
        Some(DoorEntry {
            origin,
            time,
            area: Symbol(area),
            door: present(flags, 1, Symbol(door)),
            person: present(flags, 2, Symbol(person)),
            card: present(flags, 4, Symbol(card)),
            visitor: present(flags, 8, Symbol(visitor)),
            result,
            direction,
        })
    }

    fn origin(&self) -> Origin {
        self.origin
    }

    fn max_symbol(&self) -> u32 {
        [self.door, self.person, self.card, self.visitor]
            .into_iter()
            .flatten()
            .map(|s| s.0)
            .fold(self.origin.file.0.max(self.area.0), u32::max)
    }

    fn map_symbols(self, mut f: impl FnMut(Symbol) -> Symbol) -> Self {
        DoorEntry {
            origin: Origin {
                file: f(self.origin.file),
                line: self.origin.line,
            },
            area: f(self.area),
            door: self.door.map(&mut f),
            person: self.person.map(&mut f),
            card: self.card.map(&mut f),
            visitor: self.visitor.map(&mut f),
            ..self
        }
    }
}

/// A log record type and its compact form.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`LogReader`].")]
pub trait LogRecord: DeserializeOwned {
    /// The compact form.
    type Entry: Encoded;

    /// Interns the record's strings (in field order) and returns its
    /// compact form.
    fn compact(self, origin: Origin, symbols: &mut Symbols) -> Self::Entry;

    /// The record holding what `entry` holds, its symbols named from
    /// `symbols`: what a rule reading JSON (`document-json`'s counterpart
    /// for logs) is given. Fields the compact form does not keep are absent.
    fn expand(entry: &Self::Entry, symbols: &Symbols) -> Self;

    /// The compact form of a line read without serde, or `None` to leave the
    /// line to serde. What it returns, and what it interns in which order,
    /// must be exactly what parsing the line and [`compact`](Self::compact)
    /// give: [`parse_entry`] uses it as a shortcut.
    fn compact_text(text: &str, origin: Origin, symbols: &mut Symbols) -> Option<Self::Entry> {
        let _ = (text, origin, symbols);
        None
    }
}

/// Records a field of a line once: a second occurrence declines the line
/// (serde refuses a duplicate field), as does a value `read` declines.
fn once<'a, T>(
    slot: &mut Option<T>,
    value: Scalar<'a>,
    read: impl FnOnce(Scalar<'a>) -> Option<T>,
) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(read(value)?);
    Some(())
}

/// A string, for a field serde reads as a `String`.
fn text(value: Scalar<'_>) -> Option<&str> {
    match value {
        Scalar::Str(s) => Some(s),
        _ => None,
    }
}

/// An optional value, for a field serde reads as an `Option`.
fn nullable<'a, T>(
    read: impl FnOnce(Scalar<'a>) -> Option<T>,
) -> impl FnOnce(Scalar<'a>) -> Option<Option<T>> {
    move |value| match value {
        Scalar::Null => Some(None),
        v => read(v).map(Some),
    }
}

fn timestamp(value: Scalar<'_>) -> Option<i64> {
    crate::parse_timestamp(text(value)?).map(|t| t.as_second())
}

fn uint<T: TryFrom<u64>>(value: Scalar<'_>) -> Option<T> {
    match value {
        Scalar::Uint(n) => T::try_from(n).ok(),
        _ => None,
    }
}

/// An integer within 2^53 − 1, as strict evidence JSON requires.
fn exact(value: Scalar<'_>) -> Option<u64> {
    uint::<u64>(value).filter(|n| *n <= crate::MAX_EXACT)
}

fn hex_code(value: Scalar<'_>) -> Option<u32> {
    crate::sections::parse_hex_code(text(value)?)
}

/// A field the record does not define: the line is left to serde, which
/// refuses it with its name (records deny unknown fields, as their schemas do).
fn unknown(_: Scalar<'_>) -> Option<()> {
    None
}

impl LogRecord for AuthEvent {
    type Entry = AuthEntry;

    fn compact(self, origin: Origin, symbols: &mut Symbols) -> AuthEntry {
        AuthEntry {
            origin,
            time: self.time.as_second(),
            kind: self.kind,
            system: symbols.intern_owned(self.system),
            account: symbols.intern_owned(self.account),
            source: self.source.map(|s| symbols.intern_owned(s)),
            logon_type: self.logon_type,
            status: self.status,
            sub_status: self.sub_status,
            actor: self.actor.map(|s| symbols.intern_owned(s)),
            group: self.group.map(|s| symbols.intern_owned(s)),
            event_id: self.event_id,
        }
    }

    fn expand(e: &AuthEntry, symbols: &Symbols) -> AuthEvent {
        let name = |s: Symbol| symbols.name(s).to_owned();
        AuthEvent {
            time: seconds(e.time),
            kind: e.kind,
            system: name(e.system),
            account: name(e.account),
            domain: None,
            source: e.source.map(name),
            logon_type: e.logon_type,
            status: e.status,
            sub_status: e.sub_status,
            method: None,
            actor: e.actor.map(name),
            group: e.group.map(name),
            event_id: e.event_id,
            record_id: None,
        }
    }

    fn compact_text(text: &str, origin: Origin, symbols: &mut Symbols) -> Option<AuthEntry> {
        let (mut time, mut kind, mut system, mut account) = (None, None, None, None);
        let (mut source, mut logon_type, mut status, mut sub_status) = (None, None, None, None);
        let (mut domain, mut method, mut event_id, mut record_id) = (None, None, None, None);
        let (mut actor, mut group) = (None, None);
        flat::fields(text, |key, value| match key {
            "time" => once(&mut time, value, timestamp),
            "kind" => once(&mut kind, value, |v| {
                let name = self::text(v)?;
                AuthKind::ALL.into_iter().find(|k| k.as_str() == name)
            }),
            "system" => once(&mut system, value, self::text),
            "account" => once(&mut account, value, self::text),
            "domain" => once(&mut domain, value, nullable(self::text)),
            "source" => once(&mut source, value, nullable(self::text)),
            "logon_type" => once(&mut logon_type, value, nullable(uint::<u8>)),
            "status" => once(&mut status, value, nullable(hex_code)),
            "sub_status" => once(&mut sub_status, value, nullable(hex_code)),
            "method" => once(&mut method, value, nullable(self::text)),
            "actor" => once(&mut actor, value, nullable(self::text)),
            "group" => once(&mut group, value, nullable(self::text)),
            "event_id" => once(&mut event_id, value, nullable(uint::<u32>)),
            "record_id" => once(&mut record_id, value, nullable(exact)),
            _ => unknown(value),
        })?;
        // Strings are interned only once the whole line is accepted, in
        // field order, as `compact` does.
        let (time, kind, system, account) = (time?, kind?, system?, account?);
        Some(AuthEntry {
            origin,
            time,
            kind,
            system: symbols.intern(system),
            account: symbols.intern(account),
            source: source.flatten().map(|s| symbols.intern(s)),
            logon_type: logon_type.flatten(),
            status: status.flatten(),
            sub_status: sub_status.flatten(),
            actor: actor.flatten().map(|s| symbols.intern(s)),
            group: group.flatten().map(|s| symbols.intern(s)),
            event_id: event_id.flatten(),
        })
    }
}

impl LogRecord for DoorEvent {
    type Entry = DoorEntry;

    fn compact(self, origin: Origin, symbols: &mut Symbols) -> DoorEntry {
        DoorEntry {
            origin,
            time: self.time.as_second(),
            area: symbols.intern_owned(self.area),
            door: self.door.map(|s| symbols.intern_owned(s)),
            person: self.person.map(|s| symbols.intern_owned(s)),
            card: self.card.map(|s| symbols.intern_owned(s)),
            visitor: self.visitor.map(|s| symbols.intern_owned(s)),
            result: self.result,
            direction: self.direction,
        }
    }

    fn expand(e: &DoorEntry, symbols: &Symbols) -> DoorEvent {
        let name = |s: Symbol| symbols.name(s).to_owned();
        DoorEvent {
            time: seconds(e.time),
            area: name(e.area),
            door: e.door.map(name),
            person: e.person.map(name),
            card: e.card.map(name),
            visitor: e.visitor.map(name),
            result: e.result,
            direction: e.direction,
        }
    }

    fn compact_text(text: &str, origin: Origin, symbols: &mut Symbols) -> Option<DoorEntry> {
        let (mut time, mut area, mut door, mut person) = (None, None, None, None);
        let (mut card, mut visitor, mut result, mut direction) = (None, None, None, None);
        flat::fields(text, |key, value| match key {
            "time" => once(&mut time, value, timestamp),
            "area" => once(&mut area, value, self::text),
            "door" => once(&mut door, value, nullable(self::text)),
            "person" => once(&mut person, value, nullable(self::text)),
            "card" => once(&mut card, value, nullable(self::text)),
            "visitor" => once(&mut visitor, value, nullable(self::text)),
            "result" => once(&mut result, value, |v| match self::text(v)? {
                "granted" => Some(DoorResult::Granted),
                "denied" => Some(DoorResult::Denied),
                _ => None,
            }),
            "direction" => once(&mut direction, value, |v| match self::text(v)? {
                "entry" => Some(Direction::Entry),
                "exit" => Some(Direction::Exit),
                "unknown" => Some(Direction::Unknown),
                _ => None,
            }),
            _ => unknown(value),
        })?;
        let (time, area, result) = (time?, area?, result?);
        let area = symbols.intern(area);
        let mut name = |s: Option<Option<&str>>| s.flatten().map(|s| symbols.intern(s));
        let (door, person) = (name(door), name(person));
        let (card, visitor) = (name(card), name(visitor));
        Some(DoorEntry {
            origin,
            time,
            area,
            door,
            person,
            card,
            visitor,
            result,
            direction: direction.unwrap_or_default(),
        })
    }
}

/// The instant `secs` seconds after 1970; the nearest representable one
/// for a value no timestamp holds (entries hold what a timestamp gave).
fn seconds(secs: i64) -> crate::Timestamp {
    crate::Timestamp::from_second(secs).unwrap_or(if secs < 0 {
        crate::Timestamp::MIN
    } else {
        crate::Timestamp::MAX
    })
}

/// A line of a log that could not be read.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`LogReader`].")]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    /// 1-based line number.
    pub line: u64,
    /// What is wrong with it.
    pub message: String,
}

/// Reads a JSON Lines log one record at a time, in constant memory.
///
/// ```
/// use mizuchi_evidence::AuthEvent;
/// use mizuchi_evidence::stream::{LogReader, Symbols};
///
/// let log = br#"{"time": "2026-11-01T09:00:00+09:00", "kind": "logon-failure", "system": "HMI-01", "account": "operator"}
/// {"time": "2026-11-01T09:00:05+09:00", "kind": "logon-success", "system": "HMI-01", "account": "operator"}
/// "#;
/// let mut symbols = Symbols::new();
/// let file = symbols.intern("auth-events.jsonl");
/// let mut reader = LogReader::new(&log[..], file);
/// let first = reader.next_entry::<AuthEvent>(&mut symbols).expect("an entry")?;
/// assert_eq!(symbols.name(first.account), "operator");
/// assert_eq!(first.origin.locator(&symbols), "auth-events.jsonl:1");
/// assert!(reader.next_entry::<AuthEvent>(&mut symbols).is_some());
/// assert!(reader.next_entry::<AuthEvent>(&mut symbols).is_none());
/// # Ok::<(), mizuchi_evidence::stream::LineError>(())
/// ```
#[derive(Debug)]
pub struct LogReader<R> {
    reader: R,
    file: Symbol,
    line: u64,
    buf: Vec<u8>,
}

impl<R: BufRead> LogReader<R> {
    /// A reader over `reader`, whose entries name `file` as their origin.
    pub fn new(reader: R, file: Symbol) -> Self {
        LogReader {
            reader,
            file,
            line: 0,
            buf: Vec::new(),
        }
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// Lines read so far.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The next record in compact form, `None` at the end.
    pub fn next_entry<T: LogRecord>(
        &mut self,
        symbols: &mut Symbols,
    ) -> Option<Result<T::Entry, LineError>> {
        let origin = match self.next_line()? {
            Ok(origin) => origin,
            Err(e) => return Some(Err(e)),
        };
        Some(parse_entry::<T>(&self.buf, origin, symbols))
    }

    /// The next record in full, with its origin, `None` at the end.
    pub fn next_record<T: DeserializeOwned>(&mut self) -> Option<Result<(T, Origin), LineError>> {
        let origin = match self.next_line()? {
            Ok(origin) => origin,
            Err(e) => return Some(Err(e)),
        };
        Some(parse_line::<T>(&self.buf, origin.line).map(|r| (r, origin)))
    }

    /// Reads the next line into the buffer; its origin, `None` at the end.
    fn next_line(&mut self) -> Option<Result<Origin, LineError>> {
        self.buf.clear();
        self.line += 1;
        let line = self.line;
        match self.reader.read_until(b'\n', &mut self.buf) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => {
                return Some(Err(LineError {
                    line,
                    message: e.to_string(),
                }));
            }
        }
        Some(Ok(Origin {
            file: self.file,
            line,
        }))
    }
}

/// Parses one line of a JSON Lines log (with or without its line ending)
/// as a record; `line` is its 1-based number, for the error.
///
/// This is the one definition of what a log line is, shared by every reader
/// of logs: a line must be UTF-8 and hold one JSON object of the record's
/// shape; an empty line is an error.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`LogReader`].")]
pub fn parse_line<T: DeserializeOwned>(raw: &[u8], line: u64) -> Result<T, LineError> {
    let text = line_text(raw, line)?;
    serde_json::from_str::<T>(text).map_err(|e| LineError {
        line,
        message: e.to_string(),
    })
}

/// Parses one line of a log, as [`parse_line`] does, straight into its
/// compact form, interning its strings in `symbols`. Lines of the common
/// simple shape are read without building the record (see
/// [`LogRecord::compact_text`]); the result is the same either way.
#[cfg_attr(doc, doc = "")]
#[cfg_attr(doc, doc = "Example: [`LogReader`].")]
pub fn parse_entry<T: LogRecord>(
    raw: &[u8],
    origin: Origin,
    symbols: &mut Symbols,
) -> Result<T::Entry, LineError> {
    let text = line_text(raw, origin.line)?;
    if let Some(entry) = T::compact_text(text, origin, symbols) {
        return Ok(entry);
    }
    serde_json::from_str::<T>(text)
        .map(|record| record.compact(origin, symbols))
        .map_err(|e| LineError {
            line: origin.line,
            message: e.to_string(),
        })
}

/// The text of a line without its ending: UTF-8 and not blank.
fn line_text(raw: &[u8], line: u64) -> Result<&str, LineError> {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let text = std::str::from_utf8(raw).map_err(|e| LineError {
        line,
        message: format!(
            "is not UTF-8 (at byte {}); save the log as UTF-8",
            e.valid_up_to() + 1
        ),
    })?;
    if text.trim().is_empty() {
        return Err(LineError {
            line,
            message: "empty line; every line of a log holds one JSON object".into(),
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = concat!(
        r#"{"time":"2026-04-01T00:00:00Z","kind":"logon-failure","system":"HMI-01","account":"op1"}"#,
        "\n",
        r#"{"time":"2026-04-01T00:00:05Z","kind":"logon-success","system":"HMI-01","account":"op1","source":"10.0.0.5"}"#,
        "\n",
    );

    #[test]
    fn entries_share_symbols_and_keep_their_lines() {
        let mut symbols = Symbols::new();
        let file = symbols.intern("auth-events.jsonl");
        let mut reader = LogReader::new(LOG.as_bytes(), file);
        let a = reader
            .next_entry::<AuthEvent>(&mut symbols)
            .unwrap()
            .unwrap();
        let b = reader
            .next_entry::<AuthEvent>(&mut symbols)
            .unwrap()
            .unwrap();
        assert!(reader.next_entry::<AuthEvent>(&mut symbols).is_none());
        assert_eq!(a.account, b.account);
        assert_eq!(symbols.name(b.source.unwrap()), "10.0.0.5");
        assert_eq!(b.origin.locator(&symbols), "auth-events.jsonl:2");
        assert_eq!(b.time - a.time, 5);
        assert_eq!(
            symbols.names_from(1).collect::<Vec<_>>(),
            ["HMI-01", "op1", "10.0.0.5"]
        );
    }

    #[test]
    fn a_bad_line_is_reported_with_its_number() {
        let text = format!("{LOG}{{\"time\":\"yesterday\"}}\n");
        let mut symbols = Symbols::new();
        let mut reader = LogReader::new(text.as_bytes(), Symbol(0));
        reader.next_entry::<AuthEvent>(&mut symbols);
        reader.next_entry::<AuthEvent>(&mut symbols);
        let err = reader
            .next_entry::<AuthEvent>(&mut symbols)
            .unwrap()
            .unwrap_err();
        assert_eq!(err.line, 3);
    }

    /// An entry and the names its table held after it.
    type Read<E> = Option<(E, Vec<String>)>;

    /// The shortcut's entry and names, and serde's, for one line.
    fn both<T: LogRecord>(line: &str) -> (Read<T::Entry>, Read<T::Entry>)
    where
        T::Entry: std::fmt::Debug,
    {
        let origin = Origin {
            file: Symbol(0),
            line: 7,
        };
        let names = |s: &Symbols| s.names_from(0).map(str::to_owned).collect::<Vec<_>>();
        let mut fast_names = Symbols::new();
        fast_names.intern("log");
        let fast = T::compact_text(line, origin, &mut fast_names).map(|e| (e, names(&fast_names)));
        let mut slow_names = Symbols::new();
        slow_names.intern("log");
        let slow = serde_json::from_str::<T>(line)
            .ok()
            .map(|r| (r.compact(origin, &mut slow_names), names(&slow_names)));
        (fast, slow)
    }

    /// Whenever the shortcut reads a line, serde reads it the same.
    fn agrees<T: LogRecord>(line: &str) -> bool
    where
        T::Entry: std::fmt::Debug + PartialEq,
    {
        let (fast, slow) = both::<T>(line);
        if let Some(fast) = &fast {
            assert_eq!(
                Some(fast),
                slow.as_ref(),
                "the shortcut differs from serde on {line}"
            );
        }
        fast.is_some()
    }

    const AUTH_LINES: &[&str] = &[
        r#"{"time":"2025-11-27T01:41:22Z","kind":"logon-success","system":"h00024","account":"u00054","source":"10.0.0.27","logon_type":3,"event_id":4624,"record_id":0}"#,
        r#"{"time":"2026-04-01T00:00:00+09:00","kind":"logon-failure","system":"HMI-01","account":"op1","domain":"PLANT","status":"0xc000006d","sub_status":"0xC000006A","logon_type":2,"method":"password","event_id":4625,"record_id":9007199254740991}"#,
        r#"{"account":"運転員","system":"監視端末","kind":"lockout","time":"2026-04-01T00:00:00.5Z","source":null,"logon_type":null,"status":null,"sub_status":null,"domain":null,"method":null,"event_id":null,"record_id":null}"#,
        r#" { "time" : "2026-04-01T00:00:00Z" , "kind" : "alert" , "system" : "s" , "account" : "a" , "method" : "x" , "logon_type" : 12 , "domain" : null } "#,
        r#"{"time":"2026-04-01T00:00:00Z","kind":"account-disabled","system":"s","account":"s"}"#,
        r#"{"time":"2026-04-01T00:00:00Z","kind":"account-deleted","system":"","account":"a","source":"s"}"#,
        r#"{"time":"2026-04-01T00:00:00Z","kind":"log-cleared","system":"s","account":"a","logon_type":255,"event_id":4294967295}"#,
        r#"{"time":"2026-04-01T00:00:00Z","kind":"group-member-added","system":"dc1","account":"op9","actor":"admin","group":"Domain Admins","event_id":4728,"record_id":88}"#,
        r#"{"time":"2026-04-01T00:00:00Z","kind":"account-created","system":"dc1","account":"op9","actor":"op9","group":null}"#,
    ];

    const DOOR_LINES: &[&str] = &[
        r#"{"time":"2025-11-27T01:41:22Z","area":"pump-room","door":"d1","person":"p1","card":"c1","result":"granted","direction":"entry"}"#,
        r#"{"time":"2025-11-27T01:41:22Z","area":"a","visitor":"v-7","result":"denied","direction":"exit"}"#,
        r#"{"result":"granted","area":"中央監視室","time":"2025-11-27T01:41:22-05:00","direction":"unknown","door":null,"person":null,"card":null,"visitor":null}"#,
        r#"{"time":"2025-11-27T01:41:22Z","area":"a","person":"a","card":"a","result":"denied"}"#,
    ];

    #[test]
    fn the_shortcut_reads_every_common_line_as_serde_does() {
        for line in AUTH_LINES {
            assert!(agrees::<AuthEvent>(line), "declined {line}");
        }
        for line in DOOR_LINES {
            assert!(agrees::<DoorEvent>(line), "declined {line}");
        }
        for kind in AuthKind::ALL {
            let line = format!(
                r#"{{"time":"2026-04-01T00:00:00Z","kind":"{}","system":"s","account":"a"}}"#,
                kind.as_str()
            );
            assert!(agrees::<AuthEvent>(&line), "declined {line}");
        }
    }

    #[test]
    fn the_shortcut_declines_what_serde_refuses_or_reads_differently() {
        for line in [
            // Duplicate fields, known ones refused by serde.
            r#"{"time":"2026-04-01T00:00:00Z","time":"2026-04-01T00:00:00Z","kind":"alert","system":"s","account":"a"}"#,
            r#"{"time":"2026-04-01T00:00:00Z","kind":"alert","system":"s","account":"a","source":null,"source":"x"}"#,
            // Missing, null or mistyped required fields.
            r#"{"time":"2026-04-01T00:00:00Z","kind":"alert","system":"s"}"#,
            r#"{"time":"2026-04-01T00:00:00Z","kind":"alert","system":null,"account":"a"}"#,
            r#"{"time":"2026-04-01T00:00:00Z","kind":"Alert","system":"s","account":"a"}"#,
            r#"{"time":"yesterday","kind":"alert","system":"s","account":"a"}"#,
            r#"{"time":"2026-04-01T00:00:00Z","kind":"alert","system":"s","account":1}"#,
            r#"{"time":"2026-04-01T00:00:00Z","kind":"alert","system":"s","account":"a","logon_type":256}"#,
            r#"{"time":"2026-04-01T00:00:00Z","kind":"alert","system":"s","account":"a","logon_type":"3"}"#,
            r#"{"time":"2026-04-01T00:00:00Z","kind":"alert","system":"s","account":"a","status":"C000006D"}"#,
            r#"{"time":"2026-04-01T00:00:00Z","kind":"alert","system":"s","account":"a","event_id":4294967296}"#,
            // Escapes are left to serde, which reads them.
            r#"{"time":"2026-04-01T00:00:00Z","kind":"alert","system":"s","account":"a\u0062"}"#,
            // What the schema refuses: unknown fields, inexact integers, a
            // signed code, a time that is not RFC 3339.
            r#"{"time":"2026-04-01T00:00:00Z","kind":"alert","system":"s","account":"a","vendor":"x"}"#,
            r#"{"time":"2026-04-01T00:00:00Z","kind":"alert","system":"s","account":"a","record_id":9007199254740992}"#,
            r#"{"time":"2026-04-01T00:00:00Z","kind":"alert","system":"s","account":"a","status":"0x+1"}"#,
            r#"{"time":"2026-04-01 00:00:00Z","kind":"alert","system":"s","account":"a"}"#,
            r#"{"time":"2026-04-01T00:00:00+0900","kind":"alert","system":"s","account":"a"}"#,
        ] {
            let (fast, _) = both::<AuthEvent>(line);
            assert!(fast.is_none(), "accepted {line}");
        }
        for line in [
            r#"{"time":"2025-11-27T01:41:22Z","area":"a","result":"granted","direction":null}"#,
            r#"{"time":"2025-11-27T01:41:22Z","area":"a","result":"granted","direction":"in"}"#,
            r#"{"time":"2025-11-27T01:41:22Z","result":"granted"}"#,
            r#"{"time":"2025-11-27T01:41:22Z","area":"a","result":"granted","reader":"r2"}"#,
        ] {
            let (fast, _) = both::<DoorEvent>(line);
            assert!(fast.is_none(), "accepted {line}");
        }
    }

    /// Every line one byte away from a common one: deleted, replaced or
    /// inserted. Wherever the shortcut still reads it, serde must agree.
    #[test]
    fn lines_one_byte_away_are_read_as_serde_reads_them_or_left_to_it() {
        const BYTES: &[u8] = b"\"\\,:{}[] \t0159-+.eEnultrfasx\x01\x7f";
        fn mutations(line: &str) -> Vec<String> {
            let b = line.as_bytes();
            let mut out = Vec::new();
            for i in 0..=b.len() {
                for &c in BYTES {
                    let mut v = b.to_vec();
                    v.insert(i, c);
                    out.push(v);
                    if i < b.len() {
                        let mut v = b.to_vec();
                        v[i] = c;
                        out.push(v);
                    }
                }
                if i < b.len() {
                    let mut v = b.to_vec();
                    v.remove(i);
                    out.push(v);
                }
            }
            out.into_iter()
                .filter_map(|v| String::from_utf8(v).ok())
                .collect()
        }
        let (mut read, mut all) = (0, 0);
        for line in AUTH_LINES {
            for m in mutations(line) {
                all += 1;
                read += usize::from(agrees::<AuthEvent>(&m));
            }
        }
        for line in DOOR_LINES {
            for m in mutations(line) {
                all += 1;
                read += usize::from(agrees::<DoorEvent>(&m));
            }
        }
        // Both outcomes are exercised: many mutations keep a readable line
        // (a changed digit or letter of a value), many break it (and every
        // changed field name, since records deny unknown fields).
        assert!(read > all / 20 && read < all, "{read} of {all} read");
    }

    #[test]
    fn entries_survive_their_encoding() {
        let auth = AuthEntry {
            origin: Origin {
                file: Symbol(3),
                line: u64::MAX - 1,
            },
            time: -86_400,
            kind: AuthKind::Alert,
            system: Symbol(7),
            account: Symbol(u32::MAX),
            source: None,
            logon_type: Some(10),
            status: Some(0xC000_006D),
            sub_status: None,
            actor: Some(Symbol(8)),
            group: None,
            event_id: Some(4740),
        };
        let door = DoorEntry {
            origin: Origin {
                file: Symbol(0),
                line: 1,
            },
            time: 1_800_000_000,
            area: Symbol(2),
            door: Some(Symbol(0)),
            person: None,
            card: Some(Symbol(9)),
            visitor: None,
            result: DoorResult::Denied,
            direction: Direction::Unknown,
        };
        let mut bytes = Vec::new();
        auth.encode(&mut bytes);
        assert_eq!(bytes.len(), AuthEntry::SIZE);
        assert_eq!(AuthEntry::decode(&bytes), Some(auth));
        assert_eq!(auth.max_symbol(), u32::MAX);
        bytes.clear();
        door.encode(&mut bytes);
        assert_eq!(bytes.len(), DoorEntry::SIZE);
        assert_eq!(DoorEntry::decode(&bytes), Some(door));
        assert_eq!(door.max_symbol(), 9);
        assert_eq!(DoorEntry::decode(&bytes[..40]), None);
    }

    #[test]
    fn map_symbols_renumbers_every_symbol_and_nothing_else() {
        let shift = |s: Symbol| Symbol(s.0 + 100);
        let auth = AuthEntry {
            origin: Origin {
                file: Symbol(0),
                line: 7,
            },
            time: 5,
            kind: AuthKind::LogonFailure,
            system: Symbol(1),
            account: Symbol(2),
            source: Some(Symbol(3)),
            logon_type: Some(3),
            status: Some(4),
            sub_status: None,
            actor: Some(Symbol(5)),
            group: Some(Symbol(6)),
            event_id: Some(4625),
        };
        let mapped = auth.map_symbols(shift);
        assert_eq!(
            (
                mapped.origin.file,
                mapped.system,
                mapped.account,
                mapped.source,
                mapped.actor,
                mapped.group,
            ),
            (
                Symbol(100),
                Symbol(101),
                Symbol(102),
                Some(Symbol(103)),
                Some(Symbol(105)),
                Some(Symbol(106))
            )
        );
        assert_eq!(mapped.event_id, Some(4625));
        assert_eq!(
            (mapped.origin.line, mapped.time, mapped.kind, mapped.status),
            (7, 5, AuthKind::LogonFailure, Some(4))
        );
        let door = DoorEntry {
            origin: Origin {
                file: Symbol(0),
                line: 1,
            },
            time: 9,
            area: Symbol(1),
            door: None,
            person: Some(Symbol(2)),
            card: Some(Symbol(3)),
            visitor: Some(Symbol(4)),
            result: DoorResult::Granted,
            direction: Direction::Entry,
        };
        let mapped = door.map_symbols(shift);
        assert_eq!(
            [
                Some(mapped.origin.file),
                Some(mapped.area),
                mapped.door,
                mapped.person,
                mapped.card,
                mapped.visitor
            ],
            [
                Some(Symbol(100)),
                Some(Symbol(101)),
                None,
                Some(Symbol(102)),
                Some(Symbol(103)),
                Some(Symbol(104))
            ]
        );
        assert_eq!((mapped.time, mapped.result), (9, DoorResult::Granted));
    }

    #[test]
    fn names_sharing_their_first_16_bytes_are_told_apart() {
        let mut s = Symbols::new();
        let names = [
            "",
            "a",
            "a\0",
            "0123456789abcdef",
            "0123456789abcdefX",
            "0123456789abcdefY",
            "0123456789abcdefXY",
            "アカウント名",
            "アカウント名2",
        ];
        let syms: Vec<Symbol> = names.iter().map(|n| s.intern(n)).collect();
        assert_eq!(
            syms,
            (0..names.len() as u32).map(Symbol).collect::<Vec<_>>()
        );
        for (n, sym) in names.iter().zip(&syms) {
            assert_eq!(s.intern(n), *sym);
            assert_eq!(s.intern_owned((*n).to_owned()), *sym);
            assert_eq!(s.get(n), Some(*sym));
            assert_eq!(s.name(*sym), *n);
        }
        assert_eq!(s.get("0123456789abcdeZ"), None);
        assert_eq!(s.get("0123456789abcdefZ"), None);
        assert_eq!(s.len(), names.len());

        // Through many growths of the table, short and long names alike.
        let many: Vec<String> = (0..40_000)
            .map(|i| {
                if i % 2 == 0 {
                    format!("u{i}")
                } else {
                    format!("host-with-a-long-name-{i}.example.jp")
                }
            })
            .collect();
        let mut t = Symbols::with_capacity(4);
        for (i, n) in many.iter().enumerate() {
            assert_eq!(t.intern(n), Symbol(i as u32));
        }
        for (i, n) in many.iter().enumerate() {
            assert_eq!(t.get(n), Some(Symbol(i as u32)));
        }
    }

    #[test]
    fn symbols_extend_in_order() {
        let mut s = Symbols::new();
        s.extend(["a", "b"]);
        s.extend(["c"]);
        assert_eq!(s.get("c"), Some(Symbol(2)));
        assert_eq!(s.name(Symbol(1)), "b");
        assert_eq!(s.name(Symbol(9)), "");
    }
}
