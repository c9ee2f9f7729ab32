//! Importers: what utilities really have, turned into bundle sections, with
//! nothing dropped in silence.
//!
//! | kind | input | sections |
//! | --- | --- | --- |
//! | `sheet` | a CSV file or an `.xlsx` workbook (one sheet per table) | every document section; door events; alerts |
//! | `evtx` | a Windows `.evtx` log (Security, or System for 104) | auth-events |
//! | `windows-xml` | Event Viewer "Save as XML" | auth-events |
//! | `windows-csv` | Event Viewer "Save as CSV" | auth-events |
//! | `sshd` | OpenSSH `auth.log` / `secure`, syslog or journal | auth-events |
//! | `ad-users` | `Get-ADUser … \| Export-Csv` | accounts |
//! | `passwd` | `/etc/passwd`, with `lastlog` (and `/etc/shadow`, `/etc/group`) | accounts |
//!
//! Every import reports what it kept and what it did not use: columns no
//! table uses (by name, with how many cells held something), sheets no table
//! matches, events no rule uses (by event id and reason), what it assumed
//! (the year of a year-less log). An absent value stays absent ("not
//! recorded"). Rows that cannot be read are each reported by file, row and
//! column, in Japanese and English; by default nothing is written then, and
//! a failed import leaves the bundle as it was.
//!
//! Importing again replaces what the same input (or, for tables, the same
//! table) produced before; a file edited by hand since it was imported is
//! not overwritten unless the caller says to replace it.

mod accounts;
mod ordered;
mod sheet;
mod sshd;
pub(crate) mod text;
mod winevent;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use mizuchi_evidence::{SectionKind, Source, Text};
use serde::Serialize;

use crate::bundle::{BundleWriter, WriteError};
use mizuchi_ledger::digest::sha256_hex;
use ordered::TimeOrdered;

pub use sheet::{TemplateError, TemplateFormat, column_reference, template_tables, write_template};
pub use text::{OffsetError, parse_offset};

/// What an input file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ImportKind {
    /// A spreadsheet: a CSV file or an `.xlsx` workbook of tables.
    Sheet,
    /// A Windows event log file (`.evtx`).
    Evtx,
    /// Event Viewer's "Save as XML".
    WindowsXml,
    /// Event Viewer's "Save as CSV".
    WindowsCsv,
    /// An OpenSSH `auth.log` or `secure`.
    Sshd,
    /// Active Directory users exported with `Get-ADUser … | Export-Csv`.
    AdUsers,
    /// A Linux `/etc/passwd`.
    Passwd,
}

impl ImportKind {
    /// Every kind, in a fixed order.
    pub const ALL: [ImportKind; 7] = [
        ImportKind::Sheet,
        ImportKind::Evtx,
        ImportKind::WindowsXml,
        ImportKind::WindowsCsv,
        ImportKind::Sshd,
        ImportKind::AdUsers,
        ImportKind::Passwd,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Sheet => "sheet",
            ImportKind::Evtx => "evtx",
            ImportKind::WindowsXml => "windows-xml",
            ImportKind::WindowsCsv => "windows-csv",
            ImportKind::Sshd => "sshd",
            ImportKind::AdUsers => "ad-users",
            ImportKind::Passwd => "passwd",
        }
    }
}

/// The text was not the name of an import kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an import kind (expected one of: {names})", names = ImportKind::ALL.map(ImportKind::as_str).join(", "))]
pub struct UnknownImportKind(pub String);

impl FromStr for ImportKind {
    type Err = UnknownImportKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ImportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownImportKind(s.to_owned()))
    }
}

/// A row, line or record of an input that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The input (and sheet), as reports name it.
    pub input: String,
    /// The row or line, counting from 1; for a binary log, the byte offset
    /// of the record (see `message`); 0 when there is none.
    pub line: u64,
    /// The column, as the file's header names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// What is wrong with it.
    pub message: Text,
}

impl RowProblem {
    /// The problem in one language (`ja`, else English).
    pub fn text(&self, lang: &str) -> String {
        let ja = lang == "ja";
        let mut s = self.input.clone();
        if self.line > 0 {
            s.push_str(&if ja {
                format!(" {} 行目", self.line)
            } else {
                format!(", line {}", self.line)
            });
        }
        if let Some(c) = &self.column {
            s.push_str(&if ja {
                format!(" 列「{c}」")
            } else {
                format!(", column `{c}`")
            });
        }
        format!("{s}: {}", self.message.get(lang))
    }
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text("en"))
    }
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The UTC offset of times written without one (syslog, Event Viewer
    /// CSV, spreadsheets).
    pub utc_offset: jiff::tz::Offset,
    /// The year of a year-less syslog; without it the year is inferred from
    /// the bundle's collection date, and the report says so.
    pub year: Option<i16>,
    /// The computer or directory an export came from, when it does not say
    /// (Event Viewer CSV, `ad-users`, `passwd`).
    pub system: Option<String>,
    /// For a CSV file: the table it holds, when neither its name nor its
    /// header row tells.
    pub table: Option<String>,
    /// Import the rows that can be read and report the others, instead of
    /// importing nothing.
    pub skip_bad_rows: bool,
    /// Replace a file edited by hand since it was imported.
    pub replace: bool,
    /// Refuse an `.evtx` with a damaged chunk instead of keeping the
    /// intact ones.
    pub strict: bool,
    /// `lastlog` output, for `passwd`.
    pub lastlog: Option<PathBuf>,
    /// `/etc/shadow`, for `passwd`.
    pub shadow: Option<PathBuf>,
    /// `/etc/group`, for `passwd`.
    pub group: Option<PathBuf>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            // Japan Standard Time: where the utilities are.
            utc_offset: jiff::tz::Offset::from_seconds(9 * 3600).unwrap_or(jiff::tz::Offset::UTC),
            year: None,
            system: None,
            table: None,
            skip_bad_rows: false,
            replace: false,
            strict: false,
            lastlog: None,
            shadow: None,
            group: None,
        }
    }
}

/// A table imported from a sheet or CSV file.
#[derive(Debug, Clone, Serialize)]
pub struct TableImport {
    /// The table (`assets`).
    pub table: String,
    /// Its title.
    pub title: Text,
    /// The section it went to.
    pub section: SectionKind,
    /// The sheet, for a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Records imported.
    pub records: u64,
    /// Rows skipped as comments (starting with `#`).
    pub comments: u64,
    /// The table held records before, which this import replaced.
    pub replaced: bool,
}

/// A column no table uses.
#[derive(Debug, Clone, Serialize)]
pub struct IgnoredColumn {
    /// The sheet, for a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The header as written.
    pub header: String,
    /// Cells under it that held something.
    pub cells: u64,
}

/// Records of the input that were not imported, of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// How many.
    pub count: u64,
    /// What they are and why they were not imported.
    pub what: Text,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// What was imported.
    pub kind: ImportKind,
    /// The input file.
    pub input: PathBuf,
    /// The input's text encoding, when it is text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Tables imported (sheets and CSV files).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<TableImport>,
    /// Records written in all.
    pub records: u64,
    /// The bundle files written or updated.
    pub files: Vec<String>,
    /// The bundle already held exactly this; nothing was written.
    pub unchanged: bool,
    /// Columns no table uses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<IgnoredColumn>,
    /// Sheets no table matches.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_sheets: Vec<String>,
    /// Records or events not imported, by kind and reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
    /// What the importer assumed (the year of a year-less log…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assumed: Vec<Text>,
    /// Warnings: damaged parts that were left out, rows of child tables that
    /// went with their parent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Text>,
    /// Rows skipped because they could not be read (with `skip_bad_rows`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<RowProblem>,
}

impl ImportReport {
    fn new(kind: ImportKind, input: &Path) -> Self {
        ImportReport {
            kind,
            input: input.to_owned(),
            encoding: None,
            tables: Vec::new(),
            records: 0,
            files: Vec::new(),
            unchanged: true,
            ignored_columns: Vec::new(),
            ignored_sheets: Vec::new(),
            skipped: Vec::new(),
            assumed: Vec::new(),
            warnings: Vec::new(),
            problems: Vec::new(),
        }
    }
}

/// Why an import did not happen. Nothing was written.
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
    #[error("`{path}`: {}", .message.en)]
    /// The input is not of the kind given.
    Format {
        /// The input.
        path: PathBuf,
        /// What is wrong, in both languages.
        message: Text,
    },
    #[error("`{path}` does not say which computer or directory it came from; give its name")]
    /// An export that does not name its system, without one given.
    NoSystem {
        /// The input.
        path: PathBuf,
    },
    #[error("{}", rows_text(.path, .problems, "en"))]
    /// Rows could not be read, so nothing was imported.
    Rows {
        /// The input.
        path: PathBuf,
        /// Every row that could not be read.
        problems: Vec<RowProblem>,
    },
    #[error(
        "`{file}` was edited by hand since it was imported, and importing would replace its {}; import with replace to discard those edits, or add the edits to the spreadsheet",
        .tables.join(", ")
    )]
    /// The import would overwrite hand edits.
    Edited {
        /// The bundle file.
        file: String,
        /// The tables the import would replace.
        tables: Vec<String>,
    },
    #[error(transparent)]
    /// The bundle could not be written.
    Write(#[from] WriteError),
}

impl ImportError {
    /// The error in one language (`ja`, else English).
    pub fn text(&self, lang: &str) -> String {
        if lang != "ja" {
            return self.to_string();
        }
        match self {
            ImportError::Read { path, source } => {
                format!("`{}` を読めません: {source}", path.display())
            }
            ImportError::Format { path, message } => {
                format!("`{}`: {}", path.display(), message.ja)
            }
            ImportError::NoSystem { path } => format!(
                "`{}` はどのコンピューター・ディレクトリのものか書かれていません。名前を指定してください",
                path.display()
            ),
            ImportError::Rows { path, problems } => rows_text(path, problems, "ja"),
            ImportError::Edited { file, tables } => format!(
                "`{file}` は取り込み後に手で編集されています。取り込むと {} が置き換わります。編集を捨てるなら置き換えを指定し、残すなら編集を表計算ファイルに反映してください",
                tables.join("、")
            ),
            ImportError::Write(e) => e.to_string(),
        }
    }
}

fn rows_text(path: &Path, problems: &[RowProblem], lang: &str) -> String {
    let n = problems.len();
    let mut s = if lang == "ja" {
        format!(
            "`{}` に読めない行が {n} 件あるため、何も取り込みませんでした:",
            path.display()
        )
    } else {
        format!(
            "`{}` has {n} row{} that cannot be read, so nothing was imported:",
            path.display(),
            if n == 1 { "" } else { "s" }
        )
    };
    for p in problems.iter().take(50) {
        s.push_str(&format!("\n  {}", p.text(lang)));
    }
    if n > 50 {
        s.push_str(&if lang == "ja" {
            format!("\n  … ほか {} 件", n - 50)
        } else {
            format!("\n  … and {} more", n - 50)
        });
    }
    s
}

/// The text of an input read once into `bytes`: its encoding detected.
fn text_of(path: &Path, bytes: &[u8]) -> Result<(String, text::Encoding), ImportError> {
    text::decode(bytes).map_err(|en| ImportError::Format {
        path: path.to_owned(),
        message: Text::new(
            "UTF-8・Shift_JIS・UTF-16 のいずれとしても読めません。UTF-8 で保存してください",
            en,
        ),
    })
}

/// Records of a log read from an input, and what was left out.
#[derive(Debug)]
pub(crate) struct LogRead<T> {
    pub records: Vec<T>,
    /// Left out, by reason key: (count, description).
    pub skipped: BTreeMap<String, (u64, Text)>,
    pub assumed: Vec<Text>,
    pub warnings: Vec<Text>,
}

impl<T> Default for LogRead<T> {
    fn default() -> Self {
        LogRead {
            records: Vec::new(),
            skipped: BTreeMap::new(),
            assumed: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

impl<T> LogRead<T> {
    pub(crate) fn skip(&mut self, key: String, what: impl FnOnce() -> Text) {
        self.skipped.entry(key).or_insert_with(|| (0, what())).0 += 1;
    }
}

/// A log file name for the records of `input_digest` read with `assumed`:
/// the same input read the same way is the same file.
fn log_name(
    kind: ImportKind,
    section: SectionKind,
    input_digest: &str,
    assumed: &BTreeMap<String, String>,
) -> String {
    let options = sha256_hex(
        serde_json::to_string(assumed)
            .unwrap_or_default()
            .as_bytes(),
    );
    format!(
        "{}/{}-{}-{}.jsonl",
        section.as_str(),
        kind.as_str(),
        &input_digest[..16],
        &options[..8]
    )
}

/// Where a log being imported comes from: its importer, section and input.
pub(crate) struct LogOrigin<'a> {
    pub(crate) kind: ImportKind,
    pub(crate) section: SectionKind,
    pub(crate) input: &'a Path,
    pub(crate) input_digest: &'a str,
    /// What the import assumed (a year, an encoding…), recorded with it.
    pub(crate) assumed: BTreeMap<String, String>,
}

/// Writes a log read from `origin.input` (put in time order, stably) as one
/// bundle file, replacing what an earlier import of the same input wrote.
/// Returns the file and whether it changed.
fn write_log(
    into: &mut BundleWriter,
    origin: LogOrigin<'_>,
    records: TimeOrdered,
    replace: bool,
) -> Result<(String, bool), ImportError> {
    let LogOrigin {
        kind,
        section,
        input,
        input_digest,
        assumed,
    } = origin;
    let rel = log_name(kind, section, input_digest, &assumed);
    // Earlier imports of the same input, read with other options.
    let earlier: Vec<mizuchi_evidence::FileEntry> = into
        .manifest()
        .files
        .iter()
        .filter(|f| {
            f.kind == section
                && f.sources
                    .iter()
                    .any(|s| s.importer == kind.as_str() && s.input_sha256 == input_digest)
        })
        .cloned()
        .collect();
    for f in &earlier {
        if f.imported_sha256.as_deref() != Some(f.sha256.as_str()) && !replace {
            return Err(ImportError::Edited {
                file: f.path.clone(),
                tables: vec![section.as_str().to_owned()],
            });
        }
    }
    if earlier
        .iter()
        .any(|f| f.path == rel && f.imported_sha256.as_deref() == Some(f.sha256.as_str()))
    {
        return Ok((rel, false));
    }
    for f in &earlier {
        into.remove_file(&f.path)?;
    }
    let n = records.len();
    let mut sink = into.log_sink(section, &rel)?;
    records.drain_into(&mut sink)?;
    let source = Source {
        importer: kind.as_str().to_owned(),
        input: file_name(input),
        input_sha256: input_digest.to_owned(),
        tables: Vec::new(),
        assumed,
        records: n,
    };
    into.finish_log_from(sink, Some(vec![source]))?;
    Ok((rel, true))
}

/// The file name of `path`, as sources record it.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Imports `input` of the given kind into the bundle `into` (not committed:
/// call [`BundleWriter::commit`]; a writer dropped without committing leaves
/// the bundle as it was).
pub fn import(
    kind: ImportKind,
    input: &Path,
    into: &mut BundleWriter,
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let read_err = |source| ImportError::Read {
        path: input.to_owned(),
        source,
    };
    let mut report = ImportReport::new(kind, input);
    let format = |message: Text| ImportError::Format {
        path: input.to_owned(),
        message,
    };
    let mut problems = Vec::new();
    let label = file_name(input);
    if kind == ImportKind::Evtx {
        // A log can be larger than memory: read it as a stream, hashing the
        // very bytes the records are read from.
        let file = mizuchi_ledger::files::open_regular_nofollow(input).map_err(read_err)?;
        let mut hashing = HashingReader::new(std::io::BufReader::with_capacity(1 << 20, file));
        let mut kept = TimeOrdered::default();
        let read = winevent::read_evtx(
            &mut hashing,
            &label,
            options.strict,
            &mut problems,
            &mut kept,
        )
        .map_err(|e| match e {
            winevent::EvtxError::Format(message) => format(message),
            winevent::EvtxError::Read(source) => read_err(source),
            winevent::EvtxError::Write(e) => ImportError::Write(e),
        })?;
        let digest = hashing.finish().map_err(read_err)?;
        return finish_log_import(
            into,
            options,
            report,
            problems,
            read,
            kept,
            LogOrigin {
                kind,
                section: SectionKind::AuthEvents,
                input,
                input_digest: &digest,
                assumed: BTreeMap::new(),
            },
        );
    }
    // Read once: the digest that names the imported file and the records in
    // it come from the same bytes.
    let raw = sheet::read_input(input).map_err(read_err)?;
    let digest = sha256_hex(&raw);
    match kind {
        ImportKind::Sheet => {
            sheet::import(input, &raw, &digest, into, options, &mut report)?;
            return Ok(report);
        }
        ImportKind::AdUsers | ImportKind::Passwd => {
            accounts::import(kind, input, &raw, &digest, into, options, &mut report)?;
            return Ok(report);
        }
        _ => {}
    }
    let mut assumed = BTreeMap::new();
    let read = match kind {
        ImportKind::WindowsXml => {
            let (text, enc) = text_of(input, &raw)?;
            report.encoding = Some(enc.name().to_owned());
            winevent::read_xml(&text).map_err(format)?
        }
        ImportKind::WindowsCsv => {
            let Some(system) = options.system.as_deref() else {
                return Err(ImportError::NoSystem {
                    path: input.to_owned(),
                });
            };
            let (text, enc) = text_of(input, &raw)?;
            report.encoding = Some(enc.name().to_owned());
            assumed.insert("system".to_owned(), system.to_owned());
            assumed.insert("utc_offset".to_owned(), options.utc_offset.to_string());
            winevent::read_csv(&text, &label, system, options.utc_offset, &mut problems)
                .map_err(format)?
        }
        ImportKind::Sshd => {
            let (text, enc) = text_of(input, &raw)?;
            report.encoding = Some(enc.name().to_owned());
            let dating = sshd::Dating {
                year: options.year,
                collected_on: into.manifest().collected_on,
                offset: options.utc_offset,
            };
            let read = sshd::read(&text, &label, &dating, &mut problems);
            if let Some(year) = read.year_assumed {
                assumed.insert("year".to_owned(), year.to_string());
            } else if let Some(year) = options.year {
                assumed.insert("year".to_owned(), year.to_string());
            }
            if read.syslog {
                assumed.insert("utc_offset".to_owned(), options.utc_offset.to_string());
            }
            read.log
        }
        ImportKind::Sheet | ImportKind::AdUsers | ImportKind::Passwd | ImportKind::Evtx => {
            unreachable_kind(kind)?
        }
    };
    // Text logs are decoded whole; their records go in order the same way.
    let mut kept = TimeOrdered::default();
    let mut read = read;
    for r in std::mem::take(&mut read.records) {
        kept.push(r.time, &r)?;
    }
    let origin = LogOrigin {
        kind,
        section: SectionKind::AuthEvents,
        input,
        input_digest: &digest,
        assumed,
    };
    finish_log_import(into, options, report, problems, read, kept, origin)
}

/// The end of every log import: refuses unreadable records (unless told to
/// skip them), reports what was left out, and writes the kept records.
fn finish_log_import(
    into: &mut BundleWriter,
    options: &ImportOptions,
    mut report: ImportReport,
    problems: Vec<RowProblem>,
    read: LogRead<mizuchi_evidence::AuthEvent>,
    kept: TimeOrdered,
    origin: LogOrigin<'_>,
) -> Result<ImportReport, ImportError> {
    if !problems.is_empty() && !options.skip_bad_rows {
        return Err(ImportError::Rows {
            path: origin.input.to_owned(),
            problems,
        });
    }
    report.problems = problems;
    report.skipped = read
        .skipped
        .into_values()
        .map(|(count, what)| Skipped { count, what })
        .collect();
    report.assumed = read.assumed;
    report.warnings = read.warnings;
    report.records = kept.len();
    let (file, changed) = write_log(into, origin, kept, options.replace)?;
    report.files.push(file);
    report.unchanged = !changed;
    Ok(report)
}

/// A reader that hashes (SHA-256) every byte read through it.
struct HashingReader<R> {
    inner: R,
    hasher: sha2::Sha256,
}

impl<R: std::io::Read> HashingReader<R> {
    fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: <sha2::Sha256 as sha2::Digest>::new(),
        }
    }

    /// The hex digest of every byte read, after reading the rest to the end
    /// (so that the digest names the whole input, as a digest of the file
    /// read at once would).
    fn finish(mut self) -> Result<String, std::io::Error> {
        std::io::copy(&mut self, &mut std::io::sink())?;
        Ok(hex::encode(sha2::Digest::finalize(self.hasher)))
    }
}

impl<R: std::io::Read> std::io::Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        sha2::Digest::update(&mut self.hasher, &buf[..n]);
        Ok(n)
    }
}

/// Kinds handled before the match that calls this never reach it.
fn unreachable_kind(kind: ImportKind) -> Result<LogRead<mizuchi_evidence::AuthEvent>, ImportError> {
    Err(ImportError::Format {
        path: PathBuf::new(),
        message: Text::new(
            format!("{} はこの方法では取り込めません", kind.as_str()),
            format!("{} is not imported this way", kind.as_str()),
        ),
    })
}

/// Runs the reader of `kind` over `data` as an import would, without a
/// bundle: what the fuzz targets exercise.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_parse(kind: ImportKind, data: &[u8], options: &ImportOptions) {
    let mut problems = Vec::new();
    let collected = jiff::civil::date(2026, 11, 27);
    let text = || text::decode(data).ok().map(|(t, _)| t);
    match kind {
        ImportKind::Sheet => sheet::fuzz_parse(data, options, &mut problems),
        ImportKind::Evtx => {
            let mut kept = TimeOrdered::default();
            let _ = winevent::read_evtx(data, "input", options.strict, &mut problems, &mut kept);
        }
        ImportKind::WindowsXml => {
            if let Some(t) = text() {
                let _ = winevent::read_xml(&t);
            }
        }
        ImportKind::WindowsCsv => {
            if let Some(t) = text() {
                let _ =
                    winevent::read_csv(&t, "input", "HOST-01", options.utc_offset, &mut problems);
            }
        }
        ImportKind::Sshd => {
            if let Some(t) = text() {
                let dating = sshd::Dating {
                    year: options.year,
                    collected_on: collected,
                    offset: options.utc_offset,
                };
                let _ = sshd::read(&t, "input", &dating, &mut problems);
            }
        }
        ImportKind::AdUsers | ImportKind::Passwd => {
            if let Some(t) = text() {
                accounts::fuzz_parse(kind, &t, &mut problems);
            }
        }
    }
}
