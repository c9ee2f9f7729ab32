//! The append-only ledger of signed results.
//!
//! A ledger is a JSON Lines file. Each line is one entry:
//! `{"index":N,"prev":"<hex>","envelope":{DSSE}}`, where `prev` is the SHA-256
//! of the bytes of the previous line (64 zeros for the first) and the envelope
//! signs an in-toto statement ([`crate::attest`]). Entries are also the leaves
//! of an RFC 6962 Merkle tree; after each run a signed checkpoint of the tree
//! is published beside the ledger (`<ledger>.checkpoint`).
//!
//! Writing: one writer at a time (an exclusive lock on the ledger file);
//! a run's lines are appended in one write and flushed to disk before the run
//! is acknowledged; the checkpoint is written to a temporary file, flushed,
//! renamed into place, and the directory flushed. A crash can leave a torn
//! last line or an unfinished last run, never a damaged acknowledged entry;
//! both are reported, and removed only by `mizuchi ledger repair`.
//!
//! The format is specified for independent verifiers in `docs/ledger.md`.

mod checkpoint;
mod verify;

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::attest::{RUN_PREDICATE, RunPredicate, Statement};
use crate::dsse::{Envelope, IN_TOTO};
use crate::keys::SecretKey;
use crate::merkle::{self, Hash};

pub use checkpoint::{Checkpoint, key_hash, key_name};
pub use verify::{InclusionProof, RunSummary, Verification, inclusion_proof, runs, verify};

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of a ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub index: u64,
    pub prev: String,
    pub envelope: Envelope,
}

/// Why a ledger could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    #[error("cannot use the ledger `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("another mizuchi is writing the ledger `{0}`; wait for it to finish")]
    Locked(PathBuf),
    #[error("{0}; run `mizuchi ledger repair` on it before adding to it")]
    NeedsRepair(String),
    #[error(
        "the ledger `{path}` records utility `{ledger}`, not `{run}`; use one ledger per utility"
    )]
    OtherUtility {
        path: PathBuf,
        ledger: String,
        run: String,
    },
    #[error("`{path}` is not a checkpoint: {message}")]
    Checkpoint { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The checkpoint file that goes with a ledger.
pub fn checkpoint_path(ledger: &Path) -> PathBuf {
    let mut name = ledger
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".checkpoint");
    ledger.with_file_name(name)
}

/// A torn last line: bytes after the last newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Torn {
    /// Byte offset where the torn line starts.
    pub offset: u64,
    pub bytes: u64,
}

/// The complete lines of a ledger file and what follows them.
#[derive(Debug)]
pub struct Lines {
    bytes: Vec<u8>,
    /// (start, end) of each complete line, without its newline.
    spans: Vec<(usize, usize)>,
    /// Bytes after the last newline, if any.
    pub torn: Option<Torn>,
}

impl Lines {
    /// Reads a ledger file.
    pub fn read(path: &Path) -> Result<Lines, LedgerError> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io(path)(e)),
        };
        Ok(Lines::split(bytes))
    }

    fn split(bytes: Vec<u8>) -> Lines {
        let mut spans = Vec::new();
        let mut start = 0;
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'\n' {
                spans.push((start, i));
                start = i + 1;
            }
        }
        let torn = (start < bytes.len()).then(|| Torn {
            offset: start as u64,
            bytes: (bytes.len() - start) as u64,
        });
        Lines { bytes, spans, torn }
    }

    /// The bytes of complete line `i`.
    pub fn line(&self, i: usize) -> &[u8] {
        let (a, b) = self.spans[i];
        &self.bytes[a..b]
    }

    /// Number of complete lines.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// The file holds no complete line.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// The SHA-256 of a line, hex: the next entry's `prev`.
pub fn line_hash(line: &[u8]) -> String {
    crate::digest::sha256_hex(line)
}

/// The origin of a ledger's checkpoints.
pub fn origin(utility_id: &str) -> String {
    let clean: String = utility_id
        .chars()
        .map(|c| {
            if c.is_whitespace() || c == '+' {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("mizuchi.results/{clean}")
}

/// Decodes the statement of an entry as a run header, if it is one.
pub fn as_run(entry: &Entry) -> Option<RunPredicate> {
    let payload = entry.envelope.payload_bytes().ok()?;
    let s: Statement<serde_json::Value> = serde_json::from_slice(&payload).ok()?;
    if s.predicate_type != RUN_PREDICATE {
        return None;
    }
    serde_json::from_value(s.predicate).ok()
}

/// A ledger open for appending, locked against other writers.
#[derive(Debug)]
pub struct Writer {
    path: PathBuf,
    file: File,
    leaves: Vec<Hash>,
    prev: String,
    utility: Option<String>,
    /// Results still owed by the last run, if it is unfinished.
    unfinished: Option<(String, u64)>,
}

impl Writer {
    /// Opens (creating if needed) and locks a ledger.
    pub fn open(path: &Path) -> Result<Writer, LedgerError> {
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(io(path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(LedgerError::Locked(path.to_owned()));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(path)(e)),
        }
        let mut bytes = Vec::new();
        (&file).read_to_end(&mut bytes).map_err(io(path))?;
        let lines = Lines::split(bytes);
        if let Some(t) = &lines.torn {
            return Err(LedgerError::NeedsRepair(format!(
                "the ledger `{}` ends with a torn line ({} bytes at offset {}), left by an interrupted write",
                path.display(),
                t.bytes,
                t.offset
            )));
        }
        let mut w = Writer {
            path: path.to_owned(),
            file,
            leaves: Vec::new(),
            prev: GENESIS.to_owned(),
            utility: None,
            unfinished: None,
        };
        for i in 0..lines.len() {
            let line = lines.line(i);
            w.leaves.push(merkle::leaf_hash(line));
            w.prev = line_hash(line);
            let entry: Entry = serde_json::from_slice(line)
                .map_err(|e| LedgerError::Invalid(format!("entry {i} of `{}` is not a ledger entry ({e}); run `mizuchi ledger verify` on it", path.display())))?;
            match as_run(&entry) {
                Some(run) => {
                    w.utility.get_or_insert(run.evidence.utility_id.clone());
                    w.unfinished = (run.results > 0).then_some((run.run, run.results));
                }
                None => {
                    if let Some((_, left)) = w.unfinished.as_mut() {
                        *left -= 1;
                        if *left == 0 {
                            w.unfinished = None;
                        }
                    }
                }
            }
        }
        if let Some((run, left)) = &w.unfinished {
            return Err(LedgerError::NeedsRepair(format!(
                "the last run of `{}` ({run}) is missing {left} results, left by an interrupted write",
                path.display()
            )));
        }
        let covered = published_size(path)?;
        if covered != w.len() {
            return Err(LedgerError::NeedsRepair(format!(
                "the ledger `{}` holds {} entries but its checkpoint covers {covered}: a write was interrupted before it was acknowledged, or the checkpoint is stale",
                path.display(),
                w.len()
            )));
        }
        Ok(w)
    }

    /// The hash the next entry will chain to.
    pub fn head(&self) -> &str {
        &self.prev
    }

    /// Number of entries.
    pub fn len(&self) -> u64 {
        self.leaves.len() as u64
    }

    /// The ledger holds no entry.
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// Appends the statements of one run, signed with `key`, and flushes them
    /// to disk. Returns the index of the first entry.
    pub fn append(
        &mut self,
        utility: &str,
        statements: &[Vec<u8>],
        key: &SecretKey,
    ) -> Result<u64, LedgerError> {
        if let Some(u) = &self.utility
            && u != utility
        {
            return Err(LedgerError::OtherUtility {
                path: self.path.clone(),
                ledger: u.clone(),
                run: utility.to_owned(),
            });
        }
        let first = self.len();
        let mut buf = Vec::new();
        let mut prev = self.prev.clone();
        let mut leaves = Vec::new();
        for (i, s) in statements.iter().enumerate() {
            let entry = Entry {
                index: first + i as u64,
                prev: prev.clone(),
                envelope: Envelope::sign(IN_TOTO, s, key),
            };
            let line =
                serde_json::to_vec(&entry).map_err(|e| LedgerError::Invalid(e.to_string()))?;
            prev = line_hash(&line);
            leaves.push(merkle::leaf_hash(&line));
            buf.extend_from_slice(&line);
            buf.push(b'\n');
        }
        self.file.write_all(&buf).map_err(io(&self.path))?;
        self.file.sync_data().map_err(io(&self.path))?;
        self.prev = prev;
        self.leaves.extend(leaves);
        self.utility.get_or_insert(utility.to_owned());
        Ok(first)
    }

    /// Signs a checkpoint of the whole tree and publishes it atomically.
    pub fn checkpoint(&self, key: &SecretKey) -> Result<Checkpoint, LedgerError> {
        let origin = origin(self.utility.as_deref().unwrap_or("unknown"));
        let c = Checkpoint::sign(&origin, self.len(), &merkle::root(&self.leaves), key);
        let target = checkpoint_path(&self.path);
        crate::bundle::write_atomic(&target, c.text.as_bytes()).map_err(|e| LedgerError::Io {
            path: target.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        Ok(c)
    }
}

/// The size of the published checkpoint of a ledger (0 if there is none).
fn published_size(ledger: &Path) -> Result<u64, LedgerError> {
    let path = checkpoint_path(ledger);
    if !path.exists() {
        return Ok(0);
    }
    read_checkpoint(&path).map(|c| c.size)
}

/// What `repair` removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// Bytes removed, saved beside the ledger (`<ledger>.removed-<offset>`).
    pub removed: u64,
    pub saved_to: Option<PathBuf>,
    /// Entries removed with an unfinished last run.
    pub entries: u64,
}

/// Removes what an interrupted write left and no writer acknowledged: a torn
/// last line, and every entry past the published checkpoint (a run is
/// acknowledged only once its checkpoint is published). The removed bytes are
/// kept in a file beside the ledger.
pub fn repair(path: &Path) -> Result<Repair, LedgerError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(io(path))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Err(LedgerError::Locked(path.to_owned())),
        Err(std::fs::TryLockError::Error(e)) => return Err(io(path)(e)),
    }
    let lines = Lines::read(path)?;
    let covered = published_size(path)?;
    if covered > lines.len() as u64 {
        return Err(LedgerError::Invalid(format!(
            "the checkpoint of `{}` covers {covered} entries but the ledger holds {}: entries were removed; repair cannot restore them (run `mizuchi ledger verify`)",
            path.display(),
            lines.len()
        )));
    }
    let covered = covered as usize;
    let keep = if covered == 0 {
        0
    } else {
        lines.spans[covered - 1].1 + 1
    };
    let entries = (lines.len() - covered) as u64;
    let removed = (lines.bytes.len() - keep) as u64;
    if removed == 0 {
        return Ok(Repair {
            removed: 0,
            saved_to: None,
            entries: 0,
        });
    }
    let saved = path.with_file_name(format!(
        "{}.removed-{keep}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    crate::bundle::write_atomic(&saved, &lines.bytes[keep..]).map_err(|e| LedgerError::Io {
        path: saved.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    file.set_len(keep as u64).map_err(io(path))?;
    (&file).seek(SeekFrom::End(0)).map_err(io(path))?;
    file.sync_all().map_err(io(path))?;
    Ok(Repair {
        removed,
        saved_to: Some(saved),
        entries,
    })
}

/// Reads a checkpoint file.
pub fn read_checkpoint(path: &Path) -> Result<Checkpoint, LedgerError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    Checkpoint::parse(&text).map_err(|message| LedgerError::Checkpoint {
        path: path.to_owned(),
        message,
    })
}

#[cfg(test)]
mod tests;
