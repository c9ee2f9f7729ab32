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

use mizuchi_evidence::stream::{Encoded, LogReader, LogRecord, Symbols};
use mizuchi_evidence::{AuthEvent, DoorEvent, SectionKind};

use crate::digest::HashingReader;

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

/// Reads, hashes, parses and spools the files of one log section, in order.
/// On success, what each file held and the spool.
pub(crate) fn build(
    kind: SectionKind,
    files: &[Input<'_>],
) -> Result<(Vec<FileRead>, Spool), Failure> {
    match kind {
        SectionKind::DoorEvents => build_typed::<DoorEvent>(files),
        _ => build_typed::<AuthEvent>(files),
    }
}

fn build_typed<T: LogRecord>(files: &[Input<'_>]) -> Result<(Vec<FileRead>, Spool), Failure> {
    let spool_err = |e: std::io::Error| Failure::Spool(e.to_string());
    let temp = tempfile::Builder::new()
        .prefix("mizuchi-spool-")
        .tempfile()
        .map_err(spool_err)?;
    let mut writer = BufWriter::with_capacity(1 << 16, temp.reopen().map_err(spool_err)?);
    let mut symbols = Symbols::new();
    let mut reads = Vec::with_capacity(files.len());
    let mut entries = 0u64;
    let mut encoded = Vec::with_capacity(T::Entry::SIZE * 1024);
    for input in files {
        let io = |e: std::io::Error| Failure::Io {
            rel: input.rel.to_owned(),
            message: e.to_string(),
        };
        let file = File::open(input.full).map_err(io)?;
        let hashing = HashingReader::new(BufReader::with_capacity(1 << 16, file));
        let mut reader = LogReader::new(hashing, symbols.intern(input.rel));
        let mut records = 0u64;
        while let Some(entry) = reader.next_entry::<T>(&mut symbols) {
            let entry = entry.map_err(|e| Failure::Line {
                rel: input.rel.to_owned(),
                line: e.line,
                message: e.message,
            })?;
            entry.encode(&mut encoded);
            records += 1;
            if encoded.len() >= T::Entry::SIZE * 1024 {
                writer.write_all(&encoded).map_err(spool_err)?;
                encoded.clear();
            }
        }
        let hashing = reader.get_ref();
        let sha256 = hashing.hex_digest();
        if sha256 != input.expected {
            return Err(Failure::Digest {
                rel: input.rel.to_owned(),
                expected: input.expected.to_owned(),
                actual: sha256,
            });
        }
        entries += records;
        reads.push(FileRead {
            sha256,
            bytes: hashing.bytes_read(),
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
    use mizuchi_evidence::stream::AuthEntry;

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
}
