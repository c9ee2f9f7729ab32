//! The append-only ledger of signed results.
//!
//! A ledger is a JSON Lines file. Each line is one entry:
//! `{"index":N,"prev":"<hex>","envelope":{DSSE}}`, where `prev` is the SHA-256
//! of the bytes of the previous line (64 zeros for the first) and the envelope
//! signs an in-toto statement ([`crate::statement`]). Entries are also the leaves
//! of an RFC 6962 Merkle tree; after each run a signed checkpoint of the tree
//! is published beside the ledger (`<ledger>.checkpoint`).
//!
//! The checkpoint is what makes entries acknowledged, and nothing acts on a
//! checkpoint whose signature it has not verified: the writer appends only
//! to a ledger whose checkpoint its own key signed and whose root matches the
//! ledger; repair removes only what such a checkpoint leaves uncovered; a
//! ledger or checkpoint that does not exist is an error, never "verified".
//! A new ledger gets a signed checkpoint of size 0 before its first entry, so
//! that a ledger is never without one.
//!
//! Writing: one writer at a time (an exclusive lock on the ledger file); the
//! checkpoint's temporary file is created before anything is appended (a
//! directory the checkpoint cannot be written to refuses the run, not its
//! acknowledgement); a run's lines are appended in one write and flushed to
//! disk; the checkpoint is then flushed, renamed into place, and the
//! directory flushed. A crash can leave a torn last line or an unfinished
//! last run, never a damaged acknowledged entry; both are reported, and
//! removed only by `mizuchi ledger repair`.
//!
//! Reading while a writer runs: a verifier reads the checkpoint first, then
//! the ledger, so the ledger it reads holds at least what the checkpoint
//! covers; what follows is a run being written, reported as not yet
//! acknowledged, never as tampering.
//!
//! The format is specified for independent verifiers in `docs/ledger.md`.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dsse::{Envelope, IN_TOTO};
use crate::files as fsx;
use crate::keys::{PublicKey, SecretKey};
use crate::merkle::{self, Hash};
use crate::statement::{RUN_PREDICATE, RunPredicate, Statement};

pub use crate::checkpoint::{Checkpoint, CheckpointError, key_hash, key_name};
pub use crate::verify::{
    CheckpointCheck, InclusionProof, PackSummary, RuleSummary, RunSummary, Verification,
    VerifiedEntry, check_line, check_reference, inclusion_proof, runs, verify, verify_entries,
};

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of a ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Its position in the ledger, from 0.
    pub index: u64,
    /// The hex SHA-256 of the previous line (64 zeros for the first).
    pub prev: String,
    /// The signed statement.
    pub envelope: Envelope,
}

/// Why a ledger could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    #[error("cannot use the ledger `{path}`: {source}")]
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    #[error("the ledger `{0}` does not exist")]
    /// The ledger does not exist.
    NoLedger(PathBuf),
    #[error(
        "the checkpoint `{0}` does not exist: a ledger is verified against the signed checkpoint its writer publishes after each run; restore it from a copy"
    )]
    /// The ledger's checkpoint does not exist.
    NoCheckpoint(PathBuf),
    #[error("another mizuchi is writing the ledger `{0}`; wait for it to finish")]
    /// Another writer holds the ledger.
    Locked(PathBuf),
    #[error("{0}; repair the ledger before adding to it")]
    /// An interrupted write left what must be repaired first.
    NeedsRepair(String),
    #[error(
        "the ledger `{path}` records utility `{ledger}`, not `{run}`; use one ledger per utility"
    )]
    /// The run is of another utility than the ledger's.
    OtherUtility {
        /// The ledger.
        path: PathBuf,
        /// The ledger's utility.
        ledger: String,
        /// The run's utility.
        run: String,
    },
    /// A checkpoint file that is not a checkpoint.
    #[error("`{path}` is not a checkpoint: {message}")]
    Checkpoint {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    #[error(
        "the checkpoint `{path}` is not signed by {by}; nothing was changed (a ledger is written with one key: use that key, or restore the ledger's own checkpoint)"
    )]
    /// The checkpoint is not signed by the ledger's key.
    UntrustedCheckpoint {
        /// The checkpoint.
        path: PathBuf,
        /// The key, or keys, it should be signed by.
        by: String,
    },
    #[error(
        "the checkpoint `{path}` covers {size} entries but the ledger differs from them: {why}; nothing was changed"
    )]
    /// A checkpoint that verifies does not match the ledger.
    Diverged {
        /// The checkpoint.
        path: PathBuf,
        /// The entries it covers.
        size: u64,
        /// How the ledger differs.
        why: String,
    },
    /// The ledger does not verify.
    #[error("the ledger `{path}` does not verify: {why}")]
    DoesNotVerify {
        /// The ledger.
        path: PathBuf,
        /// The first problem verification found.
        why: String,
    },
    #[error("cannot sign the ledger's records: {0}")]
    /// A record could not be signed.
    Sign(String),
    #[error("{0}")]
    /// Anything else that makes a ledger unusable.
    Invalid(String),
}

impl LedgerError {
    /// The message in `lang` (`ja` or `en`). Details that come from the
    /// verification of one entry (`why`) stay as they were written.
    pub fn text(&self, lang: &str) -> String {
        if lang != "ja" {
            return self.to_string();
        }
        match self {
            LedgerError::Io { path, source } => {
                format!("台帳 `{}` を使えません: {source}", path.display())
            }
            LedgerError::NoLedger(p) => format!("台帳 `{}` がありません", p.display()),
            LedgerError::NoCheckpoint(p) => format!(
                "チェックポイント `{}` がありません。台帳は、書き手が実行ごとに公開する署名付きチェックポイントで検証します。控えから戻してください",
                p.display()
            ),
            LedgerError::Locked(p) => format!(
                "別の mizuchi が台帳 `{}` に書き込んでいます。終わるまで待ってください",
                p.display()
            ),
            LedgerError::NeedsRepair(what) => {
                format!("{what}。追記する前に台帳を修復してください (mizuchi ledger repair)")
            }
            LedgerError::OtherUtility { path, ledger, run } => format!(
                "台帳 `{}` は事業体 `{ledger}` のもので、`{run}` のものではありません。事業体ごとに台帳を分けてください",
                path.display()
            ),
            LedgerError::Checkpoint { path, message } => {
                format!(
                    "`{}` はチェックポイントではありません: {message}",
                    path.display()
                )
            }
            LedgerError::UntrustedCheckpoint { path, by } => format!(
                "チェックポイント `{}` は {by} の署名ではありません。何も変えていません (台帳は一つの鍵で書きます: その鍵を使うか、台帳自身のチェックポイントを戻してください)",
                path.display()
            ),
            LedgerError::Diverged { path, size, why } => format!(
                "チェックポイント `{}` は {size} 項目を確認していますが、台帳がそれと違います: {why}。何も変えていません",
                path.display()
            ),
            LedgerError::DoesNotVerify { path, why } => {
                format!("台帳 `{}` は検証に通りません: {why}", path.display())
            }
            LedgerError::Sign(e) => format!("台帳の記録に署名できません: {e}"),
            LedgerError::Invalid(e) => e.clone(),
        }
    }
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
    /// Its length in bytes.
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
    /// Reads a ledger file; one that does not exist is an error.
    pub fn read(path: &Path) -> Result<Lines, LedgerError> {
        match fsx::read(path) {
            Ok(b) => Ok(Lines::split(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(LedgerError::NoLedger(path.to_owned()))
            }
            Err(e) => Err(io(path)(e)),
        }
    }

    fn split(bytes: Vec<u8>) -> Lines {
        let mut spans = Vec::new();
        let mut start = 0;
        for i in memchr::memchr_iter(b'\n', &bytes) {
            spans.push((start, i));
            start = i + 1;
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

    /// The leaf hashes of the first `n` lines.
    pub(crate) fn leaves(&self, n: usize) -> Vec<Hash> {
        (0..n).map(|i| merkle::leaf_hash(self.line(i))).collect()
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
    // The predicate type first, skipping the predicate: most entries are
    // results, some of thousands of findings.
    let s: Statement<serde::de::IgnoredAny> = serde_json::from_slice(&payload).ok()?;
    if s.predicate_type != RUN_PREDICATE {
        return None;
    }
    serde_json::from_slice::<Statement<RunPredicate>>(&payload)
        .ok()
        .map(|s| s.predicate)
}

/// Reads the checkpoint file of a ledger; `None` if there is none.
pub(crate) fn read_own_checkpoint(ledger: &Path) -> Result<Option<Checkpoint>, LedgerError> {
    let path = checkpoint_path(ledger);
    match fsx::read_to_string(&path) {
        Ok(text) => Checkpoint::parse(&text)
            .map(Some)
            .map_err(|e| LedgerError::Checkpoint {
                path,
                message: e.to_string(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(&path)(e)),
    }
}

/// Checks that `checkpoint` is signed by one of `keys` and that the ledger's
/// first `checkpoint.size` lines are the tree it signs.
fn check_own_checkpoint(
    ledger: &Path,
    lines: &Lines,
    checkpoint: &Checkpoint,
    keys: &[PublicKey],
) -> Result<(), LedgerError> {
    let path = checkpoint_path(ledger);
    if checkpoint.verified_by(keys).is_none() {
        let by = match keys {
            [one] => format!("the key {}", &one.key_id()[..16]),
            _ => "a trusted key".to_owned(),
        };
        return Err(LedgerError::UntrustedCheckpoint { path, by });
    }
    let n = lines.len() as u64;
    if checkpoint.size > n {
        return Err(LedgerError::Diverged {
            path,
            size: checkpoint.size,
            why: format!(
                "the ledger holds only {n}: entries {n}..{} were removed",
                checkpoint.size - 1
            ),
        });
    }
    if merkle::root(&lines.leaves(checkpoint.size as usize)) != checkpoint.root {
        return Err(LedgerError::Diverged {
            path,
            size: checkpoint.size,
            why: "their root differs: acknowledged entries were changed".into(),
        });
    }
    Ok(())
}

/// The directory a file is in (`.` for a bare name).
fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// How the temporary files of a ledger's checkpoint are named: after the
/// ledger, so that its writer, holding the ledger's lock, can remove what a
/// killed writer of the same ledger left, and nothing of another ledger's.
fn temp_prefix(ledger: &Path) -> String {
    let name = checkpoint_path(ledger)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}{}", fsx::TEMP_PREFIX)
}

/// A ledger open for appending, locked against other writers.
#[derive(Debug)]
pub struct Writer {
    path: PathBuf,
    file: File,
    key: SecretKey,
    leaves: Vec<Hash>,
    prev: String,
    utility: Option<String>,
    /// A checkpoint has been published (a new ledger has none yet).
    published: bool,
}

/// Where an appended run went.
#[derive(Debug, Clone)]
pub struct Appended {
    /// Index of the run's first entry.
    pub first: u64,
    /// The checkpoint published after it, which acknowledges it.
    pub checkpoint: Checkpoint,
}

impl Writer {
    /// Opens (creating if needed) and locks the ledger at `path`, to append
    /// results signed with `key`. An existing ledger must have a checkpoint
    /// signed by `key` that covers every entry.
    pub fn open(path: &Path, key: &SecretKey) -> Result<Writer, LedgerError> {
        let mut file = fsx::open_regular_with(
            std::fs::OpenOptions::new()
                .create(true)
                .read(true)
                .append(true),
            path,
        )
        .map_err(io(path))?;
        lock_exclusive(&file, path)?;
        // Holding the lock: what a killed writer of this ledger left is stale.
        fsx::remove_temps_named(dir_of(path), &[&temp_prefix(path)]).map_err(io(path))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io(path))?;
        let lines = Lines::split(bytes);
        let checkpoint = read_own_checkpoint(path)?;
        let published = match &checkpoint {
            Some(c) => {
                check_own_checkpoint(path, &lines, c, &[key.public()])?;
                true
            }
            None if lines.is_empty() && lines.torn.is_none() => false,
            None => return Err(LedgerError::NoCheckpoint(checkpoint_path(path))),
        };
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
            key: key.clone(),
            leaves: lines.leaves(lines.len()),
            prev: GENESIS.to_owned(),
            utility: None,
            published,
        };
        // The run structure, and the utility the ledger belongs to.
        let mut unfinished: Option<(String, u64)> = None;
        for i in 0..lines.len() {
            let line = lines.line(i);
            w.prev = line_hash(line);
            let entry: Entry = serde_json::from_slice(line).map_err(|e| {
                LedgerError::Invalid(format!(
                    "entry {i} of `{}` is not a ledger entry ({e})",
                    path.display()
                ))
            })?;
            match as_run(&entry) {
                Some(run) => {
                    w.utility.get_or_insert(run.evidence.utility_id.clone());
                    unfinished = (run.results > 0).then_some((run.run, run.results));
                }
                None => {
                    if let Some((_, left)) = unfinished.as_mut() {
                        *left -= 1;
                        if *left == 0 {
                            unfinished = None;
                        }
                    }
                }
            }
        }
        let covered = checkpoint.as_ref().map_or(0, |c| c.size);
        if covered != w.len() {
            return Err(LedgerError::NeedsRepair(format!(
                "the ledger `{}` holds {} entries but its checkpoint covers {covered}: a write was interrupted before it was acknowledged",
                path.display(),
                w.len()
            )));
        }
        if let Some((run, left)) = &unfinished {
            return Err(LedgerError::NeedsRepair(format!(
                "the last run of `{}` ({run}) is missing {left} results, left by an interrupted write",
                path.display()
            )));
        }
        if let (Some(c), Some(u)) = (&checkpoint, &w.utility)
            && c.origin != origin(u)
        {
            return Err(LedgerError::Diverged {
                path: checkpoint_path(path),
                size: c.size,
                why: format!("it is for `{}`, not `{}`", c.origin, origin(u)),
            });
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

    /// Publishes `checkpoint` through the temporary file `tmp`.
    fn publish(&self, mut tmp: tempfile::NamedTempFile, c: &Checkpoint) -> Result<(), LedgerError> {
        let target = checkpoint_path(&self.path);
        tmp.write_all(c.text.as_bytes()).map_err(io(&target))?;
        tmp.as_file().sync_all().map_err(io(&target))?;
        tmp.persist(&target).map_err(|e| io(&target)(e.error))?;
        fsx::sync_dir(dir_of(&target));
        Ok(())
    }

    fn temp(&self) -> Result<tempfile::NamedTempFile, LedgerError> {
        let target = checkpoint_path(&self.path);
        fsx::temp_named(dir_of(&target), &temp_prefix(&self.path), false).map_err(io(&target))
    }

    /// Appends the statements of one run, each signed with the writer's key,
    /// flushes them to disk and publishes the checkpoint that acknowledges
    /// them. Nothing is appended if the checkpoint cannot be written.
    pub fn append_run(
        &mut self,
        utility: &str,
        statements: &[Vec<u8>],
    ) -> Result<Appended, LedgerError> {
        if let Some(u) = &self.utility
            && u != utility
        {
            return Err(LedgerError::OtherUtility {
                path: self.path.clone(),
                ledger: u.clone(),
                run: utility.to_owned(),
            });
        }
        // Where the checkpoint goes must take a file before the ledger takes
        // a byte: a run that cannot be acknowledged is not written.
        let tmp = self.temp()?;
        let origin = origin(utility);
        if !self.published {
            // A new ledger: acknowledge its emptiness first, so that it is
            // never without a checkpoint, whenever this run is interrupted.
            let empty = Checkpoint::sign(&origin, 0, &merkle::root(&[]), &self.key);
            self.publish(tmp, &empty)?;
            self.published = true;
            return self.append_run(utility, statements);
        }
        let first = self.len();
        let mut buf = Vec::new();
        let mut prev = self.prev.clone();
        let mut leaves = Vec::with_capacity(statements.len());
        for (i, s) in statements.iter().enumerate() {
            let entry = Entry {
                index: first + i as u64,
                prev: prev.clone(),
                envelope: Envelope::sign(IN_TOTO, s, &self.key),
            };
            let line = serde_json::to_vec(&entry).map_err(|e| LedgerError::Sign(e.to_string()))?;
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
        let checkpoint =
            Checkpoint::sign(&origin, self.len(), &merkle::root(&self.leaves), &self.key);
        self.publish(tmp, &checkpoint)?;
        Ok(Appended { first, checkpoint })
    }
}

/// What `repair` removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// Bytes removed, saved beside the ledger (`<ledger>.removed-<offset>`).
    pub removed: u64,
    /// The file the removed bytes were saved to, if any were removed.
    pub saved_to: Option<PathBuf>,
    /// Entries removed with an unfinished last run.
    pub entries: u64,
}

/// How long taking a ledger's lock waits for it before saying the ledger
/// is in use.
const LOCK_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

/// Takes the ledger's exclusive lock, waiting up to [`LOCK_PATIENCE`].
/// Why wait at all: a lock (`flock`) belongs to the open file, and a
/// process that forks to run a program shares its open files with the
/// child until the child's `exec` closes them, so a lock released a moment
/// ago can still be held for a moment by someone else's fork. A writer
/// really at work holds the lock for as long as it runs, and is reported.
fn lock_exclusive(file: &std::fs::File, path: &Path) -> Result<(), LedgerError> {
    let start = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_PATIENCE => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(LedgerError::Locked(path.to_owned()));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(path)(e)),
        }
    }
}

/// Removes what an interrupted write left and no writer acknowledged: a torn
/// last line, and every entry past the published checkpoint (a run is
/// acknowledged only once its checkpoint is published). The checkpoint must
/// be signed by one of `keys` (the ledger's key) and match the entries it
/// covers; otherwise nothing is removed. The removed bytes are kept in a file
/// beside the ledger.
pub fn repair(path: &Path, keys: &[PublicKey]) -> Result<Repair, LedgerError> {
    let mut file =
        match fsx::open_regular_with(std::fs::OpenOptions::new().read(true).write(true), path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(LedgerError::NoLedger(path.to_owned()));
            }
            Err(e) => return Err(io(path)(e)),
        };
    lock_exclusive(&file, path)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(io(path))?;
    let lines = Lines::split(bytes);
    let checkpoint = read_own_checkpoint(path)?
        .ok_or_else(|| LedgerError::NoCheckpoint(checkpoint_path(path)))?;
    check_own_checkpoint(path, &lines, &checkpoint, keys)?;
    let covered = checkpoint.size as usize;
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
    fsx::write_atomic(&saved, &lines.bytes[keep..]).map_err(io(&saved))?;
    file.set_len(keep as u64).map_err(io(path))?;
    file.seek(SeekFrom::End(0)).map_err(io(path))?;
    file.sync_all().map_err(io(path))?;
    Ok(Repair {
        removed,
        saved_to: Some(saved),
        entries,
    })
}

/// Reads a checkpoint file.
pub fn read_checkpoint(path: &Path) -> Result<Checkpoint, LedgerError> {
    let text = fsx::read_to_string(path).map_err(io(path))?;
    Checkpoint::parse(&text).map_err(|e| LedgerError::Checkpoint {
        path: path.to_owned(),
        message: e.to_string(),
    })
}
