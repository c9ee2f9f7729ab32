//! Validation of an evidence bundle: the one place that decides whether
//! evidence is usable, for `mizuchi evidence validate` and for every command
//! that opens a bundle.
//!
//! In order: the manifest (strict JSON, its schema, the format and version),
//! then each listed file (no symbolic links, no path leaving the bundle, the
//! SHA-256 of the very bytes that are then parsed, UTF-8, strict JSON, the
//! section's schema, the typed model), then references between sections.
//! Documents are checked on every core; their problems are still listed in
//! manifest order.
//! Every problem is collected, with its file, line and JSON path. A quick
//! check hashes and counts event logs without parsing them; a full check
//! parses and checks every line, in constant memory.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use mizuchi_evidence::{
    AuthEvent, DoorEvent, ExtensionName, FORMAT_NAME, FORMAT_VERSION, FileEntry, Manifest,
    SectionKind, SectionShape, Text,
};
use serde::de::DeserializeOwned;

use super::problem::{Problem, Problems};
use super::refs::{Documents, LogRefs};
use super::{DocumentFile, ExtensionFile, LogFile, MANIFEST};
use crate::extension::ExtensionSection;
use crate::json::{Doc, parse_strict, pointer_to_path};
use crate::schema::{Validator, Validators};
use mizuchi_ledger::digest::{HashingReader, sha256_hex};

/// How deep to check event logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Depth<'a> {
    /// Open the bundle for evaluation: hash every log; parse the logs of
    /// these sections into spools from the same read; count the others' lines.
    Open { spool: &'a [SectionKind] },
    /// Parse and check every log line.
    Full,
}

/// What one log file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LogStats {
    /// Lines that are records.
    pub records: u64,
    /// The earliest event.
    pub first: Option<mizuchi_evidence::Timestamp>,
    /// The latest event.
    pub last: Option<mizuchi_evidence::Timestamp>,
    /// Records per kind (`logon-success`, `granted`, ...).
    pub kinds: BTreeMap<String, u64>,
    /// Records per Windows event id, for authentication logs.
    pub event_ids: BTreeMap<u32, u64>,
}

/// The outcome of a validation.
#[derive(Debug)]
pub struct Validation {
    /// Every problem, errors and warnings, in file order.
    pub problems: Vec<Problem>,
    /// Statistics of each log file, by path (full checks only).
    pub logs: BTreeMap<String, LogStats>,
    pub(crate) opened: Option<Opened>,
}

impl Validation {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == super::Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }

    /// No errors: the bundle can be used.
    pub fn is_valid(&self) -> bool {
        self.errors() == 0
    }

    /// The bundle lists extension sections (`x-…`), which only the packs
    /// defining them can check ([`Validation::check_extensions`]).
    pub fn has_extensions(&self) -> bool {
        self.opened
            .as_ref()
            .is_some_and(|o| !o.extensions.is_empty())
    }

    /// Checks the bundle's extension sections against the schemas of the
    /// packs that define them (given with each pack's name) and adds what
    /// it finds to the problems. A bundle with other errors is not checked
    /// further: fix those first.
    pub fn check_extensions(&mut self, definitions: &[(&str, &ExtensionSection)]) {
        let Some(opened) = &self.opened else {
            return;
        };
        let found = extension_problems(&opened.extensions, definitions);
        self.problems.extend(found);
        if !self.is_valid() {
            self.opened = None;
        }
    }
}

/// A bundle's verified contents.
#[derive(Debug)]
pub(crate) struct Opened {
    pub root: PathBuf,
    pub manifest: Manifest,
    pub digest: String,
    pub documents: BTreeMap<SectionKind, DocumentFile>,
    pub extensions: BTreeMap<ExtensionName, ExtensionFile>,
    pub logs: BTreeMap<SectionKind, Vec<LogFile>>,
    /// The log sections parsed into spools while opening.
    pub spools: BTreeMap<SectionKind, super::spool::Spool>,
    /// Holds an extracted archive for as long as the bundle is open.
    pub _extracted: Option<tempfile::TempDir>,
}

fn t(ja: impl Into<String>, en: impl Into<String>) -> Text {
    Text::new(ja, en)
}

/// A serde_json error as a problem at the position it names (`line`, for one
/// line of a log, is that line's number), its message after `lead`.
fn serde_problem(
    file: &str,
    line: Option<u64>,
    path: Option<String>,
    e: &serde_json::Error,
    lead: (&str, &str),
) -> Problem {
    // serde_json appends " at line L column C"; we report those as fields.
    let msg = e.to_string();
    let bare = msg
        .rsplit_once(" at line ")
        .map_or(msg.as_str(), |(m, _)| m);
    Problem {
        severity: super::Severity::Error,
        file: file.to_owned(),
        line: Some(line.unwrap_or(e.line() as u64)),
        column: Some(e.column() as u64),
        path,
        message: t(format!("{}{bare}", lead.0), format!("{}{bare}", lead.1)),
    }
}

/// A JSON syntax or strictness error as a problem.
fn json_problem(file: &str, line_offset: Option<u64>, e: &serde_json::Error) -> Problem {
    let lead = ("JSONとして読めません: ", "not valid JSON: ");
    serde_problem(file, line_offset, None, e, lead)
}

/// Schema errors of one value, as problems.
fn schema_problems(
    out: &mut Problems,
    file: &str,
    line: Option<u64>,
    validator: &Validator,
    value: &Doc<'_>,
) -> bool {
    let mut ok = true;
    for e in validator.iter_errors(value) {
        ok = false;
        let path = pointer_to_path(e.instance_path().as_str());
        let en = e.to_string();
        let ja = match e.kind() {
            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                format!(
                    "定義されていない項目です: {}（綴りを確認してください）",
                    unexpected.join(", ")
                )
            }
            jsonschema::error::ValidationErrorKind::Required { property } => {
                format!("必須項目 {property} がありません")
            }
            jsonschema::error::ValidationErrorKind::Type { .. } => format!("型が違います: {en}"),
            jsonschema::error::ValidationErrorKind::Enum { .. } => {
                format!("許される値ではありません: {en}")
            }
            jsonschema::error::ValidationErrorKind::Format { format } => {
                format!("{format} の形式ではありません: {en}")
            }
            _ => format!("スキーマに適合しません: {en}"),
        };
        let (ja, en) = match e.kind() {
            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => (
                ja,
                format!(
                    "unknown field {} (check its spelling against the schema)",
                    unexpected
                        .iter()
                        .map(|u| format!("`{u}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            jsonschema::error::ValidationErrorKind::Enum { options } => {
                let list = options
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|v| {
                                v.as_str()
                                    .map_or_else(|| v.to_string(), |s| format!("`{s}`"))
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                let got = e.instance();
                (
                    format!("{got} は許される値ではありません。次のいずれかです: {list}"),
                    format!("{got} is not one of: {list}"),
                )
            }
            _ => (ja, en),
        };
        out.error(file, line, Some(path), t(ja, en));
    }
    ok
}

/// Reads JSON text that passed its checks into its type; `None` with the
/// problem reported, at its JSON path and position (for one line of a log,
/// `line` is that line's number).
pub(super) fn typed<T: DeserializeOwned>(
    out: &mut Problems,
    file: &str,
    line: Option<u64>,
    text: &str,
) -> Option<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => Some(v),
        Err(e) => {
            let path = Some(format!("$.{}", e.path()));
            let lead = ("内容が不正です: ", "");
            out.push(serde_problem(file, line, path, e.inner(), lead));
            None
        }
    }
}

/// Reads a file once, refusing a symbolic link at its last component.
fn read_file(out: &mut Problems, rel: &str, full: &Path) -> Option<Vec<u8>> {
    super::read_regular(full)
        .map_err(|e| file_problem(out, rel, e))
        .ok()
}

/// The size of a listed file this opening does not read: it must be there,
/// a regular file, whether or not the run reads it (a missing file is an
/// error, never a file that was not needed).
fn present(out: &mut Problems, rel: &str, full: &Path) -> Option<u64> {
    super::open_regular(full)
        .and_then(|f| {
            f.metadata().map_err(|source| super::BundleError::Io {
                path: full.to_owned(),
                source,
            })
        })
        .map(|m| m.len())
        .map_err(|e| file_problem(out, rel, e))
        .ok()
}

/// Why a listed file cannot be read, as a problem of `rel`.
fn file_problem(out: &mut Problems, rel: &str, e: super::BundleError) {
    match e {
        super::BundleError::Symlink { .. } => {
            out.error(
                rel,
                None,
                None,
                t(
                    "シンボリックリンクです。バンドルにはファイルそのものを入れてください",
                    "is a symbolic link; a bundle must hold the file itself (copy it in)",
                ),
            );
        }
        super::BundleError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            out.error(rel, None, None, t(
                "マニフェストに記載されていますが、ファイルがありません",
                "is listed in the manifest but missing; add the file or remove it from the manifest",
            ));
        }
        super::BundleError::Io { source, .. } => {
            out.error(
                rel,
                None,
                None,
                t(
                    format!("読めません: {source}"),
                    format!("cannot be read: {source}"),
                ),
            );
        }
        e => {
            out.error(
                rel,
                None,
                None,
                t(format!("読めません: {e}"), format!("cannot be read: {e}")),
            );
        }
    }
}

fn digest_problem(out: &mut Problems, rel: &str, expected: &str, actual: &str) {
    out.error(rel, None, None, t(
        format!("ダイジェストが一致しません（マニフェスト {expected}、実際 {actual}）。ファイルを取り込み直すか元に戻してください"),
        format!("does not match its digest (manifest {expected}, file {actual}); re-import the file or restore it"),
    ));
}

/// The full path of a file the manifest lists at `at` (`$.files[3]`), or
/// `None` with the problem reported: a path that is not plain, leaves the
/// bundle or goes through a symbolic link.
fn join_listed(out: &mut Problems, root: &Path, rel: &str, at: &str) -> Option<PathBuf> {
    match super::safe_join(root, rel) {
        Ok(f) => Some(f),
        Err(super::BundleError::Symlink { path }) => {
            out.error(rel, None, None, t(
                format!("シンボリックリンク（{}）を経由しています。ファイルそのものを入れてください", path.display()),
                format!("goes through a symbolic link ({}); a bundle must hold its files itself", path.display()),
            ));
            None
        }
        Err(super::BundleError::NotPlain { plain, .. }) => {
            out.error(MANIFEST, None, Some(format!("{at}.path")), t(
                format!("`{rel}` は単純なパスではありません（`/` で区切った空でない名前だけで、`.` や `\\` は使えません）。`{plain}` と記載してください"),
                format!("`{rel}` is not a plain path inside the bundle (non-empty names separated by single `/`, no `.`, no `\\`); list it as `{plain}`"),
            ));
            None
        }
        Err(_) => {
            out.error(MANIFEST, None, Some(format!("{at}.path")), t(
                format!("`{rel}` はバンドルの外を指しています。バンドルからの相対パスで、`..` を使わずに記載してください"),
                format!("`{rel}` points outside the bundle; list files by paths relative to the bundle root, without `..`"),
            ));
            None
        }
    }
}

/// Reads the files of extension sections: their digest, UTF-8 and strict
/// JSON, an object at the top. Their schema is the defining pack's, which
/// a bundle alone does not know: [`extension_problems`] checks it.
fn extension_files(
    out: &mut Problems,
    root: &Path,
    manifest: &Manifest,
    seen_paths: &BTreeMap<&str, usize>,
) -> BTreeMap<ExtensionName, ExtensionFile> {
    let mut files: BTreeMap<ExtensionName, ExtensionFile> = BTreeMap::new();
    let mut paths: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, entry) in manifest.extensions.iter().enumerate() {
        let at = format!("$.extensions[{i}]");
        if seen_paths.contains_key(entry.path.as_str()) || paths.insert(&entry.path, i).is_some() {
            out.error(
                MANIFEST,
                None,
                Some(at),
                t(
                    format!("`{}` がマニフェストに2回記載されています", entry.path),
                    format!("`{}` is listed twice in the manifest", entry.path),
                ),
            );
            continue;
        }
        if let Some(first) = files.get(&entry.section) {
            out.error(
                MANIFEST,
                None,
                Some(at),
                t(
                    format!(
                        "区分 {} が `{}` と `{}` の両方にあります。拡張区分はファイル1つです",
                        entry.section, first.path, entry.path
                    ),
                    format!(
                        "section `{}` is in both `{}` and `{}`; an extension section has one file",
                        entry.section, first.path, entry.path
                    ),
                ),
            );
            continue;
        }
        let Some(full) = join_listed(out, root, &entry.path, &at) else {
            continue;
        };
        let Some(bytes) = read_file(out, &entry.path, &full) else {
            continue;
        };
        let expected = entry.sha256.to_ascii_lowercase();
        let actual = sha256_hex(&bytes);
        if actual != expected {
            digest_problem(out, &entry.path, &expected, &actual);
            continue;
        }
        let Ok(text) = std::str::from_utf8(&bytes) else {
            out.error(
                &entry.path,
                None,
                None,
                t(
                    "UTF-8ではありません。UTF-8で保存し直してください",
                    "is not UTF-8; save it as UTF-8",
                ),
            );
            continue;
        };
        let doc = match parse_strict(text) {
            Ok(doc) => doc,
            Err(e) => {
                out.push(json_problem(&entry.path, None, &e));
                continue;
            }
        };
        let json = doc.to_value();
        if !json.is_object() {
            out.error(
                &entry.path,
                None,
                Some("$".into()),
                t(
                    "拡張区分の文書は JSON オブジェクト（{ … }）でなければなりません",
                    "an extension section's document must be a JSON object (`{ … }`)",
                ),
            );
            continue;
        }
        files.insert(
            entry.section.clone(),
            ExtensionFile {
                path: entry.path.clone(),
                sha256: expected,
                json: json.to_string().into(),
            },
        );
    }
    files
}

/// Checks extension files against the schemas of the packs that define
/// them. A file no given pack defines is a warning: nothing checks it, and
/// no rule of these packs reads it.
pub(super) fn extension_problems(
    files: &BTreeMap<ExtensionName, ExtensionFile>,
    definitions: &[(&str, &ExtensionSection)],
) -> Vec<Problem> {
    let mut out = Problems::default();
    for (name, file) in files {
        let Some((pack, def)) = definitions.iter().find(|(_, d)| &d.section == name) else {
            out.warning(&file.path, None, None, t(
                format!("区分 `{name}` を定義するルールパックがインストールされていないため、内容は検査されず、どのルールも読みません"),
                format!("no installed rule pack defines section `{name}`: its contents are not checked and no rule reads them; install the pack that defines it"),
            ));
            continue;
        };
        let validator = match crate::schema::extension_validator(&def.schema) {
            Ok(v) => v,
            Err(e) => {
                out.error(&file.path, None, None, t(
                    format!("ルールパック `{pack}` の区分 `{name}` のスキーマが使えません: {e}"),
                    format!("the schema of section `{name}` in rule pack `{pack}` cannot be used: {e}"),
                ));
                continue;
            }
        };
        match parse_strict(&file.json) {
            Ok(doc) => {
                schema_problems(&mut out, &file.path, None, &validator, &doc);
            }
            Err(e) => out.push(json_problem(&file.path, None, &e)),
        }
    }
    out.finish()
}

/// Checks the bundle at `path` (a directory, or a `.tar` archive of one).
pub(crate) fn check(path: &Path, depth: Depth<'_>) -> Validation {
    let mut out = Problems::default();
    let bundle_name = path.display().to_string();
    let (root, extracted) = if path.is_file() {
        match super::archive::extract(path, &mut out) {
            Some(dir) => (dir.path().to_path_buf(), Some(dir)),
            None => return finish(out, BTreeMap::new(), None),
        }
    } else {
        (path.to_path_buf(), None)
    };

    // The manifest.
    let manifest_path = root.join(MANIFEST);
    if !manifest_path.exists() && !manifest_path.is_symlink() {
        out.error(&bundle_name, None, None, t(
            format!("{MANIFEST} がありません。バンドルのディレクトリを指定するか、先にバンドルを作成してください"),
            format!("has no {MANIFEST}; point at a bundle directory, or create the bundle first"),
        ));
        return finish(out, BTreeMap::new(), None);
    }
    let Some(bytes) = read_file(&mut out, MANIFEST, &manifest_path) else {
        return finish(out, BTreeMap::new(), None);
    };
    let digest = sha256_hex(&bytes);
    let manifest = match std::str::from_utf8(&bytes) {
        Err(e) => {
            out.error(
                MANIFEST,
                None,
                None,
                t(
                    format!("UTF-8ではありません: {e}"),
                    format!("is not UTF-8: {e}"),
                ),
            );
            None
        }
        Ok(text) => match parse_strict(text) {
            Err(e) => {
                out.push(json_problem(MANIFEST, None, &e));
                None
            }
            Ok(value) => {
                if schema_problems(&mut out, MANIFEST, None, Validators::manifest(), &value) {
                    typed::<Manifest>(&mut out, MANIFEST, None, text)
                } else {
                    None
                }
            }
        },
    };
    let Some(manifest) = manifest else {
        return finish(out, BTreeMap::new(), None);
    };
    if manifest.format != FORMAT_NAME {
        out.error(
            MANIFEST,
            None,
            Some("$.format".into()),
            t(
                format!(
                    "形式 `{}` は証跡バンドルではありません（`{FORMAT_NAME}` が必要です）",
                    manifest.format
                ),
                format!(
                    "format `{}` is not an evidence bundle (expected `{FORMAT_NAME}`)",
                    manifest.format
                ),
            ),
        );
    }
    let ours = semver::Version::parse(FORMAT_VERSION).ok();
    match (semver::Version::parse(&manifest.format_version), ours) {
        (Ok(v), Some(ours)) if v.major == ours.major && v.minor > ours.minor => {
            out.warning(MANIFEST, None, Some("$.format_version".into()), t(
                format!("形式 {v} はこの mizuchi（{ours}）より新しく、新しい項目は検査されません。mizuchi を更新してください"),
                format!("format {v} is newer than this mizuchi ({ours}) reads; newer fields are not checked; upgrade mizuchi"),
            ));
        }
        (Ok(v), Some(ours)) if v.major == ours.major => {}
        (Ok(v), Some(ours)) if v.major < ours.major => out.error(MANIFEST, None, Some("$.format_version".into()), t(
            format!("形式 {v} は古い形式です（この mizuchi は {FORMAT_VERSION} 系を読みます）。`mizuchi evidence upgrade BUNDLE` で形式 {} に変換してください", ours.major),
            format!("format {v} is an older format (this mizuchi reads {FORMAT_VERSION} and its minor updates); upgrade the bundle to format {} with `mizuchi evidence upgrade BUNDLE`", ours.major),
        )),
        (Ok(v), _) => out.error(MANIFEST, None, Some("$.format_version".into()), t(
            format!("形式 {v} には対応していません（{FORMAT_VERSION} 系のみ）"),
            format!("format {v} is not supported (this mizuchi reads {FORMAT_VERSION} and its minor updates)"),
        )),
        (Err(e), _) => out.error(MANIFEST, None, Some("$.format_version".into()), t(
            format!("`{}` は semver ではありません: {e}", manifest.format_version),
            format!("`{}` is not a semver version: {e}", manifest.format_version),
        )),
    }

    // Each file: documents first (logs are checked against them).
    let mut seen_paths: BTreeMap<&str, usize> = BTreeMap::new();
    let mut documents = BTreeMap::new();
    let mut docs = Documents::default();
    let mut logs: BTreeMap<SectionKind, Vec<LogFile>> = BTreeMap::new();
    let mut log_entries = Vec::new();
    let mut doc_entries = Vec::new();
    for (i, entry) in manifest.files.iter().enumerate() {
        let at = Some(format!("$.files[{i}]"));
        if let Some(first) = seen_paths.insert(&entry.path, i) {
            out.error(
                MANIFEST,
                None,
                at.clone(),
                t(
                    format!(
                        "`{}` が2回（files[{first}] と files[{i}]）記載されています",
                        entry.path
                    ),
                    format!(
                        "`{}` is listed twice (files[{first}] and files[{i}])",
                        entry.path
                    ),
                ),
            );
            continue;
        }
        let Some(full) = join_listed(&mut out, &root, &entry.path, &format!("$.files[{i}]")) else {
            continue;
        };
        let expected = entry.sha256.to_ascii_lowercase();
        match entry.kind.shape() {
            SectionShape::Log => log_entries.push((entry.path.clone(), entry.kind, full, expected)),
            _ => doc_entries.push((i, entry, full, expected)),
        }
    }

    // Sections to spool are read (hashed and parsed) by one thread each,
    // while the documents are checked here; within a section, files in
    // manifest order. Opening for a run reads only the logs its rules read.
    let spooled: Vec<SectionKind> = match depth {
        Depth::Open { spool } => {
            let mut kinds: Vec<SectionKind> = log_entries
                .iter()
                .map(|(_, kind, _, _)| *kind)
                .filter(|k| spool.contains(k) && super::spool::spoolable(*k))
                .collect();
            kinds.sort();
            kinds.dedup();
            kinds
        }
        Depth::Full => Vec::new(),
    };
    let built = std::thread::scope(|scope| {
        let handles: Vec<_> = spooled
            .iter()
            .map(|&kind| {
                let inputs: Vec<super::spool::Input<'_>> = log_entries
                    .iter()
                    .filter(|(_, k, _, _)| *k == kind)
                    .map(|(rel, _, full, expected)| super::spool::Input {
                        rel,
                        full,
                        expected,
                    })
                    .collect();
                (
                    kind,
                    scope.spawn(move || super::spool::build(kind, &inputs)),
                )
            })
            .collect();
        // One file per section; a second one is refused before any is read.
        let mut unique = Vec::with_capacity(doc_entries.len());
        let mut paths: BTreeMap<SectionKind, &str> = BTreeMap::new();
        for (i, entry, full, expected) in doc_entries {
            docs.listed(entry.kind);
            if let Some(&first) = paths.get(&entry.kind) {
                out.error(MANIFEST, None, Some(format!("$.files[{i}]")), t(
                    format!("区分 {} が `{first}` と `{}` の両方にあります。文書の区分はファイル1つです", entry.kind, entry.path),
                    format!("section `{}` is in both `{first}` and `{}`; a document section has one file", entry.kind, entry.path),
                ));
                continue;
            }
            paths.insert(entry.kind, &entry.path);
            unique.push((entry, full, expected));
        }
        for checked in check_documents(&unique) {
            out.append(checked.problems);
            docs.absorb(checked.docs);
            if let Some((kind, file)) = checked.file {
                documents.insert(kind, file);
            }
        }
        docs.check_references(&mut out, &documents);
        if matches!(depth, Depth::Full) {
            super::dates::check(&mut out, &documents, manifest.collected_on);
        }
        handles
            .into_iter()
            .map(|(kind, h)| {
                let result = h.join().unwrap_or_else(|_| {
                    Err(super::spool::Failure::Spool(
                        "the reading thread failed".into(),
                    ))
                });
                (kind, result)
            })
            .collect::<BTreeMap<_, _>>()
    });

    let mut stats = BTreeMap::new();
    let mut spools = BTreeMap::new();
    let mut reads: BTreeMap<SectionKind, std::vec::IntoIter<super::spool::FileRead>> =
        BTreeMap::new();
    for (kind, result) in built {
        match result {
            Ok((files, spool)) => {
                reads.insert(kind, files.into_iter());
                spools.insert(kind, spool);
            }
            Err(failure) => spool_problem(&mut out, &failure),
        }
    }
    for (rel, kind, full, expected) in log_entries {
        if spooled.contains(&kind) {
            // Spooled (or refused above, with the reason).
            if let Some(read) = reads.get_mut(&kind).and_then(Iterator::next) {
                logs.entry(kind).or_default().push(LogFile {
                    path: rel,
                    sha256: read.sha256,
                    bytes: read.bytes,
                    records: Some(read.records),
                    full,
                });
            }
            continue;
        }
        if let Depth::Open { .. } = depth {
            // No rule of this run reads the section: it is not read now. It
            // is read and verified if a rule asks for it after all.
            let Some(bytes) = present(&mut out, &rel, &full) else {
                continue;
            };
            logs.entry(kind).or_default().push(LogFile {
                path: rel,
                sha256: expected,
                bytes,
                records: None,
                full,
            });
            continue;
        }
        let mut refs = LogRefs::new(&docs, kind);
        let result = full_log(&mut out, &rel, kind, &full, &mut refs);
        match result {
            Err(e) => out.error(
                &rel,
                None,
                None,
                t(format!("読めません: {e}"), format!("cannot be read: {e}")),
            ),
            Ok((actual, bytes, records, st)) => {
                if actual != expected {
                    digest_problem(&mut out, &rel, &expected, &actual);
                    continue;
                }
                refs.report(&mut out, &rel);
                stats.insert(rel.clone(), st);
                logs.entry(kind).or_default().push(LogFile {
                    path: rel,
                    sha256: expected,
                    bytes,
                    records: Some(records),
                    full,
                });
            }
        }
    }
    let extensions = extension_files(&mut out, &root, &manifest, &seen_paths);
    unlisted_files(&mut out, &root, &manifest);

    let opened = Opened {
        root,
        manifest,
        digest,
        documents,
        extensions,
        logs,
        spools,
        _extracted: extracted,
    };
    finish(out, stats, Some(opened))
}

/// What checking one document found.
struct CheckedDocument {
    problems: Problems,
    /// The section in its type, for the reference checks.
    docs: Documents,
    file: Option<(SectionKind, DocumentFile)>,
}

/// Checks documents on the threads of the current pool (the run's, whose
/// size `--jobs` sets), largest first, each thread taking the next document
/// when it is done with one: a thread holds one document's parsed JSON at a
/// time. What each found comes back in the order given.
fn check_documents(list: &[(&FileEntry, PathBuf, String)]) -> Vec<CheckedDocument> {
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by_cached_key(|&i| {
        std::cmp::Reverse(std::fs::metadata(&list[i].1).map_or(0, |m| m.len()))
    });
    let next = AtomicUsize::new(0);
    let done = std::sync::Mutex::new(Vec::with_capacity(list.len()));
    let work = || {
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let (entry, full, expected) = &list[i];
            let checked = check_document(entry, full, expected);
            done.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((i, checked));
        }
    };
    let threads = rayon::current_num_threads().min(list.len());
    rayon::in_place_scope(|scope| {
        for _ in 1..threads {
            scope.spawn(|_| work());
        }
        work();
    });
    let mut done = done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    done.sort_by_key(|(i, _)| *i);
    let mut checked = done.into_iter().peekable();
    (0..list.len())
        .map(|i| match checked.next_if(|(j, _)| *j == i) {
            Some((_, c)) => c,
            None => {
                let mut problems = Problems::default();
                problems.error(
                    &list[i].0.path,
                    None,
                    None,
                    t(
                        "検査中に内部エラーが発生しました。もう一度実行してください",
                        "could not be checked (the checking thread failed); run again",
                    ),
                );
                CheckedDocument {
                    problems,
                    docs: Documents::default(),
                    file: None,
                }
            }
        })
        .collect()
}

/// Reads and checks one document: its digest, UTF-8, strict JSON, the
/// section's schema, then its type, from which the form rules read is encoded.
fn check_document(entry: &FileEntry, full: &Path, expected: &str) -> CheckedDocument {
    let mut problems = Problems::default();
    let mut docs = Documents::default();
    let file =
        document_file(&mut problems, &mut docs, entry, full, expected).map(|f| (entry.kind, f));
    CheckedDocument {
        problems,
        docs,
        file,
    }
}

fn document_file(
    out: &mut Problems,
    docs: &mut Documents,
    entry: &FileEntry,
    full: &Path,
    expected: &str,
) -> Option<DocumentFile> {
    let bytes = read_file(out, &entry.path, full)?;
    let actual = sha256_hex(&bytes);
    if actual != expected {
        digest_problem(out, &entry.path, expected, &actual);
        return None;
    }
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            out.error(
                &entry.path,
                None,
                None,
                t(
                    format!("UTF-8ではありません（{at}バイト目）。UTF-8で保存し直してください"),
                    format!("is not UTF-8 (at byte {at}); save it as UTF-8"),
                ),
            );
            return None;
        }
    };
    let encoded = document_text(out, docs, &entry.path, entry.kind, &text)?;
    Some(DocumentFile::new(
        entry.path.clone(),
        expected.to_owned(),
        text.into(),
        encoded,
    ))
}

/// Checks a document's text: strict JSON, the section's schema, then its
/// type, from which the form rules read is encoded.
fn document_text(
    out: &mut Problems,
    docs: &mut Documents,
    rel: &str,
    kind: SectionKind,
    text: &str,
) -> Option<Vec<u8>> {
    let value = match parse_strict(text) {
        Ok(v) => v,
        Err(e) => {
            out.push(json_problem(rel, None, &e));
            return None;
        }
    };
    let validator = Validators::section(kind)?;
    if !schema_problems(out, rel, None, validator, &value) {
        return None;
    }
    // The text is read into the type directly: faster than from the value,
    // which is let go first.
    drop(value);
    docs.load(out, rel, kind, text)
}

/// The fuzz target of evidence files (`crate::fuzz`): a document is checked
/// as opening a bundle checks it; a log line is checked as validation checks
/// it and read as a run reads it, and the two must agree.
#[cfg(feature = "fuzzing")]
pub(crate) fn fuzz_check(kind: SectionKind, text: &str) {
    let mut out = Problems::default();
    match kind.shape() {
        SectionShape::Log => {
            let line = text.split('\n').next().unwrap_or_default();
            let line = line.strip_suffix('\r').unwrap_or(line);
            let valid =
                check_line(&mut out, "log", 1, kind, Validators::section(kind), line).is_some();
            let origin = mizuchi_evidence::stream::Origin {
                file: mizuchi_evidence::stream::Symbol(0),
                line: 1,
            };
            let mut symbols = mizuchi_evidence::stream::Symbols::new();
            let read = match kind {
                SectionKind::AuthEvents => mizuchi_evidence::stream::parse_entry::<AuthEvent>(
                    line.as_bytes(),
                    origin,
                    &mut symbols,
                )
                .is_ok(),
                _ => mizuchi_evidence::stream::parse_entry::<DoorEvent>(
                    line.as_bytes(),
                    origin,
                    &mut symbols,
                )
                .is_ok(),
            };
            assert_eq!(
                valid, read,
                "validate and a run decide {line:?} differently"
            );
        }
        _ => {
            let mut docs = Documents::default();
            let _ = document_text(&mut out, &mut docs, "doc.json", kind, text);
        }
    }
}

fn finish(out: Problems, logs: BTreeMap<String, LogStats>, opened: Option<Opened>) -> Validation {
    let valid = !out.has_errors();
    Validation {
        problems: out.finish(),
        logs,
        opened: opened.filter(|_| valid),
    }
}

/// Reports why a log section could not be read while opening the bundle.
fn spool_problem(out: &mut Problems, failure: &super::spool::Failure) {
    use super::spool::Failure;
    match failure {
        Failure::Io { rel, message } => out.error(
            rel,
            None,
            None,
            t(format!("読めません: {message}"), format!("cannot be read: {message}")),
        ),
        Failure::Line { rel, line, message } => out.error(
            rel,
            Some(*line),
            None,
            t(
                format!("記録として読めません: {message}"),
                format!("is not a record of this log: {message}"),
            ),
        ),
        Failure::Digest {
            rel,
            expected,
            actual,
        } => digest_problem(out, rel, expected, actual),
        Failure::Spool(message) => out.error(
            MANIFEST,
            None,
            None,
            t(
                format!("ログを一時ファイルに展開できません: {message}。一時ディレクトリの空き容量を確認してください"),
                format!("cannot unpack the logs into a temporary file: {message}; check the free space of the temporary directory"),
            ),
        ),
    }
}

/// A log line as its type.
enum LineRecord {
    Auth(AuthEvent),
    Door(DoorEvent),
    Other,
}

/// What `validate` decides of one line of a log (its text without the line
/// end): not blank, strict JSON, the section's schema, then its type. A run
/// reads logs with `mizuchi_evidence::stream::parse_entry` instead, without
/// the schema; the two accept exactly the same lines (a test holds them to
/// it on systematic mutations).
fn check_line(
    out: &mut Problems,
    rel: &str,
    line: u64,
    kind: SectionKind,
    validator: Option<&Validator>,
    text: &str,
) -> Option<LineRecord> {
    if text.trim().is_empty() {
        out.error(
            rel,
            Some(line),
            None,
            t(
                "空行です。JSON Lines の各行にはJSONオブジェクトが1つ必要です",
                "is empty; every line of JSON Lines holds one JSON object",
            ),
        );
        return None;
    }
    let value = match parse_strict(text) {
        Ok(v) => v,
        Err(e) => {
            out.push(json_problem(rel, Some(line), &e));
            return None;
        }
    };
    if let Some(v) = validator
        && !v.is_valid(&value)
    {
        schema_problems(out, rel, Some(line), v, &value);
        return None;
    }
    Some(match kind {
        SectionKind::AuthEvents => LineRecord::Auth(typed(out, rel, Some(line), text)?),
        SectionKind::DoorEvents => LineRecord::Door(typed(out, rel, Some(line), text)?),
        _ => LineRecord::Other,
    })
}

/// Hashes and checks every line of a log in one pass, in constant memory.
fn full_log(
    out: &mut Problems,
    rel: &str,
    kind: SectionKind,
    full: &Path,
    refs: &mut LogRefs<'_>,
) -> std::io::Result<(String, u64, u64, LogStats)> {
    let mut r = HashingReader::new(BufReader::with_capacity(
        1 << 16,
        mizuchi_ledger::files::open_regular_nofollow(full)?,
    ));
    let validator = Validators::section(kind);
    let mut stats = LogStats::default();
    let mut buf = Vec::new();
    let mut line = 0u64;
    let mut prev: Option<mizuchi_evidence::Timestamp> = None;
    let mut in_order = true;
    let mut order = |out: &mut Problems, time: mizuchi_evidence::Timestamp, line: u64| {
        if in_order && prev.is_some_and(|p| time < p) {
            in_order = false;
            out.warning(rel, Some(line), Some("$.time".into()), t(
                "前の行より古い時刻です。ログは時刻順に並べてください（ルールはファイル順に読みます）",
                "is earlier than the line before; keep a log in time order (rules read it in file order)",
            ));
        }
        prev = Some(time);
    };
    loop {
        buf.clear();
        if r.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line += 1;
        let raw = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let text = match std::str::from_utf8(raw) {
            Ok(s) => s,
            Err(e) => {
                out.error(
                    rel,
                    Some(line),
                    None,
                    t(
                        format!("UTF-8ではありません（{}バイト目）", e.valid_up_to() + 1),
                        format!("is not UTF-8 (at byte {})", e.valid_up_to() + 1),
                    ),
                );
                continue;
            }
        };
        let Some(record) = check_line(out, rel, line, kind, validator, text) else {
            continue;
        };
        stats.records += 1;
        match record {
            LineRecord::Auth(ev) => {
                stats.note(ev.time, ev.kind.as_str(), ev.event_id);
                order(out, ev.time, line);
                refs.auth(&ev, line);
            }
            LineRecord::Door(ev) => {
                let kind = match ev.result {
                    mizuchi_evidence::DoorResult::Granted => "granted",
                    _ => "denied",
                };
                stats.note(ev.time, kind, None);
                order(out, ev.time, line);
                refs.door(out, rel, &ev, line);
            }
            LineRecord::Other => {}
        }
    }
    let records = line;
    Ok((r.hex_digest(), r.bytes_read(), records, stats))
}

impl LogStats {
    fn note(&mut self, time: mizuchi_evidence::Timestamp, kind: &str, event_id: Option<u32>) {
        self.first = Some(self.first.map_or(time, |f| f.min(time)));
        self.last = Some(self.last.map_or(time, |l| l.max(time)));
        *self.kinds.entry(kind.to_owned()).or_default() += 1;
        if let Some(id) = event_id {
            *self.event_ids.entry(id).or_default() += 1;
        }
    }
}

/// Files in the bundle directory that the manifest does not list.
fn unlisted_files(out: &mut Problems, root: &Path, manifest: &Manifest) {
    let listed: std::collections::BTreeSet<&str> = manifest
        .files
        .iter()
        .map(|f| f.path.as_str())
        .chain(manifest.extensions.iter().map(|f| f.path.as_str()))
        .collect();
    let mut stack = vec![root.to_path_buf()];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(root) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                if rel != MANIFEST && !listed.contains(rel.as_str()) {
                    found.push(rel);
                }
            }
        }
    }
    found.sort();
    for rel in found {
        out.warning(
            &rel,
            None,
            None,
            t(
                "マニフェストに記載がないため無視されます",
                "is not listed in the manifest and is ignored",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mizuchi_evidence::stream::{Origin, Symbol, Symbols, parse_entry};

    /// Whether a run's reader (`parse_entry`, no schema) accepts a line.
    fn run_accepts(kind: SectionKind, text: &str) -> bool {
        let origin = Origin {
            file: Symbol(0),
            line: 1,
        };
        let mut symbols = Symbols::new();
        match kind {
            SectionKind::AuthEvents => {
                parse_entry::<AuthEvent>(text.as_bytes(), origin, &mut symbols).is_ok()
            }
            _ => parse_entry::<DoorEvent>(text.as_bytes(), origin, &mut symbols).is_ok(),
        }
    }

    /// Whether `mizuchi evidence validate` accepts a line.
    fn validate_accepts(kind: SectionKind, text: &str) -> bool {
        let mut out = Problems::default();
        check_line(&mut out, "log", 1, kind, Validators::section(kind), text).is_some()
    }

    const AUTH: &[&str] = &[
        r#"{"time": "2026-11-17T15:41:10Z", "kind": "logon-failure", "system": "HGS-HMI-01", "account": "operator", "source": "10.20.9.9", "logon_type": 3, "status": "0xC000006D", "sub_status": "0xC000006A", "event_id": 4625, "record_id": 7790}"#,
        r#"{"time":"2026-04-01T09:00:00.25+09:00","kind":"logon-success","system":"監視端末","account":"運転員","domain":"PLANT","method":"password","source":null}"#,
        r#"{"time":"2026-04-01T00:00:00Z","kind":"lockout","system":"s","account":"a","event_id":4740,"record_id":9007199254740991}"#,
    ];

    const DOOR: &[&str] = &[
        r#"{"time": "2026-10-05T23:10:00Z", "area": "KTN-CTRL", "door": "D-1", "person": "P-014", "card": "C-0014", "result": "granted", "direction": "entry"}"#,
        r#"{"time":"2026-10-05T23:10:00-05:30","area":"a","visitor":"V-1","result":"denied"}"#,
    ];

    /// Values put in place of each field's value.
    const VALUES: &[&str] = &[
        "null",
        "0",
        "-0",
        "-1",
        "1.0",
        "1e2",
        "255",
        "256",
        "4294967296",
        "9007199254740991",
        "9007199254740992",
        "18446744073709551616",
        "true",
        "[]",
        "{}",
        r#""""#,
        r#""x""#,
        r#""0x+1""#,
        r#""0X1F""#,
        r#""0x123456789""#,
        r#""0xc000006d""#,
        r#""granted""#,
        r#""logon-success""#,
        r#""entry""#,
        r#""2026-11-17T15:41:10z""#,
        r#""2026-11-17t15:41:10+09:00""#,
        r#""2026-11-17 15:41:10Z""#,
        r#""2026-11-17T15:41:10""#,
        r#""2026-11-17T15:41:10+0900""#,
        r#""2026-11-17T15:41:10+09""#,
        r#""2026-11-17T15:41:10.123456789123Z""#,
        r#""2016-12-31T23:59:60Z""#,
        r#""2026-11-17T23:59:60Z""#,
        r#""2026-02-29T00:00:00Z""#,
        r#""2024-02-29T00:00:00Z""#,
        r#""2026-11-17T15:41:10Z[Asia/Tokyo]""#,
        r#""+002026-11-17T15:41:10Z""#,
        r#""a\u0062""#,
        r#""\ud800""#,
    ];

    /// Lines near `line`: every field's value replaced by each of
    /// [`VALUES`], every field renamed, removed and doubled, an unknown field
    /// added; and every byte deleted, replaced or preceded by one of a set.
    fn mutations(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(line).unwrap_or_default();
        let render = |members: &[(String, String)]| {
            let body: Vec<String> = members.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
            format!("{{{}}}", body.join(","))
        };
        let members: Vec<(String, String)> = map
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect();
        for i in 0..members.len() {
            for v in VALUES {
                let mut m = members.clone();
                m[i].1 = (*v).to_owned();
                out.push(render(&m));
            }
            let mut m = members.clone();
            m[i].0.push('x');
            out.push(render(&m));
            let mut m = members.clone();
            m.remove(i);
            out.push(render(&m));
            let mut m = members.clone();
            m.push(members[i].clone());
            out.push(render(&m));
        }
        let mut m = members.clone();
        m.push(("colour".into(), "\"red\"".into()));
        out.push(render(&m));
        const BYTES: &[u8] = b"\"\\,:{}[] 0159-+.eETZnul\x01";
        let b = line.as_bytes();
        for i in 0..=b.len() {
            for &c in BYTES {
                let mut v = b.to_vec();
                v.insert(i, c);
                out.push(String::from_utf8_lossy(&v).into_owned());
                if i < b.len() {
                    let mut v = b.to_vec();
                    v[i] = c;
                    out.push(String::from_utf8_lossy(&v).into_owned());
                }
            }
            if i < b.len() {
                let mut v = b.to_vec();
                v.remove(i);
                out.push(String::from_utf8_lossy(&v).into_owned());
            }
        }
        out
    }

    #[test]
    fn a_run_reads_exactly_the_log_lines_validation_accepts() {
        let (mut cases, mut accepted) = (0, 0);
        let mut disagree = Vec::new();
        for (kind, lines) in [
            (SectionKind::AuthEvents, AUTH),
            (SectionKind::DoorEvents, DOOR),
        ] {
            for line in lines {
                assert!(validate_accepts(kind, line), "{line}");
                for m in mutations(line) {
                    cases += 1;
                    let (run, validate) = (run_accepts(kind, &m), validate_accepts(kind, &m));
                    accepted += usize::from(validate);
                    if run != validate {
                        disagree.push(format!("run {run}, validate {validate}: {m}"));
                    }
                }
            }
        }
        assert!(
            disagree.is_empty(),
            "{} of {cases} lines decided differently, e.g.:\n{}",
            disagree.len(),
            disagree[..disagree.len().min(20)].join("\n")
        );
        // Both outcomes are exercised.
        assert!(
            accepted > cases / 20 && accepted < cases,
            "{accepted} of {cases}"
        );
        eprintln!(
            "{cases} mutated lines, {accepted} accepted by both readers, none decided differently"
        );
    }
}
