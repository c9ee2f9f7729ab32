//! Evidence bundles: opening (through the validator), the single-file archive
//! form, and writing (imports add files and update the manifest atomically).
//!
//! Opening a bundle runs the validator's opening check: manifest, paths, the
//! digest of every file, documents parsed strictly and checked against their
//! schema, references between documents. Each event log is parsed once, from
//! the same read that hashes it, into a spool ([`spool`]) that rules stream:
//! what a rule reads is exactly what was verified, and no rule parses JSON
//! lines again.

pub(crate) mod archive;
mod dates;
mod problem;
mod refs;
pub(crate) mod spool;
mod summary;
mod upgrade;
mod validate;
mod write;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use mizuchi_evidence::{ExtensionName, Manifest, SectionKind};

use crate::extension::ExtensionSection;

pub use archive::write as write_archive;
pub use problem::{Problem, Severity};
pub use summary::{BundleSummary, SectionSummary, summarize};
pub use upgrade::{Upgrade, UpgradeError, upgrade};
#[cfg(feature = "fuzzing")]
pub(crate) use validate::fuzz_check;
pub use validate::{LogStats, Validation};
pub(crate) use write::LogSink;
pub(crate) use write::write_atomic;
pub use write::{BundleWriter, WriteError};

/// The manifest's file name at the root of a bundle.
pub(crate) const MANIFEST: &str = "manifest.json";

/// Why a bundle cannot be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    #[error("cannot read `{path}`: {source}")]
    /// A file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    #[error("`{path}` is a symbolic link; a bundle must hold its files itself (copy the file in)")]
    /// A path goes through a symbolic link.
    Symlink {
        /// The link.
        path: PathBuf,
    },
    #[error(
        "the manifest lists `{path}`, which is outside the bundle; list files by paths relative to the bundle root, without `..`"
    )]
    /// A manifest path leaves the bundle.
    Escape {
        /// The path as listed.
        path: String,
    },
    #[error(
        "the manifest lists `{path}`, which is not a plain path inside the bundle (`/` between non-empty names, no `.`, no `\\`); list it as `{plain}`"
    )]
    /// A manifest path is not written plainly.
    NotPlain {
        /// The path as listed.
        path: String,
        /// How to write it.
        plain: String,
    },
    #[error("{}", invalid_text(.problems))]
    /// The bundle has errors; the problems list them all.
    Invalid {
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

fn invalid_text(problems: &[Problem]) -> String {
    invalid_text_in(problems, "en")
}

impl BundleError {
    /// The error in `lang` (`ja` or `en`) where it has words of its own in
    /// both (the problems of a bundle refused); otherwise its English text.
    pub fn text(&self, lang: &str) -> String {
        match self {
            BundleError::Invalid { problems } => invalid_text_in(problems, lang),
            other => other.to_string(),
        }
    }
}

/// The errors of a bundle refused, in `lang` (`ja` or `en`): at most ten,
/// by file, line and JSON path.
fn invalid_text_in(problems: &[Problem], lang: &str) -> String {
    let errors: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    let ja = lang == "ja";
    let mut s = if ja {
        format!("バンドルにエラーが {} 件あります:", errors.len())
    } else {
        format!(
            "the bundle has {} error{}:",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        )
    };
    for p in errors.iter().take(10) {
        s.push_str(&format!("\n  {}: {}", p.location(), p.message.get(lang)));
    }
    if errors.len() > 10 {
        s.push_str(&if ja {
            format!("\n  …ほか {} 件", errors.len() - 10)
        } else {
            format!("\n  … and {} more", errors.len() - 10)
        });
    }
    s
}

/// Validates the bundle at `path` (a directory or a `.tar` archive), checking
/// every line of every log.
pub fn validate(path: &Path) -> Validation {
    validate::check(path, validate::Depth::Full)
}

/// A verified document section.
#[derive(Debug, Clone)]
pub struct DocumentFile {
    /// Path relative to the bundle root.
    pub path: String,
    /// Its SHA-256, as verified.
    pub sha256: String,
    text: Arc<str>,
    /// The binary form rules read, encoded from the typed value the bundle
    /// was checked with: a rule never parses the JSON again.
    encoded: Arc<[u8]>,
}

impl DocumentFile {
    pub(crate) fn new(path: String, sha256: String, text: Arc<str>, encoded: Vec<u8>) -> Self {
        DocumentFile {
            path,
            sha256,
            text,
            encoded: encoded.into(),
        }
    }

    /// The file's text, as verified.
    pub fn text(&self) -> &Arc<str> {
        &self.text
    }

    /// The document in the binary form of `mizuchi_evidence::Document::encode`.
    pub(crate) fn encoded(&self) -> &[u8] {
        &self.encoded
    }
}

/// The file of an extension section (a section a rule pack defines), as
/// verified: its digest matched and it is a JSON object.
#[derive(Debug, Clone)]
pub struct ExtensionFile {
    /// Path relative to the bundle root.
    pub path: String,
    /// SHA-256 of its bytes, as verified.
    pub sha256: String,
    pub(crate) json: Arc<str>,
}

impl ExtensionFile {
    /// The document as compact JSON: what a rule reading it receives.
    pub fn json(&self) -> &str {
        &self.json
    }
}

/// A log file of a bundle.
#[derive(Debug, Clone)]
pub struct LogFile {
    /// Path relative to the bundle root.
    pub path: String,
    /// Its SHA-256: verified when `records` is known; otherwise the digest
    /// the manifest gives, checked when the file is read.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Number of records (lines); `None` for a log the bundle was not asked
    /// to read when it was opened (see [`Bundle::open_reading`]).
    pub records: Option<u64>,
    full: PathBuf,
}

/// An evidence bundle whose files all match the manifest.
#[derive(Debug)]
pub struct Bundle {
    root: PathBuf,
    manifest: Manifest,
    digest: String,
    documents: BTreeMap<SectionKind, DocumentFile>,
    extensions: BTreeMap<ExtensionName, ExtensionFile>,
    logs: BTreeMap<SectionKind, Vec<LogFile>>,
    /// Each log section's entries, parsed once: while opening for the
    /// sections asked for, on first use for the others.
    spools: BTreeMap<SectionKind, OnceLock<Result<Arc<spool::Spool>, String>>>,
    /// Holds an extracted archive for as long as the bundle is open.
    _extracted: Option<tempfile::TempDir>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> BundleError + '_ {
    move |source| BundleError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Checks that a manifest path is plain: names separated by single `/`,
/// none empty, `.` or `..`, without `\\`, `:` or NUL. There is then one way
/// to write each file's path, which every reader of the manifest (validation,
/// evaluation, the list of unlisted files, signed subjects) compares alike.
pub(crate) fn plain_path(rel: &str) -> Result<(), BundleError> {
    let parts: Vec<&str> = rel.split('/').collect();
    let escapes = rel.starts_with('/') || rel.contains(['\\', ':', '\0']) || parts.contains(&"..");
    if rel.is_empty() || escapes {
        return Err(BundleError::Escape {
            path: rel.to_owned(),
        });
    }
    if parts.iter().any(|p| p.is_empty() || *p == ".") {
        let plain: Vec<&str> = parts
            .into_iter()
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        return Err(BundleError::NotPlain {
            path: rel.to_owned(),
            plain: plain.join("/"),
        });
    }
    Ok(())
}

/// Joins a manifest path to the bundle root, refusing anything that is not
/// plain, leaves the bundle or passes through a symbolic link.
pub(crate) fn safe_join(root: &Path, rel: &str) -> Result<PathBuf, BundleError> {
    plain_path(rel)?;
    let mut full = root.to_path_buf();
    for part in rel.split('/') {
        full.push(part);
        if std::fs::symlink_metadata(&full).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(BundleError::Symlink { path: full });
        }
    }
    Ok(full)
}

/// Reads a whole regular file without following a symbolic link at its
/// final component; a FIFO or device is refused without waiting.
pub(crate) fn read_regular(path: &Path) -> Result<Vec<u8>, BundleError> {
    let mut file = open_regular(path)?;
    let mut bytes = Vec::with_capacity(file.metadata().map_or(0, |m| m.len() as usize));
    file.read_to_end(&mut bytes).map_err(io_err(path))?;
    Ok(bytes)
}

/// Opens a file of the bundle for reading: a regular file, not a symbolic
/// link (nor a FIFO or a device).
pub(crate) fn open_regular(path: &Path) -> Result<std::fs::File, BundleError> {
    mizuchi_ledger::files::open_regular_nofollow(path).map_err(|e| {
        if mizuchi_ledger::files::NotRegular::of(&e).is_some_and(|n| n.kind == "a symbolic link") {
            BundleError::Symlink {
                path: path.to_owned(),
            }
        } else {
            BundleError::Io {
                path: path.to_owned(),
                source: e,
            }
        }
    })
}

impl Bundle {
    /// Opens the bundle at `path` (a directory or a `.tar` archive of one)
    /// for evaluation: every file's digest checked, documents parsed and
    /// checked, every event log parsed once (from the same read that hashes
    /// it) for rules to stream.
    pub fn open(path: &Path) -> Result<Bundle, BundleError> {
        Bundle::open_reading(path, &SectionKind::ALL)
    }

    /// Like [`Bundle::open`], reading only the logs of `sections`: the logs
    /// of other sections are not read, so not verified, now; they are read,
    /// verified and parsed if a rule asks for them after all. A run opens
    /// the bundle with the sections its rules declare, so that it reads, and
    /// vouches for, exactly the evidence it uses.
    pub fn open_reading(path: &Path, sections: &[SectionKind]) -> Result<Bundle, BundleError> {
        let v = validate::check(path, validate::Depth::Open { spool: sections });
        for p in v
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
        {
            tracing::warn!("{}: {}", p.location(), p.message.en);
        }
        let Some(o) = v.opened else {
            return Err(BundleError::Invalid {
                problems: v.problems,
            });
        };
        tracing::debug!(
            utility = %o.manifest.utility.id,
            documents = o.documents.len(),
            logs = o.logs.values().map(Vec::len).sum::<usize>(),
            "evidence bundle verified"
        );
        let mut ready = o.spools;
        let spools = o
            .logs
            .keys()
            .map(|&kind| {
                let cell = OnceLock::new();
                if let Some(s) = ready.remove(&kind) {
                    let _ = cell.set(Ok(Arc::new(s)));
                }
                (kind, cell)
            })
            .collect();
        Ok(Bundle {
            root: o.root,
            manifest: o.manifest,
            digest: o.digest,
            documents: o.documents,
            extensions: o.extensions,
            logs: o.logs,
            spools,
            _extracted: o._extracted,
        })
    }

    /// The bundle's directory (a temporary one for an archive).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The manifest, as verified.
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

    /// The file of the extension section `name`, if the bundle holds it.
    pub fn extension(&self, name: &str) -> Option<&ExtensionFile> {
        self.extensions
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, f)| f)
    }

    /// Every extension section the bundle holds, by name.
    pub fn extensions(&self) -> impl Iterator<Item = (&ExtensionName, &ExtensionFile)> {
        self.extensions.iter()
    }

    /// Checks the bundle's extension sections against the schemas that
    /// rule packs ship, given with the name of the pack defining each: an
    /// error per schema violation (file and JSON path), a warning per
    /// section no given pack defines.
    pub fn check_extensions(&self, definitions: &[(&str, &ExtensionSection)]) -> Vec<Problem> {
        validate::extension_problems(&self.extensions, definitions)
    }

    /// The files of a log section, in manifest order.
    pub fn log(&self, kind: SectionKind) -> &[LogFile] {
        self.logs.get(&kind).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The number of records of a log section, reading (and verifying) it
    /// now if it was not read when the bundle was opened.
    pub(crate) fn log_records(&self, kind: SectionKind) -> Result<u64, String> {
        let files = self.log(kind);
        if files.iter().all(|f| f.records.is_some()) {
            return Ok(files.iter().filter_map(|f| f.records).sum());
        }
        self.spool(kind).map(|s| s.entries())
    }

    /// Whether the files of a log section were read and matched the manifest.
    pub(crate) fn log_verified(&self, kind: SectionKind) -> bool {
        let files = self.log(kind);
        files.iter().all(|f| f.records.is_some())
            || self
                .spools
                .get(&kind)
                .and_then(OnceLock::get)
                .is_some_and(Result::is_ok)
    }

    /// The entries of a log section, parsed once. A section not parsed while
    /// opening is parsed now, its files checked against their digests again.
    pub(crate) fn spool(&self, kind: SectionKind) -> Result<Arc<spool::Spool>, String> {
        let Some(cell) = self.spools.get(&kind) else {
            return Err(format!("the bundle has no `{kind}` section"));
        };
        cell.get_or_init(|| {
            let files = self.log(kind);
            let inputs: Vec<spool::Input<'_>> = files
                .iter()
                .map(|f| spool::Input {
                    rel: &f.path,
                    full: &f.full,
                    expected: &f.sha256,
                })
                .collect();
            match spool::build(kind, &inputs) {
                Ok((_, s)) => Ok(Arc::new(s)),
                Err(spool::Failure::Digest { rel, .. }) => Err(format!(
                    "`{rel}` does not match its digest in the manifest: it was changed after the bundle was sealed"
                )),
                Err(spool::Failure::Line { rel, line, message }) => {
                    Err(format!("`{rel}` line {line}: {message}"))
                }
                Err(spool::Failure::Io { rel, message }) => {
                    Err(format!("cannot read `{rel}`: {message}"))
                }
                Err(spool::Failure::Spool(message)) => {
                    Err(format!("cannot unpack the log into a temporary file: {message}"))
                }
            }
        })
        .clone()
    }

    /// The bundle holds the section.
    pub fn has(&self, kind: SectionKind) -> bool {
        self.documents.contains_key(&kind) || self.logs.contains_key(&kind)
    }
}
