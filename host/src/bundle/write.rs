//! Writing bundles: creating one, and adding or replacing files as importers
//! and the generator do.
//!
//! Nothing already written is lost, whatever fails and whenever: every file is
//! written to a temporary name, flushed and renamed into place; a replaced
//! document is written under a new name, so that the old file stays valid
//! until the manifest that points at the new one has been renamed into place;
//! the manifest is written last. A crash leaves at worst a stray file, which
//! validation reports as unlisted.

use std::io::Write;
use std::path::{Path, PathBuf};

use mizuchi_evidence::{
    Date, Document, FORMAT_NAME, FORMAT_VERSION, FileEntry, Manifest, SectionKind, Utility,
};
use sha2::{Digest, Sha256};

use super::MANIFEST;

/// Why a bundle could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    #[error("cannot write `{path}`: {source}")]
    /// A file could not be written.
    Io {
        /// The file.
        path: PathBuf,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    #[error("`{0}` already holds a bundle; add to it instead of creating it")]
    /// The directory already holds a bundle.
    Exists(PathBuf),
    #[error("`{path}` is not a bundle whose manifest can be read: {message}")]
    /// The directory holds no bundle whose manifest can be read.
    NotABundle {
        /// The path.
        path: PathBuf,
        /// Why the manifest cannot be read.
        message: String,
    },
    #[error("`{path}` in the manifest is not a usable path inside the bundle")]
    /// A manifest path is not a usable path inside the bundle.
    BadPath {
        /// The path.
        path: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    mizuchi_ledger::files::write_atomic(path, bytes).map_err(io(path))
}

/// A bundle open for writing.
#[derive(Debug)]
pub struct BundleWriter {
    root: PathBuf,
    manifest: Manifest,
    /// Files replaced by new ones, removed once the manifest is committed.
    superseded: Vec<PathBuf>,
}

/// A log file being written; see [`BundleWriter::log_sink`].
#[derive(Debug)]
pub struct LogSink {
    kind: SectionKind,
    rel: String,
    tmp: std::io::BufWriter<tempfile::NamedTempFile>,
    hasher: Sha256,
    records: u64,
}

impl LogSink {
    /// Appends one record (serialised as one JSON line).
    pub fn push<T: serde::Serialize>(&mut self, record: &T) -> Result<(), WriteError> {
        let mut line = serde_json::to_vec(record).map_err(|e| WriteError::Io {
            path: PathBuf::from(&self.rel),
            source: std::io::Error::other(e),
        })?;
        line.push(b'\n');
        self.hasher.update(&line);
        self.records += 1;
        self.tmp.write_all(&line).map_err(io(Path::new(&self.rel)))
    }

    /// Records written so far.
    pub fn records(&self) -> u64 {
        self.records
    }
}

impl BundleWriter {
    /// Creates a new, empty bundle in `root` (which may exist but must not hold a bundle).
    pub fn create(
        root: &Path,
        utility: Utility,
        collected_on: Date,
        assessment_date: Date,
    ) -> Result<Self, WriteError> {
        if root.join(MANIFEST).exists() {
            return Err(WriteError::Exists(root.to_owned()));
        }
        std::fs::create_dir_all(root).map_err(io(root))?;
        let w = BundleWriter {
            root: root.to_owned(),
            manifest: Manifest {
                format: FORMAT_NAME.into(),
                format_version: FORMAT_VERSION.into(),
                utility,
                collected_on,
                assessment_date,
                files: Vec::new(),
            },
            superseded: Vec::new(),
        };
        w.write_manifest()?;
        Ok(w)
    }

    /// Opens an existing bundle to add to it.
    pub fn open(root: &Path) -> Result<Self, WriteError> {
        let path = root.join(MANIFEST);
        let bytes = super::read_regular(&path).map_err(|e| WriteError::NotABundle {
            path: root.to_owned(),
            message: e.to_string(),
        })?;
        let manifest: Manifest =
            serde_json::from_slice(&bytes).map_err(|e| WriteError::NotABundle {
                path: root.to_owned(),
                message: e.to_string(),
            })?;
        Ok(BundleWriter {
            root: root.to_owned(),
            manifest,
            superseded: Vec::new(),
        })
    }

    /// The bundle's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The manifest as it will be written.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    fn full(&self, rel: &str) -> Result<PathBuf, WriteError> {
        super::safe_join(&self.root, rel).map_err(|_| WriteError::BadPath {
            path: rel.to_owned(),
        })
    }

    /// The section's current document, if the bundle holds one.
    pub fn document<T: Document>(&self) -> Result<Option<T>, WriteError> {
        let Some(entry) = self.manifest.files.iter().find(|f| f.kind == T::KIND) else {
            return Ok(None);
        };
        let full = self.full(&entry.path)?;
        let bytes = mizuchi_ledger::files::read(&full).map_err(io(&full))?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| WriteError::NotABundle {
                path: full,
                message: e.to_string(),
            })
    }

    /// Sets a document section to `value`. Returns whether anything changed.
    pub fn put_document<T: Document + serde::Serialize>(
        &mut self,
        value: &T,
    ) -> Result<bool, WriteError> {
        let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| WriteError::Io {
            path: PathBuf::from(T::KIND.default_file_name()),
            source: std::io::Error::other(e),
        })?;
        bytes.push(b'\n');
        let digest = hex::encode(Sha256::digest(&bytes));
        let existing = self.manifest.files.iter().position(|f| f.kind == T::KIND);
        if let Some(i) = existing
            && self.manifest.files[i].sha256 == digest
        {
            return Ok(false);
        }
        let default = T::KIND.default_file_name();
        let taken =
            |p: &str| self.manifest.files.iter().any(|f| f.path == p) || self.root.join(p).exists();
        let rel = if taken(&default) {
            format!("{}-{}.json", T::KIND.as_str(), &digest[..12])
        } else {
            default
        };
        write_atomic(&self.full(&rel)?, &bytes)?;
        let entry = FileEntry {
            path: rel,
            kind: T::KIND,
            sha256: digest,
        };
        match existing {
            Some(i) => {
                let old = std::mem::replace(&mut self.manifest.files[i], entry);
                if old.path != self.manifest.files[i].path {
                    self.superseded.push(self.full(&old.path)?);
                }
            }
            None => self.manifest.files.push(entry),
        }
        Ok(true)
    }

    /// The bundle already lists a file at `rel`.
    pub fn has_file(&self, rel: &str) -> bool {
        self.manifest.files.iter().any(|f| f.path == rel)
    }

    /// Starts writing a log file at `rel` (relative path), streamed in constant memory.
    pub fn log_sink(&self, kind: SectionKind, rel: &str) -> Result<LogSink, WriteError> {
        let full = self.full(rel)?;
        let dir = full.parent().unwrap_or(&self.root).to_owned();
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let tmp = mizuchi_ledger::files::temp_in(&dir, false).map_err(io(&dir))?;
        Ok(LogSink {
            kind,
            rel: rel.to_owned(),
            tmp: std::io::BufWriter::with_capacity(1 << 20, tmp),
            hasher: Sha256::new(),
            records: 0,
        })
    }

    /// Finishes a log file: flushes it, renames it into place and lists it.
    pub fn finish_log(&mut self, sink: LogSink) -> Result<u64, WriteError> {
        let full = self.full(&sink.rel)?;
        let tmp = sink.tmp.into_inner().map_err(|e| WriteError::Io {
            path: full.clone(),
            source: e.into_error(),
        })?;
        tmp.as_file().sync_all().map_err(io(&full))?;
        tmp.persist(&full).map_err(|e| WriteError::Io {
            path: full.clone(),
            source: e.error,
        })?;
        if let Some(dir) = full.parent() {
            mizuchi_ledger::files::sync_dir(dir);
        }
        let entry = FileEntry {
            path: sink.rel.clone(),
            kind: sink.kind,
            sha256: hex::encode(sink.hasher.finalize()),
        };
        match self.manifest.files.iter_mut().find(|f| f.path == sink.rel) {
            Some(f) => *f = entry,
            None => self.manifest.files.push(entry),
        }
        Ok(sink.records)
    }

    /// Recomputes the digest of every listed file (after files were edited by
    /// hand). Returns the paths whose digest changed.
    pub fn reseal(&mut self) -> Result<Vec<String>, WriteError> {
        let mut changed = Vec::new();
        for i in 0..self.manifest.files.len() {
            let rel = self.manifest.files[i].path.clone();
            let full = self.full(&rel)?;
            let mut f = mizuchi_ledger::files::open_regular_nofollow(&full).map_err(io(&full))?;
            let mut h = Sha256::new();
            std::io::copy(&mut f, &mut h).map_err(io(&full))?;
            let digest = hex::encode(h.finalize());
            if self.manifest.files[i].sha256 != digest {
                self.manifest.files[i].sha256 = digest;
                changed.push(rel);
            }
        }
        Ok(changed)
    }

    fn write_manifest(&self) -> Result<(), WriteError> {
        let mut bytes = serde_json::to_vec_pretty(&self.manifest).map_err(|e| WriteError::Io {
            path: self.root.join(MANIFEST),
            source: std::io::Error::other(e),
        })?;
        bytes.push(b'\n');
        write_atomic(&self.root.join(MANIFEST), &bytes)
    }

    /// Writes the manifest, then removes files it no longer lists.
    pub fn commit(self) -> Result<(), WriteError> {
        self.write_manifest()?;
        for old in &self.superseded {
            let _ = std::fs::remove_file(old);
        }
        Ok(())
    }
}
