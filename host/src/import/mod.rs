//! Importers: what utilities really have, turned into bundle sections.
//!
//! | kind | input | section |
//! | --- | --- | --- |
//! | `inventory-csv` | asset list saved from a spreadsheet | inventory (merged by asset id) |
//! | `evtx` | Windows Security `.evtx` | auth-events |
//! | `windows-xml` | Event Viewer "Save as XML" | auth-events |
//! | `windows-csv` | Event Viewer "Save as CSV" | auth-events |
//! | `sshd` | OpenSSH `auth.log` / `secure` | auth-events |
//! | `door-csv` | door-controller export | door-events |
//! | `backup-csv` | backup job report | backups (merged) |
//!
//! Importing is idempotent: a log imported twice is the same file (named by
//! the digest of its input), a merged document that does not change is not
//! rewritten. Rows that cannot be read are each reported by line and column;
//! by default nothing is written then.

mod backup_csv;
mod door_csv;
mod inventory_csv;
mod sshd;
mod table;
mod text;
mod winevent;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use mizuchi_evidence::{AuthEvent, Backups, DoorEvent, Inventory, SectionKind, Timestamp};
use serde::Serialize;

use crate::bundle::{BundleWriter, WriteError};
use mizuchi_ledger::digest::sha256_hex;

pub use text::{OffsetError, parse_offset};

/// What an input file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ImportKind {
    /// An asset list saved from a spreadsheet as CSV.
    InventoryCsv,
    /// A Windows event log file (`.evtx`).
    Evtx,
    /// Event Viewer's "Save as XML".
    WindowsXml,
    /// Event Viewer's "Save as CSV".
    WindowsCsv,
    /// An OpenSSH `auth.log` or `secure`.
    Sshd,
    /// A door controller's CSV export.
    DoorCsv,
    /// A backup job report as CSV.
    BackupCsv,
}

impl ImportKind {
    /// Every kind, in a fixed order.
    pub const ALL: [ImportKind; 7] = [
        ImportKind::InventoryCsv,
        ImportKind::Evtx,
        ImportKind::WindowsXml,
        ImportKind::WindowsCsv,
        ImportKind::Sshd,
        ImportKind::DoorCsv,
        ImportKind::BackupCsv,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::InventoryCsv => "inventory-csv",
            ImportKind::Evtx => "evtx",
            ImportKind::WindowsXml => "windows-xml",
            ImportKind::WindowsCsv => "windows-csv",
            ImportKind::Sshd => "sshd",
            ImportKind::DoorCsv => "door-csv",
            ImportKind::BackupCsv => "backup-csv",
        }
    }
}

impl FromStr for ImportKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ImportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "`{s}` is not an import kind (expected one of: {})",
                    ImportKind::ALL.map(ImportKind::as_str).join(", ")
                )
            })
    }
}

/// A row or line of the input that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// 1-based line of the input (0 when the input has no lines, as in `.evtx`).
    pub line: u64,
    /// The column, as the file names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// What is wrong with it.
    pub message: String,
}

impl RowProblem {
    pub(crate) fn new(line: u64, column: Option<String>, message: String) -> Self {
        RowProblem {
            line,
            column,
            message,
        }
    }
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}", self.line)?;
        } else {
            f.write_str("a record")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column `{c}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The UTC offset of times written without one (syslog, Event Viewer CSV, door and backup exports).
    pub utc_offset: jiff::tz::Offset,
    /// The year of syslog lines; by default from the bundle's collection date.
    pub year: Option<i16>,
    /// The computer an Event Viewer CSV export came from (the export does not say).
    pub system: Option<String>,
    /// Import the rows that can be read and report the others, instead of importing nothing.
    pub skip_bad_rows: bool,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            // Japan Standard Time: where the utilities are.
            utc_offset: jiff::tz::Offset::from_seconds(9 * 3600).unwrap_or(jiff::tz::Offset::UTC),
            year: None,
            system: None,
            skip_bad_rows: false,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// What was imported.
    pub kind: ImportKind,
    /// The input file.
    pub input: PathBuf,
    /// The bundle file written or updated.
    pub file: String,
    /// Records read from the input.
    pub records: u64,
    /// The bundle already held exactly this; nothing was written.
    pub unchanged: bool,
    /// Rows skipped (with `skip_bad_rows`).
    pub problems: Vec<RowProblem>,
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("cannot read `{path}`: {source}")]
    /// The input could not be read.
    Read {
        /// The input.
        path: PathBuf,
        #[source]
        /// Why.
        source: std::io::Error,
    },
    #[error("`{path}`: {message}")]
    /// The input is not of the kind given.
    Format {
        /// The input.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    #[error(
        "`{0}` is an Event Viewer CSV export, which does not say which computer it came from; give the computer's host name"
    )]
    /// An Event Viewer CSV export without the computer's name.
    NoSystem(PathBuf),
    #[error("{}", rows_text(.path, .problems))]
    /// Rows could not be read, so nothing was imported.
    Rows {
        /// The input.
        path: PathBuf,
        /// Every row that could not be read.
        problems: Vec<RowProblem>,
    },
    #[error(transparent)]
    /// The bundle could not be written.
    Write(#[from] WriteError),
}

fn rows_text(path: &Path, problems: &[RowProblem]) -> String {
    let mut s = format!(
        "`{}` has {} row{} that cannot be read, so nothing was imported:",
        path.display(),
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems.iter().take(50) {
        s.push_str(&format!("\n  {p}"));
    }
    if problems.len() > 50 {
        s.push_str(&format!("\n  … and {} more", problems.len() - 50));
    }
    s
}

/// The text of an input read once into `bytes`: its encoding detected.
fn text_of(path: &Path, bytes: &[u8]) -> Result<String, ImportError> {
    text::decode(bytes)
        .map(|(s, _)| s)
        .map_err(|message| ImportError::Format {
            path: path.to_owned(),
            message,
        })
}

/// Writes `records`, sorted by time (stable), as a log file named by the
/// digest of the input; nothing is written if the bundle already has it.
fn write_log<T: Serialize>(
    into: &mut BundleWriter,
    kind: ImportKind,
    section: SectionKind,
    input_digest: &str,
    mut records: Vec<T>,
    time: impl Fn(&T) -> Timestamp,
) -> Result<(String, bool), WriteError> {
    let rel = format!(
        "{}/{}-{}.jsonl",
        section.as_str(),
        kind.as_str(),
        &input_digest[..16]
    );
    if into.has_file(&rel) {
        return Ok((rel, true));
    }
    records.sort_by_key(|r| time(r));
    let mut sink = into.log_sink(section, &rel)?;
    for r in &records {
        sink.push(r)?;
    }
    into.finish_log(sink)?;
    Ok((rel, false))
}

/// What an input holds, parsed.
pub(crate) enum Parsed {
    Auth(Vec<AuthEvent>),
    Door(Vec<DoorEvent>),
    Inventory(Vec<mizuchi_evidence::Asset>),
    Backups(Vec<mizuchi_evidence::BackupRun>),
}

/// Parses the bytes `raw` of `input` (read once) as `kind`; rows that cannot
/// be read are added to `problems`.
pub(crate) fn parse(
    kind: ImportKind,
    input: &Path,
    raw: &[u8],
    options: &ImportOptions,
    collected_on: mizuchi_evidence::Date,
    problems: &mut Vec<RowProblem>,
) -> Result<Parsed, ImportError> {
    let format = |message: String| ImportError::Format {
        path: input.to_owned(),
        message,
    };
    let parsed = match kind {
        ImportKind::InventoryCsv => {
            Parsed::Inventory(inventory_csv::read(&text_of(input, raw)?, problems).map_err(format)?)
        }
        ImportKind::Evtx => {
            let events = winevent::read_evtx(raw.to_vec(), problems).map_err(format)?;
            Parsed::Auth(
                events
                    .iter()
                    .filter_map(winevent::WinEvent::to_auth)
                    .collect(),
            )
        }
        ImportKind::WindowsXml => {
            let events = winevent::read_xml(&text_of(input, raw)?).map_err(format)?;
            Parsed::Auth(
                events
                    .iter()
                    .filter_map(winevent::WinEvent::to_auth)
                    .collect(),
            )
        }
        ImportKind::WindowsCsv => {
            let Some(system) = options.system.as_deref() else {
                return Err(ImportError::NoSystem(input.to_owned()));
            };
            let events =
                winevent::read_csv(&text_of(input, raw)?, system, options.utc_offset, problems)
                    .map_err(format)?;
            Parsed::Auth(
                events
                    .iter()
                    .filter_map(winevent::WinEvent::to_auth)
                    .collect(),
            )
        }
        ImportKind::Sshd => {
            let dating = sshd::Dating {
                year: options.year,
                collected_on,
                offset: options.utc_offset,
            };
            Parsed::Auth(sshd::read(&text_of(input, raw)?, &dating, problems))
        }
        ImportKind::DoorCsv => Parsed::Door(
            door_csv::read(&text_of(input, raw)?, options.utc_offset, problems).map_err(format)?,
        ),
        ImportKind::BackupCsv => Parsed::Backups(
            backup_csv::read(&text_of(input, raw)?, options.utc_offset, problems)
                .map_err(format)?,
        ),
    };
    Ok(parsed)
}

/// Imports `input` of the given kind into the bundle `into` (not committed:
/// call [`BundleWriter::commit`]).
pub fn import(
    kind: ImportKind,
    input: &Path,
    into: &mut BundleWriter,
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let mut problems = Vec::new();
    // Read once: the digest that names the imported file and the records in
    // it come from the same bytes.
    let raw = mizuchi_ledger::files::read(input).map_err(|source| ImportError::Read {
        path: input.to_owned(),
        source,
    })?;
    let digest = sha256_hex(&raw);
    let parsed = parse(
        kind,
        input,
        &raw,
        options,
        into.manifest().collected_on,
        &mut problems,
    )?;
    if !problems.is_empty() && !options.skip_bad_rows {
        return Err(ImportError::Rows {
            path: input.to_owned(),
            problems,
        });
    }
    let (file, records, unchanged) = match parsed {
        Parsed::Auth(events) => {
            let n = events.len() as u64;
            let (rel, same) =
                write_log(into, kind, SectionKind::AuthEvents, &digest, events, |e| {
                    e.time
                })?;
            (rel, n, same)
        }
        Parsed::Door(events) => {
            let n = events.len() as u64;
            let (rel, same) =
                write_log(into, kind, SectionKind::DoorEvents, &digest, events, |e| {
                    e.time
                })?;
            (rel, n, same)
        }
        Parsed::Inventory(assets) => {
            let mut inv: Inventory = into.document()?.unwrap_or_default();
            let n = inventory_csv::merge(&mut inv, assets) as u64;
            let changed = into.put_document(&inv)?;
            (document_path(into, SectionKind::Inventory), n, !changed)
        }
        Parsed::Backups(runs) => {
            let n = runs.len() as u64;
            let mut b: Backups = into.document()?.unwrap_or_default();
            backup_csv::merge(&mut b, runs);
            let changed = into.put_document(&b)?;
            (document_path(into, SectionKind::Backups), n, !changed)
        }
    };
    Ok(ImportReport {
        kind,
        input: input.to_owned(),
        file,
        records,
        unchanged,
        problems,
    })
}

fn document_path(into: &BundleWriter, kind: SectionKind) -> String {
    into.manifest()
        .files
        .iter()
        .find(|f| f.kind == kind)
        .map(|f| f.path.clone())
        .unwrap_or_default()
}
