//! Native evaluation: run a rule with `cargo test`, no WebAssembly involved.
//!
//! The rule function, the [`Ctx`] it sees and the log reader are the same code
//! as in the sandbox; only the [`EvidenceSource`] differs. Build evidence from
//! typed values with [`Evidence::new`] and its `with_*` methods, or open a
//! bundle directory with [`Evidence::open`].
//!
//! ```
//! use mizuchi_sdk::prelude::*;
//! use mizuchi_sdk::testing::{evaluate, Evidence};
//!
//! fn count_assets(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
//!     let inv: Inventory = ctx.document()?.unwrap_or_default();
//!     Ok(vec![Finding::pass(
//!         Subject::organisation(),
//!         text!(ja: "{} 台", inv.assets.len(); en: "{} assets", inv.assets.len()),
//!     )])
//! }
//!
//! const RULE: Rule = Rule {
//!     id: "X-01",
//!     version: "1.0.0",
//!     title: StaticText { ja: "台数", en: "count" },
//!     section: "5.1.1",
//!     force: Force::Recommended,
//!     needs: &[Need::v2(SectionKind::Inventory)],
//!     params: &[],
//!     eval: count_assets,
//! };
//!
//! let findings = evaluate(&RULE, &Evidence::new().with(&Inventory::default()), jiff::civil::date(2026, 4, 1), &[]).unwrap();
//! assert_eq!(findings[0].message.en, "0 assets");
//! ```

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use mizuchi_evidence::stream::{AuthEntry, DoorEntry, Encoded, LogReader, LogRecord, Symbols};
use mizuchi_evidence::{
    AuthEvent, Date, Document, DoorEvent, FORMAT_VERSION, Manifest, SectionKind, SectionShape, Text,
};
use serde::Serialize;

use crate::ctx::{Batches, BundleInfo, EvidenceSource, SourceError, decode_into};
use crate::{Ctx, Finding, ParamValue, Rule, RuleError};

#[derive(Debug, Clone)]
enum LogData {
    Bytes(Arc<[u8]>),
    File(PathBuf),
}

#[derive(Debug, Clone)]
struct LogFile {
    name: String,
    data: LogData,
}

/// Evidence for native evaluation, built from typed values, JSON text or
/// events, or opened from a bundle directory. Examples: the module, and
/// [`Ctx`] (events).
#[derive(Debug, Clone)]
pub struct Evidence {
    info: BundleInfo,
    documents: BTreeMap<SectionKind, String>,
    extensions: BTreeMap<String, String>,
    logs: BTreeMap<SectionKind, Vec<LogFile>>,
}

impl Default for Evidence {
    fn default() -> Self {
        Self::new()
    }
}

/// A bundle directory could not be opened ([`Evidence::open`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    #[error("cannot read `{path}`: {source}")]
    /// A file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    #[error("`{path}` is not a valid manifest: {source}")]
    /// The manifest is not valid.
    Manifest {
        /// The manifest's path.
        path: PathBuf,
        /// What the parser said.
        source: serde_json::Error,
    },
}

impl Evidence {
    /// Empty evidence of a test utility collected on 2026-01-01.
    pub fn new() -> Self {
        Evidence {
            info: BundleInfo {
                utility_id: "test-utility".into(),
                utility_name: Text::new("試験水道事業体", "Test Waterworks"),
                collected_on: jiff::civil::date(2026, 1, 1),
                format_version: FORMAT_VERSION.into(),
            },
            documents: BTreeMap::new(),
            extensions: BTreeMap::new(),
            logs: BTreeMap::new(),
        }
    }

    /// Adds (or replaces) a document section. Example: the module.
    pub fn with<T: Document + Serialize>(mut self, document: &T) -> Self {
        let json = serde_json::to_string(document).unwrap_or_default();
        self.documents.insert(T::KIND, json);
        self
    }

    /// Adds a document section as raw JSON text, e.g. to test malformed input.
    pub fn with_json(mut self, section: SectionKind, json: impl Into<String>) -> Self {
        self.documents.insert(section, json.into());
        self
    }

    /// Adds (or replaces) an extension section (`x-<publisher>.<name>`) as
    /// JSON text. Natively, nothing checks it against the pack's schema: the
    /// host does, before a rule in the sandbox sees it. Example:
    /// [`Ctx::extension`].
    pub fn with_extension(mut self, section: &str, json: impl Into<String>) -> Self {
        self.extensions.insert(section.to_owned(), json.into());
        self
    }

    /// Adds a file of authentication events. Example: [`Ctx`].
    pub fn with_auth_events(self, events: &[AuthEvent]) -> Self {
        self.with_log(SectionKind::AuthEvents, events)
    }

    /// Adds a file of door events.
    pub fn with_door_events(self, events: &[DoorEvent]) -> Self {
        self.with_log(SectionKind::DoorEvents, events)
    }

    fn with_log<T: Serialize>(mut self, section: SectionKind, records: &[T]) -> Self {
        let mut bytes = Vec::new();
        for r in records {
            bytes.extend(serde_json::to_vec(r).unwrap_or_default());
            bytes.push(b'\n');
        }
        let files = self.logs.entry(section).or_default();
        let name = if files.is_empty() {
            section.default_file_name()
        } else {
            format!("{}-{}.jsonl", section.as_str(), files.len() + 1)
        };
        files.push(LogFile {
            name,
            data: LogData::Bytes(bytes.into()),
        });
        self
    }

    /// Sets the bundle's format version, e.g. to test a rule's requirement.
    pub fn with_format_version(mut self, version: impl Into<String>) -> Self {
        self.info.format_version = version.into();
        self
    }

    /// Opens a bundle directory. Logs are streamed from their files when read.
    ///
    /// Digests are not checked: validate a bundle with `mizuchi evidence
    /// validate` before trusting results computed from it.
    pub fn open(dir: &Path) -> Result<Self, OpenError> {
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(|source| OpenError::Io {
            path: path.clone(),
            source,
        })?;
        let manifest: Manifest =
            serde_json::from_str(&text).map_err(|source| OpenError::Manifest { path, source })?;
        let mut ev = Evidence {
            info: BundleInfo {
                utility_id: manifest.utility.id,
                utility_name: manifest.utility.name,
                collected_on: manifest.collected_on,
                format_version: manifest.format_version,
            },
            documents: BTreeMap::new(),
            extensions: BTreeMap::new(),
            logs: BTreeMap::new(),
        };
        for file in manifest.files {
            let path = dir.join(&file.path);
            match file.kind.shape() {
                SectionShape::Log => ev.logs.entry(file.kind).or_default().push(LogFile {
                    name: file.path,
                    data: LogData::File(path),
                }),
                _ => {
                    let json = std::fs::read_to_string(&path)
                        .map_err(|source| OpenError::Io { path, source })?;
                    ev.documents.insert(file.kind, json);
                }
            }
        }
        for file in manifest.extensions {
            let path = dir.join(&file.path);
            let json =
                std::fs::read_to_string(&path).map_err(|source| OpenError::Io { path, source })?;
            ev.extensions.insert(file.section.into(), json);
        }
        Ok(ev)
    }
}

/// Evaluates `rule` natively over `evidence` as of `as_of`, with parameter
/// overrides by key.
pub fn evaluate(
    rule: &Rule,
    evidence: &Evidence,
    as_of: Date,
    params: &[(&str, ParamValue)],
) -> Result<Vec<Finding>, RuleError> {
    let overrides: Vec<(String, ParamValue)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    let params = rule.resolve_params(&overrides)?;
    let mut source = NativeSource { evidence };
    let mut ctx = Ctx::new(rule, as_of, params, &mut source);
    (rule.eval)(&mut ctx)
}

struct NativeSource<'e> {
    evidence: &'e Evidence,
}

impl NativeSource<'_> {
    fn log<T: LogRecord + 'static>(
        &self,
        section: SectionKind,
    ) -> Option<Box<dyn Batches<T::Entry>>> {
        let files = self.evidence.logs.get(&section)?;
        Some(Box::new(NativeLog::<T> {
            files: files.clone().into_iter(),
            current: None,
            encoded: Vec::new(),
            _record: std::marker::PhantomData,
        }))
    }
}

impl EvidenceSource for NativeSource<'_> {
    fn bundle_info(&mut self) -> BundleInfo {
        self.evidence.info.clone()
    }

    fn document(&mut self, section: SectionKind) -> Result<Option<Vec<u8>>, SourceError> {
        // Through the encoded form, as in the sandbox: the rule decodes the
        // same bytes natively as it does in a host.
        let Some(json) = self.evidence.documents.get(&section) else {
            return Ok(None);
        };
        mizuchi_evidence::encode_document(section, json)
            .map(Some)
            .map_err(|e| SourceError::Unreadable(e.to_string()))
    }

    fn extension_json(&mut self, section: &str) -> Result<Option<String>, SourceError> {
        Ok(self.evidence.extensions.get(section).cloned())
    }

    fn auth_events(&mut self) -> Result<Option<Box<dyn Batches<AuthEntry>>>, SourceError> {
        Ok(self.log::<AuthEvent>(SectionKind::AuthEvents))
    }

    fn door_events(&mut self) -> Result<Option<Box<dyn Batches<DoorEntry>>>, SourceError> {
        Ok(self.log::<DoorEvent>(SectionKind::DoorEvents))
    }
}

/// Reads log files in order, interning each file's name before its records,
/// exactly as the host does.
struct NativeLog<T: LogRecord> {
    files: std::vec::IntoIter<LogFile>,
    current: Option<(String, LogReader<Box<dyn BufRead>>)>,
    /// The batch being made, encoded.
    encoded: Vec<u8>,
    _record: std::marker::PhantomData<T>,
}

impl<T: LogRecord> Batches<T::Entry> for NativeLog<T> {
    fn next_batch(
        &mut self,
        max: u32,
        symbols: &mut Symbols,
        out: &mut Vec<T::Entry>,
    ) -> Result<bool, SourceError> {
        loop {
            if self.current.is_none() {
                let Some(file) = self.files.next() else {
                    // The end: what is left, if anything, is the last batch.
                    decode_into(&self.encoded, out)?;
                    self.encoded.clear();
                    return Ok(!out.is_empty());
                };
                let reader: Box<dyn BufRead> = match file.data {
                    LogData::Bytes(bytes) => Box::new(Cursor::new(bytes)),
                    LogData::File(path) => Box::new(BufReader::with_capacity(
                        1 << 16,
                        File::open(&path).map_err(|e| {
                            SourceError::Unreadable(format!("{}: {e}", path.display()))
                        })?,
                    )),
                };
                let sym = symbols.intern(&file.name);
                self.current = Some((file.name, LogReader::new(reader, sym)));
            }
            let Some((name, reader)) = self.current.as_mut() else {
                continue;
            };
            match reader.next_entry::<T>(symbols) {
                Some(Ok(entry)) => entry.encode(&mut self.encoded),
                Some(Err(e)) => return Err(SourceError::Unreadable(format!("{name}: {e}"))),
                None => self.current = None,
            }
            if self.encoded.len() >= max as usize * T::Entry::SIZE {
                break;
            }
        }
        // Through the encoded form, as in the sandbox.
        decode_into(&self.encoded, out)?;
        self.encoded.clear();
        Ok(true)
    }
}
