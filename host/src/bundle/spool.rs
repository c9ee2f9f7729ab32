//! Event logs parsed once.
//!
//! A bundle's event logs are its bulk: tens of millions of JSON lines. Every
//! rule that reads a log would otherwise parse all of it again. Instead, when
//! a bundle is opened, each log section is read once: the bytes are hashed
//! (and compared with the manifest) and parsed from the same read, and each
//! record is interned and written as a fixed-size entry
//! ([`mizuchi_evidence::stream::Encoded`]) to a private temporary file, the
//! spool. Rules then stream entries from the spool: no JSON, no allocation per
//! event, and memory that does not grow with the number of events (the page
//! cache holds the spool, not the process). The symbol table is shared by
//! every reader of the section.
//!
//! Symbols are numbered exactly as [`mizuchi_evidence::stream::LogReader`]
//! numbers them when a section is read in manifest order (each file's path,
//! then each record's strings in field order), so rules see the same numbers
//! natively and in the sandbox.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};

use mizuchi_evidence::stream::{
    Encoded, LineError, LogRecord, Origin, Symbol, Symbols, parse_entry,
};
use mizuchi_evidence::{AuthEvent, DoorEvent, SectionKind};
use sha2::{Digest, Sha256};

/// A log file to spool.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Input<'a> {
    /// Path relative to the bundle, as the manifest gives it.
    pub rel: &'a str,
    pub full: &'a Path,
    /// The digest the manifest gives.
    pub expected: &'a str,
}

/// What spooling one file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileRead {
    pub sha256: String,
    pub bytes: u64,
    pub records: u64,
}

/// Why a section could not be spooled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// A file could not be read.
    Io { rel: String, message: String },
    /// A line is not a record of the section.
    Line {
        rel: String,
        line: u64,
        message: String,
    },
    /// A file's bytes do not match the manifest.
    Digest {
        rel: String,
        expected: String,
        actual: String,
    },
    /// The spool could not be written.
    Spool(String),
}

/// A log section's entries, parsed once, on disk.
#[derive(Debug)]
pub(crate) struct Spool {
    file: tempfile::NamedTempFile,
    entries: u64,
    entry_size: usize,
    symbols: Arc<Symbols>,
    /// After each block: the entries written so far and the symbols known
    /// then, in order.
    marks: Vec<(u64, u32)>,
}

impl Spool {
    /// The symbols the entries use.
    pub(crate) fn symbols(&self) -> &Arc<Symbols> {
        &self.symbols
    }

    /// Number of entries.
    pub(crate) fn entries(&self) -> u64 {
        self.entries
    }

    /// How many symbols (numbered from 0) the first `n` entries may use: the
    /// symbols known when the block that holds entry `n` was written, so a
    /// reader can hand out names ahead of the entries without looking into
    /// them. All of them once `n` reaches the end.
    pub(crate) fn symbols_for(&self, n: u64) -> usize {
        let i = self.marks.partition_point(|&(end, _)| end < n);
        match self.marks.get(i) {
            Some(&(_, known)) if n < self.entries => known as usize,
            _ => self.symbols.len(),
        }
    }

    /// A reader of the entries from the first, independent of other readers.
    pub(crate) fn reader<E: Encoded>(&self) -> std::io::Result<SpoolReader<E>> {
        debug_assert_eq!(E::SIZE, self.entry_size);
        Ok(SpoolReader {
            file: BufReader::with_capacity(1 << 16, self.file.reopen()?),
            left: self.entries,
            _entry: std::marker::PhantomData,
        })
    }
}

/// Reads a spool's entries in order.
#[derive(Debug)]
pub(crate) struct SpoolReader<E> {
    file: BufReader<File>,
    left: u64,
    _entry: std::marker::PhantomData<E>,
}

impl<E: Encoded> SpoolReader<E> {
    /// The encoded bytes of up to `max` more entries, in place of `out`'s
    /// contents; the number of entries.
    pub(crate) fn read_encoded(&mut self, max: usize, out: &mut Vec<u8>) -> std::io::Result<usize> {
        let n = usize::try_from(self.left).unwrap_or(usize::MAX).min(max);
        out.resize(n * E::SIZE, 0);
        self.file.read_exact(out)?;
        self.left -= n as u64;
        Ok(n)
    }

    /// Entries not read yet.
    pub(crate) fn left(&self) -> u64 {
        self.left
    }
}

/// Whether a section's records can be spooled.
pub(crate) fn spoolable(kind: SectionKind) -> bool {
    matches!(kind, SectionKind::AuthEvents | SectionKind::DoorEvents)
}

/// Bytes of a log handed to a parsing worker at a time (whole lines; a block
/// grows past this only to hold a longer line): at most `BLOCK`, and less
/// for a small section, so that every worker has blocks to parse, but not
/// less than `MIN_BLOCK`, where handing over would cost more than parsing.
const BLOCK: usize = 1 << 20;
const MIN_BLOCK: usize = 1 << 16;

/// Reads, hashes, parses and spools the files of one log section, in order.
/// On success, what each file held and the spool.
pub(crate) fn build(
    kind: SectionKind,
    files: &[Input<'_>],
) -> Result<(Vec<FileRead>, Spool), Failure> {
    // Blocks are parsed by tasks of the current thread pool (the run's, whose
    // size `--jobs` sets). Those tasks wait for the reader; a thread of the
    // pool must not wait for them in turn (with one thread, nothing would
    // run), so there the blocks are parsed where they are written.
    let workers = if rayon::current_thread_index().is_some() {
        0
    } else {
        rayon::current_num_threads()
    };
    // A size that cannot be read now is found out when the file is read.
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f.full).ok())
        .map(|m| m.len())
        .sum();
    let share = usize::try_from(bytes / (workers.max(1) as u64 * 4)).unwrap_or(BLOCK);
    let block = share.clamp(MIN_BLOCK, BLOCK);
    match kind {
        SectionKind::DoorEvents => build_typed::<DoorEvent>(files, block, workers),
        _ => build_typed::<AuthEvent>(files, block, workers),
    }
}

/// Whole lines of a log, with the number of the first.
struct Block {
    first_line: u64,
    bytes: Vec<u8>,
}

/// What reading a file found: its digest and size.
struct FileDigest {
    sha256: String,
    bytes: u64,
}

/// Reads `file` in blocks of whole lines, hashing every byte as it is read,
/// and sends the blocks in order, numbered from 0. Each block is read into a
/// buffer from `buffers` (the parsers hand them back once a block is
/// written), so that no more blocks are in flight than buffers were issued
/// and no memory is allocated after the first ones. Stops early, without
/// error, when the buffers or the receiver have gone (a line was refused).
/// Returns the digest and the number of blocks sent.
fn read_blocks(
    mut file: File,
    block: usize,
    buffers: &Receiver<Vec<u8>>,
    tx: &SyncSender<(u64, Block)>,
) -> std::io::Result<(FileDigest, u64)> {
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    let mut next_line = 1u64;
    let mut sent = 0u64;
    // Read but not sent: the start of a line that goes on in the next block.
    let mut pending: Vec<u8> = Vec::new();
    let mut eof = false;
    while !eof {
        let Ok(mut buf) = buffers.recv() else { break };
        buf.clear();
        buf.append(&mut pending);
        loop {
            let start = buf.len();
            let n = (&mut file).take(block as u64).read_to_end(&mut buf)?;
            hasher.update(&buf[start..]);
            total += n as u64;
            if n < block {
                eof = true;
                break;
            }
            match memchr::memrchr(b'\n', &buf[start..]) {
                Some(end) => {
                    pending.extend_from_slice(&buf[start + end + 1..]);
                    buf.truncate(start + end + 1);
                    break;
                }
                // One line longer than a block: read on.
                None => continue,
            }
        }
        if buf.is_empty() {
            break;
        }
        let lines = memchr::memchr_iter(b'\n', &buf).count() as u64;
        let first_line = next_line;
        next_line += lines;
        let block = Block {
            first_line,
            bytes: buf,
        };
        if tx.send((sent, block)).is_err() {
            break;
        }
        sent += 1;
    }
    let digest = FileDigest {
        sha256: hex::encode(hasher.finalize()),
        bytes: total,
    };
    Ok((digest, sent))
}

/// A block's records in compact form, numbered against the table of the
/// worker that parsed it. A worker numbers the names it meets in the order it
/// meets them, its file's path first, over all the blocks it parses; with
/// each block it hands over the names that are new to it, in that order.
struct Parsed<E> {
    /// The worker, whose numbers the entries use.
    worker: usize,
    /// The names the worker met first in this block, numbered on from the
    /// ones it met before.
    names: Vec<String>,
    entries: Vec<E>,
    /// The block's buffer, for the next read.
    buffer: Vec<u8>,
}

/// A worker's table of the names it has met, and how many of them it has
/// handed over.
struct WorkerNames {
    symbols: Symbols,
    sent: usize,
}

/// Parses and interns every line of a block into `entries`, against the
/// worker's own table.
fn parse_block<T: LogRecord>(
    block: Block,
    worker: usize,
    names: &mut WorkerNames,
    mut entries: Vec<T::Entry>,
) -> Result<Parsed<T::Entry>, LineError> {
    // The path was the table's first name.
    let file = Symbol(0);
    entries.clear();
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', &block.bytes).map(|end| end + 1);
    let last = (!block.bytes.ends_with(b"\n")).then_some(block.bytes.len());
    for (line, end) in (block.first_line..).zip(ends.chain(last)) {
        let origin = Origin { file, line };
        entries.push(parse_entry::<T>(
            &block.bytes[start..end],
            origin,
            &mut names.symbols,
        )?);
        start = end;
    }
    let new: Vec<String> = names
        .symbols
        .names_from(names.sent)
        .map(str::to_owned)
        .collect();
    names.sent = names.symbols.len();
    Ok(Parsed {
        worker,
        names: new,
        entries,
        buffer: block.bytes,
    })
}

/// Spools a section, file after file. For each file, one thread reads and
/// hashes it in blocks of lines; one worker per core parses and interns
/// blocks as they come (in order), each against its own symbol table; and
/// here, strictly in file order, the names new to a block's worker are
/// interned in the section's table and its entries renumbered through that
/// worker's translation and written. Names met before by the same worker cost
/// the writer an array index. The spool and its symbol numbers are exactly
/// those of one plain sequential reader, whatever the number of cores: a name
/// new to the section is new to the worker that meets it, and is interned
/// here in the order that worker met it in the block.
fn build_typed<T: LogRecord + Send>(
    files: &[Input<'_>],
    block: usize,
    workers: usize,
) -> Result<(Vec<FileRead>, Spool), Failure>
where
    T::Entry: Send,
{
    let spool_err = |e: std::io::Error| Failure::Spool(e.to_string());
    let temp = tempfile::Builder::new()
        .prefix("mizuchi-spool-")
        .tempfile()
        .map_err(spool_err)?;
    let mut writer = BufWriter::with_capacity(1 << 16, temp.reopen().map_err(spool_err)?);
    let mut symbols = Symbols::new();
    let mut reads = Vec::with_capacity(files.len());
    let mut entries = 0u64;
    let mut marks = Vec::new();
    let mut encoded = Vec::with_capacity(T::Entry::SIZE * 8192);
    // Entry vectors written out, for the workers to fill again.
    let spare: Mutex<Vec<Vec<T::Entry>>> = Mutex::new(Vec::new());
    // Blocks read but not yet written: bounds memory whatever the file size.
    let in_flight = workers.max(1) * 4;
    for input in files {
        let io = |e: std::io::Error| Failure::Io {
            rel: input.rel.to_owned(),
            message: e.to_string(),
        };
        let line_failure = |e: LineError| Failure::Line {
            rel: input.rel.to_owned(),
            line: e.line,
            message: e.message,
        };
        let file = mizuchi_ledger::files::open_regular_nofollow(input.full).map_err(io)?;
        // The path is the file's first symbol, even when it holds no line.
        symbols.intern(input.rel);
        let mut records = 0u64;
        let mut written = 0u64;
        let read = std::thread::scope(|scope| {
            let (buffer_tx, buffer_rx) = sync_channel::<Vec<u8>>(in_flight);
            for _ in 0..in_flight {
                buffer_tx
                    .send(Vec::new())
                    .map_err(|_| Failure::Spool("no reader".into()))?;
            }
            let (block_tx, block_rx) = sync_channel::<(u64, Block)>(in_flight);
            let reader = scope.spawn(move || read_blocks(file, block, &buffer_rx, &block_tx));
            // Each worker's numbers, translated into the section's.
            let mut translate: Vec<Vec<Symbol>> = vec![Vec::new(); workers.max(1)];
            // Writes one parsed block, in file order.
            let mut write = |buffers: &SyncSender<Vec<u8>>,
                             parsed: Result<Parsed<T::Entry>, LineError>|
             -> Result<(), Failure> {
                let Parsed {
                    worker,
                    names,
                    entries: mut parsed,
                    buffer,
                } = parsed.map_err(line_failure)?;
                // The reader may go on: one block fewer in flight.
                let _ = buffers.send(buffer);
                records += parsed.len() as u64;
                let Some(translate) = translate.get_mut(worker) else {
                    return Err(Failure::Spool(format!("no parsing worker {worker}")));
                };
                if translate.is_empty() {
                    // The worker's first name is the file's path.
                    translate.push(symbols.intern(input.rel));
                }
                translate.extend(names.into_iter().map(|n| symbols.intern_owned(n)));
                for entry in parsed.drain(..) {
                    entry
                        .map_symbols(|s| translate[s.0 as usize])
                        .encode(&mut encoded);
                }
                if let Ok(mut spare) = spare.lock() {
                    spare.push(parsed);
                }
                if encoded.len() >= T::Entry::SIZE * 4096 {
                    writer.write_all(&encoded).map_err(spool_err)?;
                    encoded.clear();
                }
                let known = u32::try_from(symbols.len()).unwrap_or(u32::MAX);
                marks.push((entries + records, known));
                Ok(())
            };
            // A worker's own table of names, the file's path first (the
            // writer knows it without being told).
            let worker_names = || {
                let mut symbols = Symbols::new();
                symbols.intern(input.rel);
                WorkerNames { symbols, sent: 1 }
            };
            let spare_entries = || {
                spare
                    .lock()
                    .ok()
                    .and_then(|mut s| s.pop())
                    .unwrap_or_else(|| Vec::with_capacity(block / 100))
            };
            if workers == 0 {
                let mut names = worker_names();
                for (_, b) in block_rx.iter() {
                    let entries = spare_entries();
                    write(&buffer_tx, parse_block::<T>(b, 0, &mut names, entries))?;
                    written += 1;
                }
            } else {
                // Shared by the workers; dropped with the last of them,
                // which stops the reader.
                let block_rx = Arc::new(Mutex::new(block_rx));
                let (done_tx, done_rx) = channel();
                rayon::in_place_scope(|pool| {
                    // Owned here: whatever ends this (an error included)
                    // drops it, which stops the reader, which stops the
                    // workers, which lets the scope end.
                    let buffer_tx = buffer_tx;
                    for worker in 0..workers {
                        let (block_rx, done_tx) = (Arc::clone(&block_rx), done_tx.clone());
                        let (spare_entries, mut names) = (&spare_entries, worker_names());
                        pool.spawn(move |_| {
                            loop {
                                let next = match block_rx.lock() {
                                    Ok(rx) => rx.recv(),
                                    Err(_) => return,
                                };
                                let Ok((seq, b)) = next else { return };
                                let parsed =
                                    parse_block::<T>(b, worker, &mut names, spare_entries());
                                if done_tx.send((seq, parsed)).is_err() {
                                    return;
                                }
                            }
                        });
                    }
                    drop((block_rx, done_tx));
                    let mut waiting = BTreeMap::new();
                    for (seq, parsed) in done_rx.iter() {
                        waiting.insert(seq, parsed);
                        while let Some(parsed) = waiting.remove(&written) {
                            write(&buffer_tx, parsed)?;
                            written += 1;
                        }
                    }
                    Ok(())
                })?;
            }
            let (read, sent) = reader
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the reading thread failed")))
                .map_err(io)?;
            if sent != written {
                return Err(Failure::Spool(format!(
                    "a parsing thread stopped early ({written} of {sent} blocks written)"
                )));
            }
            Ok(read)
        })?;
        if read.sha256 != input.expected {
            return Err(Failure::Digest {
                rel: input.rel.to_owned(),
                expected: input.expected.to_owned(),
                actual: read.sha256,
            });
        }
        entries += records;
        reads.push(FileRead {
            sha256: read.sha256,
            bytes: read.bytes,
            records,
        });
    }
    writer.write_all(&encoded).map_err(spool_err)?;
    writer.flush().map_err(spool_err)?;
    tracing::debug!(entries, symbols = symbols.len(), "log section spooled");
    Ok((
        reads,
        Spool {
            file: temp,
            entries,
            entry_size: T::Entry::SIZE,
            symbols: Arc::new(symbols),
            marks,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mizuchi_evidence::stream::{AuthEntry, LogReader};

    const A: &str = concat!(
        r#"{"time":"2026-04-01T00:00:00Z","kind":"logon-failure","system":"HMI-01","account":"op1"}"#,
        "\n",
        r#"{"time":"2026-04-01T00:00:05Z","kind":"logon-success","system":"HMI-01","account":"op1","source":"10.0.0.5"}"#,
        "\n",
    );
    const B: &str = concat!(
        r#"{"time":"2026-04-02T00:00:00Z","kind":"lockout","system":"DC-01","account":"op1"}"#,
        "\n",
    );

    fn files(dir: &Path) -> Vec<(String, std::path::PathBuf, String)> {
        [("a.jsonl", A), ("b.jsonl", B)]
            .iter()
            .map(|(name, text)| {
                let full = dir.join(name);
                std::fs::write(&full, text).unwrap();
                (
                    (*name).to_owned(),
                    full,
                    mizuchi_ledger::digest::sha256_hex(text.as_bytes()),
                )
            })
            .collect()
    }

    #[test]
    fn a_section_is_spooled_with_the_numbering_of_a_plain_reader() {
        let dir = tempfile::tempdir().unwrap();
        let f = files(dir.path());
        let inputs: Vec<Input<'_>> = f
            .iter()
            .map(|(rel, full, sha)| Input {
                rel,
                full,
                expected: sha,
            })
            .collect();
        let (reads, spool) = build(SectionKind::AuthEvents, &inputs).unwrap();
        assert_eq!(reads.iter().map(|r| r.records).collect::<Vec<_>>(), [2, 1]);

        // The same files through the reader rules use natively.
        let mut symbols = Symbols::new();
        let mut expected = Vec::new();
        for (rel, _, _) in &f {
            let text = if rel == "a.jsonl" { A } else { B };
            let mut r = LogReader::new(text.as_bytes(), symbols.intern(rel));
            while let Some(e) = r.next_entry::<AuthEvent>(&mut symbols) {
                expected.push(e.unwrap());
            }
        }
        let mut got: Vec<AuthEntry> = Vec::new();
        let mut reader = spool.reader::<AuthEntry>().unwrap();
        assert_eq!(reader.left(), 3);
        let mut bytes = Vec::new();
        for (max, n) in [(2, 2), (10, 1), (10, 0)] {
            assert_eq!(reader.read_encoded(max, &mut bytes).unwrap(), n);
            assert_eq!(bytes.len(), n * AuthEntry::SIZE);
            got.extend(
                bytes
                    .chunks_exact(AuthEntry::SIZE)
                    .map(|c| AuthEntry::decode(c).unwrap()),
            );
        }
        assert_eq!(got, expected);
        assert_eq!(
            spool.symbols().names_from(0).collect::<Vec<_>>(),
            symbols.names_from(0).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_section_spooled_from_a_thread_of_a_one_thread_pool_does_not_wait_for_itself() {
        // A rule reading a log not spooled when the bundle was opened: the
        // spool is built on a thread of the run's pool.
        let dir = tempfile::tempdir().unwrap();
        let f = files(dir.path());
        let inputs: Vec<Input<'_>> = f
            .iter()
            .map(|(rel, full, sha)| Input {
                rel,
                full,
                expected: sha,
            })
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let (reads, spool) = pool
            .install(|| build(SectionKind::AuthEvents, &inputs))
            .unwrap();
        assert_eq!(reads.len(), 2);
        assert_eq!(spool.entries(), 3);
    }

    #[test]
    fn a_bad_line_or_a_changed_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = files(dir.path());
        let bad = dir.path().join("bad.jsonl");
        std::fs::write(&bad, format!("{A}{{\"time\":\"soon\"}}\n")).unwrap();
        let input = |full: &Path, expected: &str| {
            build(
                SectionKind::AuthEvents,
                &[Input {
                    rel: "x.jsonl",
                    full,
                    expected,
                }],
            )
            .unwrap_err()
        };
        match input(&bad, "0") {
            Failure::Line { rel, line, .. } => assert_eq!((rel.as_str(), line), ("x.jsonl", 3)),
            other => panic!("{other:?}"),
        }
        match input(&f[0].1, "0") {
            Failure::Digest { rel, actual, .. } => {
                assert_eq!(
                    (rel.as_str(), actual.as_str()),
                    ("x.jsonl", f[0].2.as_str())
                )
            }
            other => panic!("{other:?}"),
        }
    }

    /// Every block size, down to one shorter than any line, and any number
    /// of workers give the spool and the symbols of one plain sequential
    /// reader, with the right line numbers, through CRLF line ends and a last
    /// line without an end.
    #[test]
    fn blocks_of_any_size_give_the_spool_of_a_sequential_reader() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::new();
        for i in 0..40 {
            let end = if i % 3 == 0 { "\r\n" } else { "\n" };
            text.push_str(&format!(
                r#"{{"time":"2026-04-01T00:00:{:02}Z","kind":"logon-success","system":"HMI-{}","account":"op{}"}}{end}"#,
                i % 60,
                i % 7,
                i % 5
            ));
        }
        text.push_str(
            r#"{"time":"2026-04-02T00:00:00Z","kind":"lockout","system":"DC-01","account":"last"}"#,
        );
        let full = dir.path().join("a.jsonl");
        std::fs::write(&full, &text).unwrap();
        let sha = mizuchi_ledger::digest::sha256_hex(text.as_bytes());
        let input = [Input {
            rel: "a.jsonl",
            full: &full,
            expected: &sha,
        }];

        let mut symbols = Symbols::new();
        let mut expected = Vec::new();
        let mut r = LogReader::new(text.as_bytes(), symbols.intern("a.jsonl"));
        while let Some(e) = r.next_entry::<AuthEvent>(&mut symbols) {
            expected.push(e.unwrap());
        }
        assert_eq!(expected.len(), 41);
        for (block, workers) in [16, 64, 100, 101, 333, 1 << 20]
            .into_iter()
            .flat_map(|b| [0, 1, 2, 3, 5].map(|w| (b, w)))
        {
            let (reads, spool) = build_typed::<AuthEvent>(&input, block, workers).unwrap();
            assert_eq!((reads[0].records, reads[0].bytes), (41, text.len() as u64));
            let mut reader = spool.reader::<AuthEntry>().unwrap();
            let mut bytes = Vec::new();
            reader.read_encoded(100, &mut bytes).unwrap();
            let got: Vec<AuthEntry> = bytes
                .chunks_exact(AuthEntry::SIZE)
                .map(|c| AuthEntry::decode(c).unwrap())
                .collect();
            assert_eq!(got, expected, "block size {block}, {workers} workers");
            // The names the first n entries use are always among those
            // `symbols_for(n)` counts.
            let mut used = 0;
            for (n, e) in (1..).zip(&got) {
                used = used.max(e.max_symbol() as usize + 1);
                assert!(
                    used <= spool.symbols_for(n),
                    "entry {n}, block size {block}"
                );
            }
            assert_eq!(spool.symbols_for(41), spool.symbols().len());
            assert_eq!(
                spool.symbols().names_from(0).collect::<Vec<_>>(),
                symbols.names_from(0).collect::<Vec<_>>()
            );
        }

        // A bad line deep in a file is named by its number whatever the block.
        let bad = text.replacen(r#""account":"op3"}"#, r#""account":3}"#, 1);
        let line = text[..text.find(r#""account":"op3"}"#).unwrap()]
            .matches('\n')
            .count() as u64
            + 1;
        std::fs::write(&full, &bad).unwrap();
        for (block, workers) in [16, 100, 1 << 20]
            .into_iter()
            .flat_map(|b| [0, 2, 3].map(|w| (b, w)))
        {
            match build_typed::<AuthEvent>(&input, block, workers).unwrap_err() {
                Failure::Line { line: at, .. } => assert_eq!(at, line, "block size {block}"),
                other => panic!("{other:?}"),
            }
        }
    }
}
