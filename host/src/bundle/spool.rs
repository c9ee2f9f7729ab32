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

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::SyncSender;

use mizuchi_evidence::stream::{Encoded, LineError, LogRecord, Origin, Symbols, parse_line};
use mizuchi_evidence::{AuthEvent, DoorEvent, SectionKind};
use rayon::prelude::*;
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
/// grows past this only to hold a longer line).
const BLOCK: usize = 1 << 20;

/// Reads, hashes, parses and spools the files of one log section, in order.
/// On success, what each file held and the spool.
pub(crate) fn build(
    kind: SectionKind,
    files: &[Input<'_>],
) -> Result<(Vec<FileRead>, Spool), Failure> {
    match kind {
        SectionKind::DoorEvents => build_typed::<DoorEvent>(files, BLOCK),
        _ => build_typed::<AuthEvent>(files, BLOCK),
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
/// and sends the blocks in order. Stops early, without error, when the
/// receiver has gone (a line was refused).
fn read_blocks(
    mut file: File,
    block: usize,
    tx: &SyncSender<Block>,
) -> std::io::Result<FileDigest> {
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    let mut next_line = 1u64;
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let mut buf = std::mem::take(&mut carry);
        let start = buf.len();
        buf.resize(start + block, 0);
        let mut filled = start;
        while filled < buf.len() {
            match file.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        hasher.update(&buf[start..filled]);
        total += (filled - start) as u64;
        buf.truncate(filled);
        let eof = filled < start + block;
        if !eof {
            match memchr::memrchr(b'\n', &buf) {
                // The last line continues in the next read.
                Some(end) => carry = buf.split_off(end + 1),
                // One line longer than a block: read on.
                None => {
                    carry = buf;
                    continue;
                }
            }
        }
        if buf.is_empty() {
            break;
        }
        let lines = memchr::memchr_iter(b'\n', &buf).count() as u64;
        let first_line = next_line;
        next_line += lines;
        if tx
            .send(Block {
                first_line,
                bytes: buf,
            })
            .is_err()
            || eof
        {
            break;
        }
    }
    Ok(FileDigest {
        sha256: hex::encode(hasher.finalize()),
        bytes: total,
    })
}

/// Parses every line of a block.
fn parse_block<T: LogRecord>(block: &Block) -> Result<Vec<T>, LineError> {
    let mut records = Vec::with_capacity(block.bytes.len() / 128);
    let mut line = block.first_line;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', &block.bytes) {
        records.push(parse_line::<T>(&block.bytes[start..=end], line)?);
        line += 1;
        start = end + 1;
    }
    if start < block.bytes.len() {
        records.push(parse_line::<T>(&block.bytes[start..], line)?);
    }
    Ok(records)
}

/// Spools a section. Each file is read and hashed by one thread, its blocks
/// of lines are parsed in parallel (in waves of a few blocks per core), and
/// here, strictly in file order, the records are interned and written. So the
/// spool and its symbol numbers are exactly those of one plain sequential
/// reader, whatever the number of cores.
fn build_typed<T: LogRecord + Send>(
    files: &[Input<'_>],
    block: usize,
) -> Result<(Vec<FileRead>, Spool), Failure> {
    let spool_err = |e: std::io::Error| Failure::Spool(e.to_string());
    let temp = tempfile::Builder::new()
        .prefix("mizuchi-spool-")
        .tempfile()
        .map_err(spool_err)?;
    let mut writer = BufWriter::with_capacity(1 << 16, temp.reopen().map_err(spool_err)?);
    let mut symbols = Symbols::new();
    let mut reads = Vec::with_capacity(files.len());
    let mut entries = 0u64;
    let mut encoded = Vec::with_capacity(T::Entry::SIZE * 8192);
    let wave = rayon::current_num_threads().max(1) * 2;
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
        let file = File::open(input.full).map_err(io)?;
        let file_symbol = symbols.intern(input.rel);
        let mut records = 0u64;
        let read = std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Block>(wave);
            let reader = scope.spawn(move || read_blocks(file, block, &tx));
            let mut blocks = Vec::with_capacity(wave);
            loop {
                blocks.clear();
                blocks.extend(rx.iter().take(wave));
                if blocks.is_empty() {
                    break;
                }
                let parsed: Vec<Result<Vec<T>, LineError>> =
                    blocks.par_iter().map(parse_block::<T>).collect();
                for (b, result) in blocks.iter().zip(parsed) {
                    let parsed = result.map_err(line_failure)?;
                    records += parsed.len() as u64;
                    for (line, record) in (b.first_line..).zip(parsed) {
                        let origin = Origin {
                            file: file_symbol,
                            line,
                        };
                        record.compact(origin, &mut symbols).encode(&mut encoded);
                    }
                }
                if encoded.len() >= T::Entry::SIZE * 4096 {
                    writer.write_all(&encoded).map_err(spool_err)?;
                    encoded.clear();
                }
            }
            drop(rx);
            reader
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the reading thread failed")))
                .map_err(io)
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
                ((*name).to_owned(), full, crate::sha256_hex(text.as_bytes()))
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

    /// Every block size, down to one shorter than any line, gives the spool
    /// and the symbols of one plain sequential reader, with the right line
    /// numbers, through CRLF line ends and a last line without an end.
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
        let sha = crate::sha256_hex(text.as_bytes());
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
        for block in [16, 64, 100, 101, 333, 1 << 20] {
            let (reads, spool) = build_typed::<AuthEvent>(&input, block).unwrap();
            assert_eq!((reads[0].records, reads[0].bytes), (41, text.len() as u64));
            let mut reader = spool.reader::<AuthEntry>().unwrap();
            let mut bytes = Vec::new();
            reader.read_encoded(100, &mut bytes).unwrap();
            let got: Vec<AuthEntry> = bytes
                .chunks_exact(AuthEntry::SIZE)
                .map(|c| AuthEntry::decode(c).unwrap())
                .collect();
            assert_eq!(got, expected, "block size {block}");
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
        for block in [16, 100, 1 << 20] {
            match build_typed::<AuthEvent>(&input, block).unwrap_err() {
                Failure::Line { line: at, .. } => assert_eq!(at, line, "block size {block}"),
                other => panic!("{other:?}"),
            }
        }
    }
}
