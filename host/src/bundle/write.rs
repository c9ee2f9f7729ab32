//! Writing bundles: creating one, and adding or replacing files as importers
//! and the generator do.
//!
//! Nothing already written is lost, whatever fails and whenever: every file is
//! written to a temporary name, flushed and renamed into place; a replaced
//! document is written under a new name, so that the old file stays valid
//! until the manifest that points at the new one has been renamed into place;
//! the manifest is written last. A crash leaves at worst a stray file, which
//! validation reports as unlisted; a writer dropped without
//! [`BundleWriter::commit`] (an import that failed) removes the files it
//! wrote, and the bundle's directory too if it made it.

use std::io::Write;
use std::path::{Path, PathBuf};

use mizuchi_evidence::{
    Date, Document, ExtensionEntry, ExtensionName, FORMAT_NAME, FORMAT_VERSION, FileEntry,
    Manifest, SectionKind, SectionShape, Source, Utility,
};
use sha2::{Digest, Sha256};

use super::MANIFEST;

/// The format version a bundle is written with until it lists extension
/// sections (which format 2.1.0 added, [`FORMAT_VERSION`]): the oldest
/// version that has everything it holds, so that every reader of format 2
/// reads it, and a bundle written again from the same sources is the same
/// bytes.
const BASE_FORMAT_VERSION: &str = "2.0.0";

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
    #[error(
        "`{path}` does not match the digest the manifest lists: it was changed without `mizuchi evidence seal`"
    )]
    /// A file differs from the digest the manifest lists.
    Changed {
        /// The file.
        path: PathBuf,
    },
    #[error("`{path}` does not hold valid {section} evidence: {reason}")]
    /// What would be written is not valid evidence of its section.
    Invalid {
        /// The file.
        path: String,
        /// Its section (`inventory`, `x-acme.screen-lock`).
        section: String,
        /// What is wrong.
        reason: String,
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

/// A file being written, hashed as its bytes go by (the writer's buffer
/// hands it large pieces: a document of a hundred thousand assets is tens
/// of megabytes, written to its temporary file without being held whole).
struct Hashed<W> {
    out: W,
    hasher: Sha256,
    /// The first write that failed.
    failed: Option<std::io::Error>,
}

impl<W: Write> Write for Hashed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.out.write(buf) {
            Ok(n) => {
                self.hasher.update(&buf[..n]);
                Ok(n)
            }
            Err(e) => {
                let copy = std::io::Error::new(e.kind(), e.to_string());
                self.failed.get_or_insert(copy);
                Err(e)
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A bundle open for writing.
#[derive(Debug)]
pub struct BundleWriter {
    root: PathBuf,
    manifest: Manifest,
    /// Files replaced by new ones, removed once the manifest is committed.
    superseded: Vec<PathBuf>,
    /// Files this writer wrote, removed if it is dropped uncommitted.
    written: Vec<PathBuf>,
    /// Directories this writer made (the bundle's own first), removed if it
    /// is dropped uncommitted and they are empty.
    made: Vec<PathBuf>,
    committed: bool,
}

impl Drop for BundleWriter {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        for f in &self.written {
            let _ = std::fs::remove_file(f);
        }
        for d in self.made.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// The directories `path` needs that do not exist yet, outermost first.
fn missing_dirs(path: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = path
        .ancestors()
        .take_while(|p| !p.as_os_str().is_empty() && !p.exists())
        .map(Path::to_path_buf)
        .collect();
    out.reverse();
    out
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
        self.push_line(&line)
    }

    /// Appends one record already serialised as one JSON line, its newline
    /// included.
    pub(crate) fn push_line(&mut self, line: &[u8]) -> Result<(), WriteError> {
        self.hasher.update(line);
        self.records += 1;
        self.tmp.write_all(line).map_err(io(Path::new(&self.rel)))
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
        let made = missing_dirs(root);
        std::fs::create_dir_all(root).map_err(io(root))?;
        Ok(BundleWriter {
            root: root.to_owned(),
            manifest: Manifest {
                format: FORMAT_NAME.into(),
                format_version: BASE_FORMAT_VERSION.into(),
                utility,
                collected_on,
                assessment_date,
                files: Vec::new(),
                extensions: Vec::new(),
            },
            superseded: Vec::new(),
            written: Vec::new(),
            made,
            committed: false,
        })
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
            written: Vec::new(),
            made: Vec::new(),
            committed: false,
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

    /// Sets the bundle's evidence format version (an upgrade does).
    pub(crate) fn set_format_version(&mut self, version: &str) {
        self.manifest.format_version = version.to_owned();
    }

    fn full(&self, rel: &str) -> Result<PathBuf, WriteError> {
        super::safe_join(&self.root, rel).map_err(|_| WriteError::BadPath {
            path: rel.to_owned(),
        })
    }

    /// The manifest's entry for the document section `kind`, if any.
    pub fn entry(&self, kind: SectionKind) -> Option<&FileEntry> {
        self.manifest.files.iter().find(|f| f.kind == kind)
    }

    /// The bytes of the listed file `entry`, checked against its digest.
    fn verified(&self, entry: &FileEntry) -> Result<Vec<u8>, WriteError> {
        let full = self.full(&entry.path)?;
        let bytes = mizuchi_ledger::files::read(&full).map_err(io(&full))?;
        if hex::encode(Sha256::digest(&bytes)) != entry.sha256 {
            return Err(WriteError::Changed { path: full });
        }
        Ok(bytes)
    }

    /// The section's current document, if the bundle holds one (its bytes
    /// checked against the manifest).
    pub fn document<T: Document>(&self) -> Result<Option<T>, WriteError> {
        let Some(entry) = self.entry(T::KIND) else {
            return Ok(None);
        };
        let bytes = self.verified(entry)?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| WriteError::Invalid {
                path: entry.path.clone(),
                section: T::KIND.to_string(),
                reason: e.to_string(),
            })
    }

    /// The section's current document as JSON, if the bundle holds one
    /// (its bytes checked against the manifest).
    pub fn document_value(
        &self,
        kind: SectionKind,
    ) -> Result<Option<serde_json::Value>, WriteError> {
        let Some(entry) = self.entry(kind) else {
            return Ok(None);
        };
        let bytes = self.verified(entry)?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| WriteError::Invalid {
                path: entry.path.clone(),
                section: kind.to_string(),
                reason: e.to_string(),
            })
    }

    /// Sets a document section to `value`. Returns whether anything changed.
    pub fn put_document<T: Document + serde::Serialize>(
        &mut self,
        value: &T,
    ) -> Result<bool, WriteError> {
        let json = serde_json::to_value(value).map_err(|e| WriteError::Invalid {
            path: T::KIND.default_file_name(),
            section: T::KIND.to_string(),
            reason: e.to_string(),
        })?;
        self.put_document_json(T::KIND, &json, None)
    }

    /// Sets the document section `kind` to `json`, written as the bundle
    /// writes documents; refused unless it is valid evidence of the section.
    /// `sources`, when given, says which importer inputs filled it (the file
    /// is then recorded as imported, with its digest). Returns whether
    /// anything changed.
    pub fn put_document_json(
        &mut self,
        kind: SectionKind,
        json: &serde_json::Value,
        sources: Option<Vec<Source>>,
    ) -> Result<bool, WriteError> {
        self.put_completed_document(kind, json, Vec::new(), sources)
    }

    /// [`BundleWriter::put_document_json`] of a document some of whose
    /// lists' items were laid out `ahead` (see
    /// [`mizuchi_evidence::write_completed_document`]).
    pub(crate) fn put_completed_document(
        &mut self,
        kind: SectionKind,
        json: &serde_json::Value,
        ahead: Vec<(&'static str, Vec<mizuchi_evidence::LaidOutItems>)>,
        sources: Option<Vec<Source>>,
    ) -> Result<bool, WriteError> {
        let invalid = |reason: String| WriteError::Invalid {
            path: kind.default_file_name(),
            section: kind.to_string(),
            reason,
        };
        // Written to a temporary file in the bundle as it is made, and given
        // its name (or dropped, if it is the file the bundle has) once its
        // digest is known.
        let mut tmp = mizuchi_ledger::files::temp_in(&self.root, false).map_err(io(&self.root))?;
        let tmp_path = tmp.path().to_owned();
        let mut hashed = Hashed {
            out: tmp.as_file_mut(),
            hasher: Sha256::new(),
            failed: None,
        };
        let written = {
            // The serializer writes a few bytes at a time: buffer them.
            let mut out = std::io::BufWriter::with_capacity(256 << 10, &mut hashed);
            mizuchi_evidence::write_completed_document(kind, json, ahead, &mut out)
                .map_err(|e| invalid(e.to_string()))
                .and_then(|()| out.flush().map_err(io(&tmp_path)))
        };
        // A write that failed (a full disk) is said as such, not as a
        // document refused.
        if let Some(source) = hashed.failed.take() {
            return Err(WriteError::Io {
                path: tmp_path,
                source,
            });
        }
        written?;
        let digest = hex::encode(hashed.hasher.finalize());
        let existing = self.manifest.files.iter().position(|f| f.kind == kind);
        let imported = sources.as_ref().map(|_| digest.clone());
        if let Some(i) = existing
            && self.manifest.files[i].sha256 == digest
        {
            // The bundle has these bytes: the temporary file goes.
            drop(tmp);
            let f = &mut self.manifest.files[i];
            let changed = sources.as_ref().is_some_and(|s| *s != f.sources);
            if let Some(s) = sources {
                f.sources = s;
                f.imported_sha256 = imported;
            }
            return Ok(changed);
        }
        let default = kind.default_file_name();
        let taken =
            |p: &str| self.manifest.files.iter().any(|f| f.path == p) || self.root.join(p).exists();
        let rel = if taken(&default) {
            format!("{}-{}.json", kind.as_str(), &digest[..12])
        } else {
            default
        };
        let full = self.full(&rel)?;
        mizuchi_ledger::files::persist_durably(tmp, &full).map_err(io(&full))?;
        self.written.push(full);
        let entry = FileEntry {
            path: rel,
            kind,
            sha256: digest,
            sources: sources.unwrap_or_default(),
            imported_sha256: imported,
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

    /// Adds a file written by hand to the bundle as the section `kind`:
    /// a document replaces the section's (which must not have been
    /// imported unless `replace`), a log is added. The bytes must be valid
    /// evidence of the section. Returns the path it was given.
    pub fn add_file(
        &mut self,
        kind: SectionKind,
        name: &str,
        bytes: &[u8],
    ) -> Result<String, WriteError> {
        let invalid = |reason: String| WriteError::Invalid {
            path: name.to_owned(),
            section: kind.to_string(),
            reason,
        };
        match kind.shape() {
            SectionShape::Document => {
                let text = std::str::from_utf8(bytes).map_err(|e| invalid(e.to_string()))?;
                mizuchi_evidence::encode_document(kind, text)
                    .map_err(|e| invalid(e.to_string()))?;
            }
            SectionShape::Log => {
                for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
                    if line.is_empty() && i > 0 {
                        continue;
                    }
                    let checked = match kind {
                        SectionKind::AuthEvents => mizuchi_evidence::stream::parse_line::<
                            mizuchi_evidence::AuthEvent,
                        >(line, i as u64 + 1)
                        .map(|_| ()),
                        _ => mizuchi_evidence::stream::parse_line::<mizuchi_evidence::DoorEvent>(
                            line,
                            i as u64 + 1,
                        )
                        .map(|_| ()),
                    };
                    checked.map_err(|e| invalid(e.to_string()))?;
                }
            }
        }
        let digest = hex::encode(Sha256::digest(bytes));
        let ext = match kind.shape() {
            SectionShape::Document => "json",
            SectionShape::Log => "jsonl",
        };
        let rel = format!("{}/added-{}.{ext}", kind.as_str(), &digest[..16]);
        let full = self.full(&rel)?;
        let dir = full.parent().unwrap_or(&self.root).to_owned();
        self.made.extend(missing_dirs(&dir));
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        write_atomic(&full, bytes)?;
        self.written.push(full);
        let entry = FileEntry {
            path: rel.clone(),
            kind,
            sha256: digest,
            sources: Vec::new(),
            imported_sha256: None,
        };
        match kind.shape() {
            SectionShape::Document => {
                if let Some(i) = self.manifest.files.iter().position(|f| f.kind == kind) {
                    let old = std::mem::replace(&mut self.manifest.files[i], entry);
                    if old.path != rel {
                        self.superseded.push(self.full(&old.path)?);
                    }
                } else {
                    self.manifest.files.push(entry);
                }
            }
            SectionShape::Log => {
                if !self.has_file(&rel) {
                    self.manifest.files.push(entry);
                }
            }
        }
        Ok(rel)
    }

    /// The extension section `name`'s document as JSON, if the bundle
    /// holds one (its bytes checked against the manifest).
    pub fn extension_value(&self, name: &str) -> Result<Option<serde_json::Value>, WriteError> {
        let Some(entry) = self
            .manifest
            .extensions
            .iter()
            .find(|e| e.section.as_str() == name)
        else {
            return Ok(None);
        };
        let full = self.full(&entry.path)?;
        let bytes = mizuchi_ledger::files::read(&full).map_err(io(&full))?;
        if hex::encode(Sha256::digest(&bytes)) != entry.sha256 {
            return Err(WriteError::Changed { path: full });
        }
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| WriteError::Invalid {
                path: entry.path.clone(),
                section: name.to_owned(),
                reason: e.to_string(),
            })
    }

    /// Sets the extension section `name` (a section a rule pack defines) to
    /// `json`, a JSON object, at `extensions/<name>.json`; `None` removes
    /// it. The pack's schema is checked when the bundle is validated with
    /// the pack installed, and before any run. Listing an extension makes
    /// the bundle format at least 2.1.0, the version that has them.
    pub fn put_extension(
        &mut self,
        name: &ExtensionName,
        json: Option<&serde_json::Value>,
    ) -> Result<(), WriteError> {
        let existing = self
            .manifest
            .extensions
            .iter()
            .position(|e| &e.section == name);
        let Some(json) = json else {
            if let Some(i) = existing {
                let old = self.manifest.extensions.remove(i);
                self.superseded.push(self.full(&old.path)?);
            }
            return Ok(());
        };
        let rel = format!("extensions/{name}.json");
        if !json.is_object() {
            return Err(WriteError::Invalid {
                path: rel,
                section: name.to_string(),
                reason: "an extension section's document must be a JSON object".into(),
            });
        }
        let mut bytes = serde_json::to_vec_pretty(json).map_err(|e| WriteError::Invalid {
            path: rel.clone(),
            section: name.to_string(),
            reason: e.to_string(),
        })?;
        bytes.push(b'\n');
        let full = self.full(&rel)?;
        let dir = full.parent().unwrap_or(&self.root).to_owned();
        self.made.extend(missing_dirs(&dir));
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        write_atomic(&full, &bytes)?;
        self.written.push(full);
        let entry = ExtensionEntry {
            path: rel,
            section: name.clone(),
            sha256: hex::encode(Sha256::digest(&bytes)),
        };
        match existing {
            Some(i) => self.manifest.extensions[i] = entry,
            None => self.manifest.extensions.push(entry),
        }
        let has_extensions = semver::Version::parse(FORMAT_VERSION).ok();
        if let (Ok(v), Some(has)) = (
            semver::Version::parse(&self.manifest.format_version),
            has_extensions,
        ) && v.major == has.major
            && v < has
        {
            self.manifest.format_version = FORMAT_VERSION.into();
        }
        Ok(())
    }

    /// Removes the listed file `rel` from the bundle (once committed).
    pub fn remove_file(&mut self, rel: &str) -> Result<(), WriteError> {
        if let Some(i) = self.manifest.files.iter().position(|f| f.path == rel) {
            self.manifest.files.remove(i);
            self.superseded.push(self.full(rel)?);
        }
        Ok(())
    }

    /// The bundle already lists a file at `rel`.
    pub fn has_file(&self, rel: &str) -> bool {
        self.manifest.files.iter().any(|f| f.path == rel)
    }

    /// Starts writing a log file at `rel` (relative path), streamed in constant memory.
    pub fn log_sink(&mut self, kind: SectionKind, rel: &str) -> Result<LogSink, WriteError> {
        let full = self.full(rel)?;
        let dir = full.parent().unwrap_or(&self.root).to_owned();
        self.made.extend(missing_dirs(&dir));
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
        self.finish_log_from(sink, None)
    }

    /// [`BundleWriter::finish_log`] for a log an importer wrote from
    /// `sources`: the file is recorded as imported, with its digest.
    pub fn finish_log_from(
        &mut self,
        sink: LogSink,
        sources: Option<Vec<Source>>,
    ) -> Result<u64, WriteError> {
        let full = self.full(&sink.rel)?;
        let tmp = sink.tmp.into_inner().map_err(|e| WriteError::Io {
            path: full.clone(),
            source: e.into_error(),
        })?;
        mizuchi_ledger::files::persist_durably(tmp, &full).map_err(io(&full))?;
        self.written.push(full.clone());
        let sha256 = hex::encode(sink.hasher.finalize());
        let entry = FileEntry {
            path: sink.rel.clone(),
            kind: sink.kind,
            imported_sha256: sources.as_ref().map(|_| sha256.clone()),
            sources: sources.unwrap_or_default(),
            sha256,
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
        // Official sections' files, then extension sections' files.
        let paths: Vec<String> = self
            .manifest
            .files
            .iter()
            .map(|f| f.path.clone())
            .chain(self.manifest.extensions.iter().map(|e| e.path.clone()))
            .collect();
        let mut digests = Vec::with_capacity(paths.len());
        for rel in &paths {
            let full = self.full(rel)?;
            let mut f = mizuchi_ledger::files::open_regular_nofollow(&full).map_err(io(&full))?;
            let mut h = Sha256::new();
            std::io::copy(&mut f, &mut h).map_err(io(&full))?;
            digests.push(hex::encode(h.finalize()));
        }
        let slots = self
            .manifest
            .files
            .iter_mut()
            .map(|f| &mut f.sha256)
            .chain(self.manifest.extensions.iter_mut().map(|e| &mut e.sha256));
        for ((slot, digest), rel) in slots.zip(digests).zip(paths) {
            if *slot != digest {
                *slot = digest;
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
    pub fn commit(mut self) -> Result<(), WriteError> {
        self.write_manifest()?;
        self.committed = true;
        for old in &self.superseded {
            let _ = std::fs::remove_file(old);
        }
        Ok(())
    }
}
