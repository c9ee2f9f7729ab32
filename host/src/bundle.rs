//! An evidence bundle opened for evaluation.
//!
//! Opening checks the manifest, refuses paths that leave the bundle or pass
//! through symbolic links, and verifies every file against its SHA-256 before
//! any rule runs. Documents are read once, hashed, type-checked and kept in
//! memory to hand to rules. Logs are hashed and counted here, and hashed again
//! while rules stream them, so that what a rule reads is exactly what was
//! verified.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use mizuchi_evidence::{
    Accounts, AreaAccess, Backups, Contracts, FORMAT_NAME, Governance, Inventory, Manifest,
    Networks, People, SectionKind, SectionShape, Sites, Training,
};
use serde::de::DeserializeOwned;

use crate::digest::{HashingReader, sha256_hex};

/// The manifest's file name at the root of a bundle.
pub(crate) const MANIFEST: &str = "manifest.json";

/// Why a bundle cannot be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` is not a valid manifest: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error(
        "`{path}` is a `{found}` bundle, version {version}; this host reads `{FORMAT_NAME}` version 1.x"
    )]
    Format {
        path: PathBuf,
        found: String,
        version: String,
    },
    #[error("`{path}` is a symbolic link; a bundle must hold its files itself (copy the file in)")]
    Symlink { path: PathBuf },
    #[error(
        "the manifest lists `{path}`, which is outside the bundle; list files by paths relative to the bundle root, without `..`"
    )]
    Escape { path: String },
    #[error(
        "`{path}` does not match its digest: the manifest says {expected}, the file hashes to {actual}; re-import the file or restore it"
    )]
    Digest {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error(
        "section `{kind}` is held in both `{first}` and `{second}`; a document section has one file"
    )]
    Duplicate {
        kind: SectionKind,
        first: String,
        second: String,
    },
    #[error("`{path}` is not valid {kind} evidence at `{pointer}`: {message}")]
    Section {
        path: PathBuf,
        kind: SectionKind,
        pointer: String,
        message: String,
    },
}

/// A verified document section.
#[derive(Debug, Clone)]
pub struct DocumentFile {
    /// Path relative to the bundle root.
    pub path: String,
    pub sha256: String,
    text: Arc<str>,
}

impl DocumentFile {
    /// The file's text, as verified.
    pub fn text(&self) -> &Arc<str> {
        &self.text
    }
}

/// A verified log file.
#[derive(Debug, Clone)]
pub struct LogFile {
    /// Path relative to the bundle root.
    pub path: String,
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Number of records (lines).
    pub records: u64,
    full: PathBuf,
}

impl LogFile {
    /// Opens the file for streaming; the reader hashes what it reads.
    pub fn open(&self) -> std::io::Result<HashingReader<BufReader<File>>> {
        let f = File::open(&self.full)?;
        Ok(HashingReader::new(BufReader::with_capacity(1 << 16, f)))
    }
}

/// An evidence bundle whose files all match the manifest.
#[derive(Debug)]
pub struct Bundle {
    root: PathBuf,
    manifest: Manifest,
    digest: String,
    documents: BTreeMap<SectionKind, DocumentFile>,
    logs: BTreeMap<SectionKind, Vec<LogFile>>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> BundleError + '_ {
    move |source| BundleError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Joins a manifest path to the bundle root, refusing anything that leaves
/// the bundle or passes through a symbolic link.
pub(crate) fn safe_join(root: &Path, rel: &str) -> Result<PathBuf, BundleError> {
    let escape = || BundleError::Escape {
        path: rel.to_owned(),
    };
    if rel.is_empty() || rel.contains('\\') || rel.contains(':') {
        return Err(escape());
    }
    let mut full = root.to_path_buf();
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(part) => {
                full.push(part);
                match std::fs::symlink_metadata(&full) {
                    Ok(m) if m.file_type().is_symlink() => {
                        return Err(BundleError::Symlink { path: full });
                    }
                    _ => {}
                }
            }
            _ => return Err(escape()),
        }
    }
    Ok(full)
}

fn check_document<T: DeserializeOwned>(
    path: &Path,
    kind: SectionKind,
    text: &str,
) -> Result<(), BundleError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, T>(de)
        .map(|_| ())
        .map_err(|e| BundleError::Section {
            path: path.to_owned(),
            kind,
            pointer: e.path().to_string(),
            message: e.into_inner().to_string(),
        })
}

/// Parses a document section into its type, to refuse a malformed section
/// before any rule sees it.
fn type_check(path: &Path, kind: SectionKind, text: &str) -> Result<(), BundleError> {
    match kind {
        SectionKind::Inventory => check_document::<Inventory>(path, kind, text),
        SectionKind::Networks => check_document::<Networks>(path, kind, text),
        SectionKind::Sites => check_document::<Sites>(path, kind, text),
        SectionKind::People => check_document::<People>(path, kind, text),
        SectionKind::Accounts => check_document::<Accounts>(path, kind, text),
        SectionKind::AreaAccess => check_document::<AreaAccess>(path, kind, text),
        SectionKind::Contracts => check_document::<Contracts>(path, kind, text),
        SectionKind::Backups => check_document::<Backups>(path, kind, text),
        SectionKind::Training => check_document::<Training>(path, kind, text),
        SectionKind::Governance => check_document::<Governance>(path, kind, text),
        _ => Ok(()),
    }
}

/// Reads a whole file without following a symbolic link at its final component.
pub(crate) fn read_regular(path: &Path) -> Result<Vec<u8>, BundleError> {
    let meta = std::fs::symlink_metadata(path).map_err(io_err(path))?;
    if meta.file_type().is_symlink() {
        return Err(BundleError::Symlink {
            path: path.to_owned(),
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    File::open(path)
        .map_err(io_err(path))?
        .read_to_end(&mut bytes)
        .map_err(io_err(path))?;
    Ok(bytes)
}

impl Bundle {
    /// Opens and verifies the bundle in directory `dir`.
    pub fn open(dir: &Path) -> Result<Bundle, BundleError> {
        let manifest_path = dir.join(MANIFEST);
        let bytes = read_regular(&manifest_path)?;
        let digest = sha256_hex(&bytes);
        let manifest: Manifest = {
            let de = &mut serde_json::Deserializer::from_slice(&bytes);
            serde_path_to_error::deserialize(de).map_err(|e| BundleError::Manifest {
                path: manifest_path.clone(),
                message: format!("at `{}`: {}", e.path(), e.inner()),
            })?
        };
        let major = semver::Version::parse(&manifest.format_version).map(|v| v.major);
        if manifest.format != FORMAT_NAME || major.ok() != Some(1) {
            return Err(BundleError::Format {
                path: manifest_path,
                found: manifest.format.clone(),
                version: manifest.format_version.clone(),
            });
        }
        let mut documents: BTreeMap<SectionKind, DocumentFile> = BTreeMap::new();
        let mut logs: BTreeMap<SectionKind, Vec<LogFile>> = BTreeMap::new();
        for entry in &manifest.files {
            let full = safe_join(dir, &entry.path)?;
            let expected = entry.sha256.to_ascii_lowercase();
            match entry.kind.shape() {
                SectionShape::Log => {
                    let file = verify_log(&full, &expected)?;
                    logs.entry(entry.kind).or_default().push(LogFile {
                        path: entry.path.clone(),
                        sha256: expected,
                        bytes: file.0,
                        records: file.1,
                        full,
                    });
                }
                _ => {
                    if let Some(first) = documents.get(&entry.kind) {
                        return Err(BundleError::Duplicate {
                            kind: entry.kind,
                            first: first.path.clone(),
                            second: entry.path.clone(),
                        });
                    }
                    let bytes = read_regular(&full)?;
                    let actual = sha256_hex(&bytes);
                    if actual != expected {
                        return Err(BundleError::Digest {
                            path: full,
                            expected,
                            actual,
                        });
                    }
                    let text = String::from_utf8(bytes).map_err(|e| BundleError::Section {
                        path: full.clone(),
                        kind: entry.kind,
                        pointer: String::new(),
                        message: format!("not UTF-8 ({e})"),
                    })?;
                    type_check(&full, entry.kind, &text)?;
                    documents.insert(
                        entry.kind,
                        DocumentFile {
                            path: entry.path.clone(),
                            sha256: expected,
                            text: text.into(),
                        },
                    );
                }
            }
        }
        tracing::debug!(
            utility = %manifest.utility.id,
            documents = documents.len(),
            logs = logs.values().map(Vec::len).sum::<usize>(),
            "evidence bundle verified"
        );
        Ok(Bundle {
            root: dir.to_owned(),
            manifest,
            digest,
            documents,
            logs,
        })
    }

    /// The bundle's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// SHA-256 of `manifest.json`, which lists the digest of every file: the
    /// digest of the whole bundle.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// A document section, if the bundle holds it.
    pub fn document(&self, kind: SectionKind) -> Option<&DocumentFile> {
        self.documents.get(&kind)
    }

    /// The files of a log section, in manifest order.
    pub fn log(&self, kind: SectionKind) -> &[LogFile] {
        self.logs.get(&kind).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The bundle holds the section.
    pub fn has(&self, kind: SectionKind) -> bool {
        self.documents.contains_key(&kind) || self.logs.contains_key(&kind)
    }
}

/// Hashes and counts a log file in one pass; returns its size and records.
fn verify_log(full: &Path, expected: &str) -> Result<(u64, u64), BundleError> {
    let meta = std::fs::symlink_metadata(full).map_err(io_err(full))?;
    if meta.file_type().is_symlink() {
        return Err(BundleError::Symlink {
            path: full.to_owned(),
        });
    }
    let mut r = HashingReader::new(File::open(full).map_err(io_err(full))?);
    let mut buf = vec![0u8; 1 << 16];
    let mut last = b'\n';
    loop {
        let n = r.read(&mut buf).map_err(io_err(full))?;
        if n == 0 {
            break;
        }
        last = buf[n - 1];
    }
    let actual = r.hex_digest();
    if actual != expected {
        return Err(BundleError::Digest {
            path: full.to_owned(),
            expected: expected.to_owned(),
            actual,
        });
    }
    let records = r.newlines() + u64::from(r.bytes_read() > 0 && last != b'\n');
    Ok((r.bytes_read(), records))
}
