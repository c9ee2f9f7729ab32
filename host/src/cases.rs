//! Rule tests as data: case files that say, for a bundle and the changes a
//! case makes to it, what each rule must decide.
//!
//! A case file is JSON, written by people who need not read Rust (a
//! regulator reviewing a pack, a consultant writing a rule):
//!
//! ```json
//! {
//!   "base": "../../samples/minamiyama/bundle",
//!   "as_of": "2026-11-27",
//!   "cases": [
//!     {
//!       "name": "a backup older than the limit fails",
//!       "params": { "MLIT-BAK-01.backup_max_age_days": 30 },
//!       "expect": { "MLIT-BAK-01": { "outcome": "fail", "includes": ["system:SYS-GIS=fail"] } }
//!     }
//!   ]
//! }
//! ```
//!
//! Each case starts from a base bundle (a directory, relative to the case
//! file) or, without one, from an empty bundle; `patch` changes document
//! sections with JSON merge patches (RFC 7396: objects merge, anything else,
//! arrays included, replaces; `null` removes); `edit` applies a merge patch
//! to one record named as the findings' evidence references name it
//! (`{"inventory": {"assets[id=HMI-01].authentication": {"auto_logon": true}}}`;
//! `null` removes the record; `records[]` adds one, or a list of them), so
//! that a case changes one asset of a long list without restating the list; `logs` replaces a log section's records. The rules named in `expect` then run in the sandbox, as
//! a real run runs them, and each must give the expected outcome and, where
//! given, exactly the `findings` (`kind:id=status`, in any order) or at least
//! those it `includes`.
//!
//! Why a bundle on disk for each case rather than evidence in memory: the
//! case then exercises the very path a utility's run takes (manifest,
//! digests, section codecs, the component ABI), so a case that passes here
//! passes for the utility.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mizuchi_evidence::{
    Date, ExtensionName, Manifest, Outcome, SectionKind, SectionShape, Status, Text, Utility,
};
use serde::Deserialize;
use serde_json::Value;

use crate::bundle::{Bundle, BundleWriter};
use crate::engine::Runtime;
use crate::eval::{EvalOptions, ParamInput, ParamOverride, evaluate};
use crate::pack::PackSet;
use mizuchi_report::junit::escape;

/// The most case files, and cases in one file, a run reads: a directory
/// with more is a mistake (a bundle of logs named `*.json`, say).
const MAX_FILES: usize = 10_000;
/// The largest case file read, in bytes.
const MAX_FILE: u64 = 16 << 20;

/// Why case files could not be read, or a case could not be run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaseError {
    /// A file or directory could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A case file is not valid: its JSON, or a value in it.
    #[error("`{path}` line {line}, `{field}`: {}", message.en)]
    Invalid {
        /// The case file.
        path: PathBuf,
        /// The line (1-based) the problem is on.
        line: usize,
        /// Where in the file: `cases[2].expect.MLIT-BAK-01.outcome`.
        field: String,
        /// What is wrong, and what to do, in both languages.
        message: Text,
    },
    /// No case file was found where cases were looked for.
    #[error(
        "no case file (`*.json`) in `{0}`; write cases in its `cases/` directory, or name a case file"
    )]
    NoCases(PathBuf),
}

impl CaseError {
    /// The message in `lang` (`ja` or `en`).
    pub fn text(&self, lang: &str) -> String {
        match (self, lang) {
            (
                CaseError::Invalid {
                    path,
                    line,
                    field,
                    message,
                },
                "ja",
            ) => format!(
                "`{}` {line} 行目、`{field}`: {}",
                path.display(),
                message.ja
            ),
            (
                CaseError::Invalid {
                    path,
                    line,
                    field,
                    message,
                },
                _,
            ) => format!(
                "`{}` line {line}, `{field}`: {}",
                path.display(),
                message.en
            ),
            (CaseError::Io { path, source }, "ja") => {
                format!("`{}` を読めません: {source}", path.display())
            }
            (CaseError::NoCases(dir), "ja") => format!(
                "`{}` にケースファイル (`*.json`) がありません。`cases/` ディレクトリにケースを書くか、ケースファイルを指定してください",
                dir.display()
            ),
            _ => self.to_string(),
        }
    }
}

/// A case file as written: rule test cases, each a bundle, changes to it,
/// and what the rules must decide (`mizuchi rule test`).
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RuleCases")]
pub(crate) struct FileSpec {
    /// A link to this schema, for editors.
    #[serde(default, rename = "$schema")]
    _schema: Option<String>,
    /// What the cases of the file are about.
    #[serde(default, rename = "description")]
    _description: Option<String>,
    /// The evidence bundle every case starts from unless it names its own: a
    /// directory, relative to this file. Empty or absent: an empty bundle
    /// (the case then needs `as_of`).
    #[serde(default)]
    base: Option<String>,
    /// The assessment date of every case that gives none; the base bundle's
    /// own when absent.
    #[serde(default)]
    as_of: Option<Date>,
    /// Parameters of every case, `"RULE.KEY": value` as `--param` takes
    /// them; a case's own win.
    #[serde(default)]
    params: BTreeMap<String, Value>,
    /// The cases, run in this order.
    cases: Vec<CaseSpec>,
}

/// One case as written.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RuleCase")]
struct CaseSpec {
    /// What the case shows; unique in the file.
    name: String,
    /// More about it.
    #[serde(default, rename = "description")]
    _description: Option<String>,
    /// The bundle this case starts from, relative to the file; `""` for an
    /// empty bundle.
    #[serde(default)]
    base: Option<String>,
    /// The assessment date.
    #[serde(default)]
    as_of: Option<Date>,
    /// Parameters, `"RULE.KEY": value`.
    #[serde(default)]
    params: BTreeMap<String, Value>,
    /// Per document section, a JSON merge patch (RFC 7396) applied to it;
    /// `null` removes the section. An extension section a pack defines
    /// (`x-acme.screen-lock`) is patched the same way.
    #[serde(default)]
    patch: BTreeMap<PatchSection, Value>,
    /// Per document section, `locator: merge patch` for one record:
    /// `assets[id=HMI-01]`, `assets[id=HMI-01].authentication`, `policy`;
    /// `null` removes the record; `records[]` adds a record or a list of them.
    #[serde(default)]
    edit: BTreeMap<SectionKind, BTreeMap<String, Value>>,
    /// Per log section, the records it holds in this case, replacing the
    /// base's.
    #[serde(default)]
    logs: BTreeMap<SectionKind, Vec<Value>>,
    /// Per rule id, what the rule must decide. Only these rules run.
    expect: BTreeMap<String, ExpectSpec>,
}

/// A section a case patches: an official one, or one a pack defines.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum PatchSection {
    Official(SectionKind),
    Extension(ExtensionName),
}

impl std::fmt::Display for PatchSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PatchSection::Official(k) => k.fmt(f),
            PatchSection::Extension(n) => n.fmt(f),
        }
    }
}

impl<'de> Deserialize<'de> for PatchSection {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        if name.starts_with("x-") {
            name.parse()
                .map(PatchSection::Extension)
                .map_err(serde::de::Error::custom)
        } else {
            name.parse()
                .map(PatchSection::Official)
                .map_err(serde::de::Error::custom)
        }
    }
}

impl schemars::JsonSchema for PatchSection {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PatchSection".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let official = generator.subschema_for::<SectionKind>();
        let extension = generator.subschema_for::<ExtensionName>();
        schemars::json_schema!({
            "description": "A document section, or an extension section a pack defines (`x-<publisher>.<name>`).",
            "anyOf": [official, extension],
        })
    }
}

/// What one rule must decide, as written.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RuleExpectation")]
struct ExpectSpec {
    /// The rule's outcome.
    outcome: Outcome,
    /// Exactly these findings, in any order, each `kind:id=status`
    /// (`asset:HMI-01=fail`).
    #[serde(default)]
    findings: Option<Vec<String>>,
    /// At least these findings, each `kind:id=status`.
    #[serde(default)]
    includes: Vec<String>,
}

/// What one rule must decide in a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// The rule.
    pub rule: String,
    /// Its outcome.
    pub outcome: Outcome,
    /// Exactly these findings (`kind:id=status`), in any order, when given.
    pub findings: Option<Vec<String>>,
    /// At least these findings.
    pub includes: Vec<String>,
}

/// One case, checked when its file was read.
#[derive(Debug, Clone)]
pub struct Case {
    /// Its name.
    pub name: String,
    /// The line its name is on.
    pub line: usize,
    base: Option<PathBuf>,
    as_of: Option<Date>,
    params: Vec<ParamOverride>,
    patch: Vec<(PatchSection, Value)>,
    edit: Vec<(SectionKind, Vec<Locator>, Value)>,
    logs: Vec<(SectionKind, Vec<Value>)>,
    /// What each rule must decide, in rule order.
    pub expect: Vec<Expectation>,
}

impl Case {
    /// The rules it runs: those it expects something of.
    pub fn rules(&self) -> impl Iterator<Item = &str> {
        self.expect.iter().map(|e| e.rule.as_str())
    }

    /// Its assessment date, when it (or its file) gives one.
    pub fn as_of(&self) -> Option<Date> {
        self.as_of
    }

    /// The parameters it sets, its file's included.
    pub fn params(&self) -> &[ParamOverride] {
        &self.params
    }
}

/// A case file, read and checked.
#[derive(Debug, Clone)]
pub struct CaseFile {
    path: PathBuf,
    cases: Vec<Case>,
}

/// The line (1-based) of byte `offset` in `text`.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The byte offset of the JSON string `value` (quoted as JSON writes it) in
/// `text` at or after `from`.
fn find_string(text: &str, value: &str, from: usize) -> Option<usize> {
    let quoted = serde_json::to_string(value).ok()?;
    text.get(from..)?.find(&quoted).map(|i| i + from)
}

impl CaseFile {
    /// Reads and checks a case file: its JSON and every value in it (section
    /// names, outcomes, findings, dates, that the base bundle exists); a
    /// problem names the line and field.
    pub fn read(path: &Path) -> Result<CaseFile, CaseError> {
        let io = |source| CaseError::Io {
            path: path.to_owned(),
            source,
        };
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > MAX_FILE {
            return Err(CaseError::Invalid {
                path: path.to_owned(),
                line: 1,
                field: String::new(),
                message: Text::new(
                    format!(
                        "{size} バイトあり、ケースファイルの上限 {MAX_FILE} バイトを超えています。ファイルを分けてください"
                    ),
                    format!(
                        "it is {size} bytes, over the {MAX_FILE}-byte cap for a case file; split it"
                    ),
                ),
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            CaseError::Invalid {
                path: path.to_owned(),
                line: line_at(&text, offset),
                field: String::new(),
                message: Text::new(
                    format!("バイト {offset} が UTF-8 ではありません。UTF-8 で保存してください"),
                    format!("byte {offset} is not UTF-8; save the file as UTF-8"),
                ),
            }
        })?;
        Self::parse(path, &text)
    }

    /// Checks the case file `text`, read from `path`.
    fn parse(path: &Path, text: &str) -> Result<CaseFile, CaseError> {
        let invalid = |line: usize, field: String, message: Text| CaseError::Invalid {
            path: path.to_owned(),
            line,
            field,
            message,
        };
        let mut de = serde_json::Deserializer::from_str(text);
        let spec: FileSpec = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            invalid(
                inner.line().max(1),
                if field == "." { String::new() } else { field },
                Text::new(
                    format!("ケースファイルとして読めません: {inner}"),
                    format!("this is not a valid case file: {inner}"),
                ),
            )
        })?;
        if spec.cases.len() > MAX_FILES {
            return Err(invalid(
                1,
                "cases".into(),
                Text::new(
                    format!(
                        "ケースが {} 個あり、上限 {MAX_FILES} を超えています",
                        spec.cases.len()
                    ),
                    format!(
                        "it has {} cases, over the cap of {MAX_FILES}",
                        spec.cases.len()
                    ),
                ),
            ));
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut cases = Vec::new();
        let mut at = 0;
        let mut names: Vec<&str> = Vec::new();
        for (i, c) in spec.cases.iter().enumerate() {
            let start = find_string(text, &c.name, at).unwrap_or(at);
            at = start;
            let line = line_at(text, start);
            let field = |rest: &str| format!("cases[{i}].{rest}");
            // The line of `key` within this case, or the case's own.
            let line_of =
                |key: &str| find_string(text, key, start).map_or(line, |o| line_at(text, o));
            if names.contains(&c.name.as_str()) {
                return Err(invalid(
                    line,
                    field("name"),
                    Text::new(
                        format!("ケース名「{}」が重複しています", c.name),
                        format!("two cases are named `{}`; give each its own name", c.name),
                    ),
                ));
            }
            names.push(&c.name);
            let base = match c.base.as_ref().or(spec.base.as_ref()) {
                Some(b) if b.is_empty() => None,
                Some(b) => {
                    let full = dir.join(b);
                    if !full.join("manifest.json").is_file() {
                        let where_ = if c.base.is_some() {
                            (line_of("base"), field("base"))
                        } else {
                            (
                                line_at(text, text.find("\"base\"").unwrap_or(0)),
                                "base".into(),
                            )
                        };
                        return Err(invalid(
                            where_.0,
                            where_.1,
                            Text::new(
                                format!(
                                    "基にする証跡バンドル `{b}` ({}) がありません。ケースファイルからの相対パスで書いてください",
                                    full.display()
                                ),
                                format!(
                                    "there is no evidence bundle at `{b}` ({}); write the base bundle's path relative to the case file",
                                    full.display()
                                ),
                            ),
                        ));
                    }
                    Some(full)
                }
                None => None,
            };
            let as_of = c.as_of.or(spec.as_of);
            if base.is_none() && as_of.is_none() {
                return Err(invalid(
                    line,
                    field("as_of"),
                    Text::new(
                        "基にするバンドルのないケースには評価基準日 (as_of) が必要です",
                        "a case without a base bundle needs an assessment date (`as_of`)",
                    ),
                ));
            }
            let mut params = Vec::new();
            let mut all = spec.params.clone();
            all.extend(c.params.clone());
            for (key, value) in &all {
                let bad = |why: Text| {
                    let line = if c.params.contains_key(key) {
                        line_of(key)
                    } else {
                        line_at(text, find_string(text, key, 0).unwrap_or(0))
                    };
                    invalid(line, format!("params.{key}"), why)
                };
                let Some((rule, k)) = key
                    .rsplit_once('.')
                    .filter(|(r, k)| !r.is_empty() && !k.is_empty())
                else {
                    return Err(bad(Text::new(
                        format!(
                            "パラメータ `{key}` は「規則.キー」の形で書きます (例 MLIT-BAK-01.backup_max_age_days)"
                        ),
                        format!(
                            "the parameter `{key}` is not of the form RULE.KEY (e.g. MLIT-BAK-01.backup_max_age_days)"
                        ),
                    )));
                };
                let text_value = match value {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Array(items) if items.iter().all(Value::is_string) => items
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(","),
                    _ => {
                        return Err(bad(Text::new(
                            "パラメータの値は文字列、数値、真偽値、文字列のリストのいずれかです",
                            "a parameter's value is a string, a number, true or false, or a list of strings",
                        )));
                    }
                };
                params.push(ParamOverride {
                    rule: rule.to_owned(),
                    key: k.to_owned(),
                    value: ParamInput::Text(text_value),
                });
            }
            for kind in c.patch.keys().filter_map(|k| match k {
                PatchSection::Official(kind) => Some(kind),
                PatchSection::Extension(_) => None,
            }) {
                if kind.shape() == SectionShape::Log {
                    return Err(invalid(
                        line_of(kind.as_str()),
                        field(&format!("patch.{kind}")),
                        Text::new(
                            format!(
                                "`{kind}` はログの区分です。`patch` ではなく `logs` にレコードを書いてください"
                            ),
                            format!(
                                "`{kind}` is a log section: give its records under `logs`, not `patch`"
                            ),
                        ),
                    ));
                }
            }
            let mut edit = Vec::new();
            for (kind, edits) in &c.edit {
                for (locator, change) in edits {
                    let path = field(&format!("edit.{kind}.{locator}"));
                    if kind.shape() == SectionShape::Log {
                        return Err(invalid(
                            line_of(kind.as_str()),
                            path,
                            Text::new(
                                format!(
                                    "`{kind}` はログの区分です。`edit` ではなく `logs` にレコードを書いてください"
                                ),
                                format!(
                                    "`{kind}` is a log section: give its records under `logs`, not `edit`"
                                ),
                            ),
                        ));
                    }
                    let parsed = parse_locator(locator).ok_or_else(|| {
                        invalid(
                            line_of(locator),
                            path.clone(),
                            Text::new(
                                format!("`{locator}` はレコードの位置ではありません。`assets[id=HMI-01]`、`policy`、追加なら `records[]` のように書きます"),
                                format!("`{locator}` is not a record's place: write it as `assets[id=HMI-01]` or `policy`, or `records[]` to add one"),
                            ),
                        )
                    })?;
                    edit.push((*kind, parsed, change.clone()));
                }
            }
            for kind in c.logs.keys() {
                if kind.shape() == SectionShape::Document {
                    return Err(invalid(
                        line_of(kind.as_str()),
                        field(&format!("logs.{kind}")),
                        Text::new(
                            format!(
                                "`{kind}` は文書の区分です。`logs` ではなく `patch` で変更してください"
                            ),
                            format!(
                                "`{kind}` is a document section: change it with `patch`, not `logs`"
                            ),
                        ),
                    ));
                }
            }
            if c.expect.is_empty() {
                return Err(invalid(
                    line,
                    field("expect"),
                    Text::new(
                        "期待する結果 (expect) が空です。規則ごとに outcome を書いてください",
                        "`expect` is empty: give at least one rule's expected outcome",
                    ),
                ));
            }
            let mut expect = Vec::new();
            for (rule, e) in &c.expect {
                for (list, entries) in [
                    ("findings", e.findings.as_deref().unwrap_or(&[])),
                    ("includes", &e.includes[..]),
                ] {
                    for entry in entries {
                        if let Err(why) = parse_finding(entry) {
                            return Err(invalid(
                                find_string(text, entry, start).map_or(line, |o| line_at(text, o)),
                                field(&format!("expect.{rule}.{list}")),
                                why,
                            ));
                        }
                    }
                }
                expect.push(Expectation {
                    rule: rule.clone(),
                    outcome: e.outcome,
                    findings: e.findings.clone(),
                    includes: e.includes.clone(),
                });
            }
            cases.push(Case {
                name: c.name.clone(),
                line,
                base,
                as_of,
                params,
                patch: c
                    .patch
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                edit,
                logs: c.logs.iter().map(|(k, v)| (*k, v.clone())).collect(),
                expect,
            });
        }
        Ok(CaseFile {
            path: path.to_owned(),
            cases,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its cases, in file order.
    pub fn cases(&self) -> &[Case] {
        &self.cases
    }
}

/// Checks a finding written as `kind:id=status`.
fn parse_finding(entry: &str) -> Result<(), Text> {
    let bad = || {
        Text::new(
            format!("`{entry}` は「種類:ID=判定」の形ではありません (例 asset:HMI-01=fail)"),
            format!("`{entry}` is not of the form kind:id=status (e.g. asset:HMI-01=fail)"),
        )
    };
    let (subject, status) = entry.rsplit_once('=').ok_or_else(bad)?;
    let (kind, id) = subject.split_once(':').ok_or_else(bad)?;
    if kind.is_empty() || id.is_empty() {
        return Err(bad());
    }
    serde_json::from_value::<Status>(Value::String(status.to_owned())).map_err(|_| {
        Text::new(
            format!("`{status}` は判定ではありません (pass, pass-alternative, warn, fail, not-applicable, insufficient-evidence, waived のいずれか)"),
            format!("`{status}` is not a status (pass, pass-alternative, warn, fail, not-applicable, insufficient-evidence or waived)"),
        )
    })?;
    Ok(())
}

/// The case files at `path`: the file itself, or every `*.json` file under
/// the directory's `cases/` (or under the directory itself when it has
/// none), in path order.
pub fn find_case_files(path: &Path) -> Result<Vec<PathBuf>, CaseError> {
    if path.is_file() {
        return Ok(vec![path.to_owned()]);
    }
    let root = if path.join("cases").is_dir() {
        path.join("cases")
    } else {
        path.to_owned()
    };
    let mut found = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| CaseError::Io {
            path: dir.clone(),
            source,
        })?;
        for entry in entries {
            let entry = entry.map_err(|source| CaseError::Io {
                path: dir.clone(),
                source,
            })?;
            let p = entry.path();
            let kind = entry.file_type().map_err(|source| CaseError::Io {
                path: p.clone(),
                source,
            })?;
            if kind.is_dir() {
                pending.push(p);
            } else if kind.is_file() && p.extension().is_some_and(|e| e == "json") {
                found.push(p);
            }
        }
        if found.len() > MAX_FILES {
            break;
        }
    }
    if found.is_empty() {
        return Err(CaseError::NoCases(root));
    }
    found.sort();
    Ok(found)
}

/// How one rule's decision compared with what a case expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCheck {
    /// The rule.
    pub rule: String,
    /// The outcome expected.
    pub expected: Outcome,
    /// The outcome the rule gave.
    pub outcome: Outcome,
    /// Findings expected that the rule did not give.
    pub missing: Vec<String>,
    /// Findings the rule gave that were not expected (only when the case
    /// lists `findings` exactly).
    pub unexpected: Vec<String>,
    /// Every finding the rule gave, `kind:id=status`, in its order.
    pub findings: Vec<String>,
    /// Why the rule could not run, when its outcome is `error`.
    pub error: Option<String>,
}

impl RuleCheck {
    /// The rule decided as expected.
    pub fn passed(&self) -> bool {
        self.expected == self.outcome && self.missing.is_empty() && self.unexpected.is_empty()
    }
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case file.
    pub file: PathBuf,
    /// The case.
    pub name: String,
    /// The line of the case's name.
    pub line: usize,
    /// One check per expected rule; empty when the case could not run.
    pub checks: Vec<RuleCheck>,
    /// Why the case could not run (its bundle could not be made, a rule or
    /// parameter is unknown): in both languages.
    pub error: Option<Text>,
    /// How long it took.
    pub elapsed: Duration,
    /// The bundle the case was evaluated on: its base when it changed
    /// nothing, else the one made for it (which outlives the runner only
    /// when the runner keeps its bundles, see [`CaseRunner::keep_in`]).
    pub bundle: Option<PathBuf>,
}

impl CaseResult {
    /// Every rule decided as expected.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.checks.iter().all(RuleCheck::passed)
    }

    /// What differed in a failed case, one line each, in `lang`: the outcome
    /// of each rule that differed, then the findings missing and unexpected.
    pub fn differences(&self, lang: &str) -> Vec<String> {
        let result = self;
        let ja = lang == "ja";
        let mut out = Vec::new();
        if let Some(e) = &result.error {
            out.push(if ja { e.ja.clone() } else { e.en.clone() });
            return out;
        }
        for c in result.checks.iter().filter(|c| !c.passed()) {
            if c.expected != c.outcome {
                out.push(if ja {
                    format!(
                        "{}: 結果は {} (期待は {})",
                        c.rule,
                        c.outcome.as_str(),
                        c.expected.as_str()
                    )
                } else {
                    format!(
                        "{}: outcome {}, expected {}",
                        c.rule,
                        c.outcome.as_str(),
                        c.expected.as_str()
                    )
                });
            }
            if let Some(e) = &c.error {
                out.push(format!("{}: {e}", c.rule));
            }
            for m in &c.missing {
                out.push(if ja {
                    format!("{}: 期待した所見がありません: {m}", c.rule)
                } else {
                    format!("{}: missing finding {m}", c.rule)
                });
            }
            for u in &c.unexpected {
                out.push(if ja {
                    format!("{}: 期待していない所見: {u}", c.rule)
                } else {
                    format!("{}: unexpected finding {u}", c.rule)
                });
            }
        }
        out
    }
}

/// Runs cases against packs: each case's bundle is made in a scratch
/// directory of its own, its rules run in the sandbox.
#[derive(Debug)]
pub struct CaseRunner<'a> {
    runtime: &'a Runtime,
    packs: &'a PackSet,
    scratch: tempfile::TempDir,
    /// Where bundles made for cases are kept, if they are.
    keep: Option<PathBuf>,
    /// Base bundles opened once, for the cases that change nothing.
    opened: BTreeMap<PathBuf, Arc<Bundle>>,
    made: usize,
}

impl<'a> CaseRunner<'a> {
    /// A runner of `packs` on `runtime`.
    pub fn new(runtime: &'a Runtime, packs: &'a PackSet) -> Result<Self, CaseError> {
        let scratch = tempfile::Builder::new()
            .prefix("mizuchi-cases-")
            .tempdir()
            .map_err(|source| CaseError::Io {
                path: std::env::temp_dir(),
                source,
            })?;
        Ok(CaseRunner {
            runtime,
            packs,
            scratch,
            keep: None,
            opened: BTreeMap::new(),
            made: 0,
        })
    }

    /// Keeps the bundle made for each case in `dir` (`case-1`, `case-2`…,
    /// in the order cases run), to look at what a case evaluated or to run
    /// it again with `mizuchi eval`.
    pub fn keep_in(&mut self, dir: &Path) {
        self.keep = Some(dir.to_owned());
    }

    /// Runs one case of `file`.
    pub fn run(&mut self, file: &CaseFile, case: &Case) -> CaseResult {
        let started = Instant::now();
        let mut bundle = None;
        let (checks, error) = match self.try_run(case, &mut bundle) {
            Ok(checks) => (checks, None),
            Err(why) => (Vec::new(), Some(why)),
        };
        CaseResult {
            file: file.path.clone(),
            name: case.name.clone(),
            line: case.line,
            checks,
            error,
            elapsed: started.elapsed(),
            bundle,
        }
    }

    fn try_run(&mut self, case: &Case, made: &mut Option<PathBuf>) -> Result<Vec<RuleCheck>, Text> {
        let bundle = self.bundle(case)?;
        *made = Some(bundle.root().to_owned());
        let options = EvalOptions {
            as_of: case.as_of,
            params: case.params.clone(),
            rules: case.expect.iter().map(|e| e.rule.clone()).collect(),
            reuse: None,
        };
        let evaluation =
            evaluate(self.runtime, self.packs, bundle, &options, &|_| {}).map_err(|e| {
                Text::new(
                    format!("評価できません: {e}"),
                    format!("cannot evaluate: {e}"),
                )
            })?;
        let report = evaluation.report();
        let mut checks = Vec::new();
        for e in &case.expect {
            let Some(result) = report.results.iter().find(|r| r.rule == e.rule) else {
                return Err(Text::new(
                    format!("規則 {} の結果がありません", e.rule),
                    format!("the run gave no result for {}", e.rule),
                ));
            };
            let actual: Vec<String> = result
                .findings
                .iter()
                .map(|f| format!("{}:{}={}", f.subject.kind, f.subject.id, f.status.as_str()))
                .collect();
            let (missing, unexpected) = match &e.findings {
                Some(exact) => (minus(exact, &actual), minus(&actual, exact)),
                None => (Vec::new(), Vec::new()),
            };
            let mut missing = missing;
            for m in minus(&e.includes, &actual) {
                if !missing.contains(&m) {
                    missing.push(m);
                }
            }
            checks.push(RuleCheck {
                rule: e.rule.clone(),
                expected: e.outcome,
                outcome: result.outcome,
                missing,
                unexpected,
                findings: actual,
                error: result
                    .error
                    .as_ref()
                    .map(|f| format!("{}: {}", f.cause, f.message)),
            });
        }
        Ok(checks)
    }

    /// The case's bundle: its base as it is when the case changes nothing,
    /// else a copy with the case's changes.
    fn bundle(&mut self, case: &Case) -> Result<Arc<Bundle>, Text> {
        let cannot = |e: &dyn std::fmt::Display| {
            Text::new(
                format!("ケースの証跡バンドルを作れません: {e}"),
                format!("cannot make the case's evidence bundle: {e}"),
            )
        };
        if case.patch.is_empty()
            && case.edit.is_empty()
            && case.logs.is_empty()
            && let Some(base) = &case.base
        {
            if let Some(b) = self.opened.get(base) {
                return Ok(Arc::clone(b));
            }
            let b = Arc::new(Bundle::open(base).map_err(|e| cannot(&e))?);
            self.opened.insert(base.clone(), Arc::clone(&b));
            return Ok(b);
        }
        self.made += 1;
        let dir = self
            .keep
            .as_deref()
            .unwrap_or(self.scratch.path())
            .join(format!("case-{}", self.made));
        if dir.exists() {
            // A kept bundle of an earlier run.
            std::fs::remove_dir_all(&dir).map_err(|e| cannot(&e))?;
        }
        match &case.base {
            Some(base) => copy_bundle(base, &dir).map_err(|e| cannot(&e))?,
            None => {
                // `parse` refused a case with neither base nor date.
                let date = case.as_of.unwrap_or_default();
                let utility = Utility {
                    id: "TEST-UTILITY".into(),
                    name: Text::new("試験用の事業体", "a test utility"),
                };
                BundleWriter::create(&dir, utility, date, date)
                    .and_then(BundleWriter::commit)
                    .map_err(|e| cannot(&e))?;
            }
        }
        let mut writer = BundleWriter::open(&dir).map_err(|e| cannot(&e))?;
        for (key, patch) in &case.patch {
            let section = |e: &dyn std::fmt::Display| {
                Text::new(
                    format!("区分 `{key}` の変更を適用できません: {e}"),
                    format!("cannot apply the change to `{key}`: {e}"),
                )
            };
            let kind = match key {
                PatchSection::Official(kind) => kind,
                PatchSection::Extension(name) => {
                    let doc = if patch.is_null() {
                        None
                    } else {
                        let mut doc = writer
                            .extension_value(name.as_str())
                            .map_err(|e| section(&e))?
                            .unwrap_or_else(|| Value::Object(Default::default()));
                        merge_patch(&mut doc, patch);
                        Some(doc)
                    };
                    writer
                        .put_extension(name, doc.as_ref())
                        .map_err(|e| section(&e))?;
                    continue;
                }
            };
            if patch.is_null() {
                if let Some(entry) = writer.entry(*kind) {
                    let path = entry.path.clone();
                    writer.remove_file(&path).map_err(|e| section(&e))?;
                }
                continue;
            }
            let mut doc = writer
                .document_value(*kind)
                .map_err(|e| section(&e))?
                .unwrap_or_else(|| Value::Object(Default::default()));
            merge_patch(&mut doc, patch);
            writer
                .put_document_json(*kind, &doc, None)
                .map_err(|e| section(&e))?;
        }
        let mut edited: Vec<(SectionKind, Value)> = Vec::new();
        for (kind, locator, change) in &case.edit {
            let at = edited.iter().position(|(k, _)| k == kind);
            let i = match at {
                Some(i) => i,
                None => {
                    let doc = writer
                        .document_value(*kind)
                        .map_err(|e| cannot(&e))?
                        .unwrap_or_else(|| Value::Object(Default::default()));
                    edited.push((*kind, doc));
                    edited.len() - 1
                }
            };
            apply_edit(&mut edited[i].1, locator, change).map_err(|missing| {
                Text::new(
                    format!("区分 `{kind}` に `{missing}` がありません"),
                    format!("`{kind}` has no `{missing}` to edit"),
                )
            })?;
        }
        for (kind, doc) in &edited {
            writer.put_document_json(*kind, doc, None).map_err(|e| {
                Text::new(
                    format!("区分 `{kind}` の変更を適用できません: {e}"),
                    format!("cannot apply the change to `{kind}`: {e}"),
                )
            })?;
        }
        for (kind, records) in &case.logs {
            let listed: Vec<String> = writer
                .manifest()
                .files
                .iter()
                .filter(|f| f.kind == *kind)
                .map(|f| f.path.clone())
                .collect();
            for path in listed {
                writer.remove_file(&path).map_err(|e| cannot(&e))?;
            }
            if records.is_empty() {
                continue;
            }
            let mut bytes = Vec::new();
            for r in records {
                serde_json::to_writer(&mut bytes, r).map_err(|e| cannot(&e))?;
                bytes.push(b'\n');
            }
            writer
                .add_file(*kind, &format!("{kind}.jsonl"), &bytes)
                .map_err(|e| {
                    Text::new(
                        format!("区分 `{kind}` のレコードが不正です: {e}"),
                        format!("the records of `{kind}` are not valid: {e}"),
                    )
                })?;
        }
        writer.commit().map_err(|e| cannot(&e))?;
        Bundle::open(&dir).map(Arc::new).map_err(|e| cannot(&e))
    }
}

/// The entries of `a` not in `b`, as multisets.
fn minus(a: &[String], b: &[String]) -> Vec<String> {
    let mut left: Vec<&String> = b.iter().collect();
    let mut out = Vec::new();
    for x in a {
        match left.iter().position(|y| *y == x) {
            Some(i) => {
                left.swap_remove(i);
            }
            None => out.push(x.clone()),
        }
    }
    out
}

/// One step of a record's place in a document: a field; in a list, the
/// record whose `key` is `value` (`assets[id=HMI-01]`), or a new record at
/// its end (`records[]`, the last step only).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Locator {
    field: String,
    select: Select,
}

/// Which record of a list a [`Locator`] means.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Select {
    /// The field itself.
    Field,
    /// The record whose field `.0` is `.1`.
    Key(String, String),
    /// New records at the end of the list.
    Append,
}

/// `assets[id=HMI-01].authentication`: the form the findings' evidence
/// references use. A value runs to its `]`, so ids may hold dots.
fn parse_locator(text: &str) -> Option<Vec<Locator>> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let field = &rest[..end];
        if field.is_empty() {
            return None;
        }
        rest = &rest[end..];
        let mut select = Select::Field;
        if let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']')?;
            select = if close == 0 {
                Select::Append
            } else {
                let (key, value) = inner[..close].split_once('=')?;
                if key.is_empty() || value.is_empty() {
                    return None;
                }
                Select::Key(key.to_owned(), value.to_owned())
            };
            rest = &inner[close + 1..];
        }
        let last = rest.is_empty();
        if select == Select::Append && !last {
            return None;
        }
        out.push(Locator {
            field: field.to_owned(),
            select,
        });
        if last {
            return Some(out);
        }
        rest = rest.strip_prefix('.')?;
    }
}

/// Applies the merge patch `change` to the record at `path` in `doc` (a
/// `null` change removes it; at `list[]`, `change` is a record, or a list
/// of records, to add). Returns the first step not found.
fn apply_edit(doc: &mut Value, path: &[Locator], change: &Value) -> Result<(), String> {
    let Some((step, rest)) = path.split_first() else {
        merge_patch(doc, change);
        return Ok(());
    };
    let shown = || match &step.select {
        Select::Field => step.field.clone(),
        Select::Key(k, v) => format!("{}[{k}={v}]", step.field),
        Select::Append => format!("{}[]", step.field),
    };
    let Value::Object(fields) = doc else {
        return Err(shown());
    };
    match &step.select {
        Select::Field => {
            if rest.is_empty() && change.is_null() {
                fields.remove(&step.field);
                return Ok(());
            }
            let next = fields.entry(step.field.clone()).or_insert(Value::Null);
            apply_edit(next, rest, change)
        }
        Select::Append => {
            let list = fields
                .entry(step.field.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            let Value::Array(items) = list else {
                return Err(shown());
            };
            match change {
                Value::Array(records) => items.extend(records.iter().cloned()),
                record => items.push(record.clone()),
            }
            Ok(())
        }
        Select::Key(key, value) => {
            let Some(Value::Array(items)) = fields.get_mut(&step.field) else {
                return Err(shown());
            };
            let matches = |item: &Value| match item.get(key) {
                Some(Value::String(s)) => s == value,
                Some(v @ (Value::Number(_) | Value::Bool(_))) => {
                    serde_json::from_str::<Value>(value).is_ok_and(|x| x == *v)
                }
                _ => false,
            };
            let i = items.iter().position(matches).ok_or_else(shown)?;
            if rest.is_empty() && change.is_null() {
                items.remove(i);
                return Ok(());
            }
            apply_edit(&mut items[i], rest, change)
        }
    }
}

/// Applies the JSON merge patch `patch` to `doc` (RFC 7396).
pub fn merge_patch(doc: &mut Value, patch: &Value) {
    let Value::Object(changes) = patch else {
        *doc = patch.clone();
        return;
    };
    if !doc.is_object() {
        *doc = Value::Object(Default::default());
    }
    if let Value::Object(fields) = doc {
        for (key, value) in changes {
            if value.is_null() {
                fields.remove(key);
            } else {
                merge_patch(fields.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// Copies the bundle at `from` (its manifest and every file it lists) to
/// `to`; opening the copy checks every digest.
fn copy_bundle(from: &Path, to: &Path) -> Result<(), CaseError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| CaseError::Io { path, source }
    };
    let manifest_path = from.join("manifest.json");
    let bytes = std::fs::read(&manifest_path).map_err(io(&manifest_path))?;
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| CaseError::Io {
        path: manifest_path.clone(),
        source: std::io::Error::other(e),
    })?;
    std::fs::create_dir_all(to).map_err(io(to))?;
    std::fs::write(to.join("manifest.json"), &bytes).map_err(io(to))?;
    for f in &manifest.files {
        let src = crate::bundle::safe_join(from, &f.path).map_err(|e| CaseError::Io {
            path: from.join(&f.path),
            source: std::io::Error::other(e.to_string()),
        })?;
        let dst = to.join(&f.path);
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::copy(&src, &dst).map_err(io(&src))?;
    }
    Ok(())
}

/// The results as JUnit XML: a test suite per case file, a test case per
/// case, a failure per case that failed (an error per case that could not
/// run).
pub fn junit(results: &[CaseResult]) -> String {
    let mut files: Vec<&Path> = Vec::new();
    for r in results {
        if !files.contains(&r.file.as_path()) {
            files.push(&r.file);
        }
    }
    let failures = results
        .iter()
        .filter(|r| r.error.is_none() && !r.passed())
        .count();
    let errors = results.iter().filter(|r| r.error.is_some()).count();
    let total: Duration = results.iter().map(|r| r.elapsed).sum();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<testsuites name=\"mizuchi rule test\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{:.3}\">\n",
        results.len(),
        total.as_secs_f64()
    ));
    for file in files {
        let of: Vec<&CaseResult> = results.iter().filter(|r| r.file == file).collect();
        let name = escape(&file.display().to_string());
        x.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">\n",
            of.len(),
            of.iter().filter(|r| r.error.is_none() && !r.passed()).count(),
            of.iter().filter(|r| r.error.is_some()).count(),
            of.iter().map(|r| r.elapsed).sum::<Duration>().as_secs_f64()
        ));
        for r in of {
            x.push_str(&format!(
                "    <testcase classname=\"{name}\" name=\"{}\" file=\"{name}\" line=\"{}\" time=\"{:.3}\"",
                escape(&r.name),
                r.line,
                r.elapsed.as_secs_f64()
            ));
            if let Some(e) = &r.error {
                x.push_str(&format!(
                    ">\n      <error message=\"{}\"/>\n    </testcase>\n",
                    escape(&e.en)
                ));
            } else if !r.passed() {
                let lines = r.differences("en");
                x.push_str(&format!(
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    escape(lines.first().map_or("", String::as_str)),
                    escape(&lines.join("\n"))
                ));
            } else {
                x.push_str("/>\n");
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<CaseFile, CaseError> {
        CaseFile::parse(Path::new("cases/x.json"), text)
    }

    #[test]
    fn merge_patch_follows_rfc_7396() {
        // The examples of RFC 7396, appendix A, a selection.
        let cases = [
            (r#"{"a":"b"}"#, r#"{"a":"c"}"#, r#"{"a":"c"}"#),
            (r#"{"a":"b"}"#, r#"{"b":"c"}"#, r#"{"a":"b","b":"c"}"#),
            (r#"{"a":"b"}"#, r#"{"a":null}"#, r#"{}"#),
            (r#"{"a":["b"]}"#, r#"{"a":"c"}"#, r#"{"a":"c"}"#),
            (r#"{"a":"c"}"#, r#"{"a":["b"]}"#, r#"{"a":["b"]}"#),
            (
                r#"{"a":{"b":"c"}}"#,
                r#"{"a":{"b":"d","c":null}}"#,
                r#"{"a":{"b":"d"}}"#,
            ),
            (r#"{"a":[{"b":"c"}]}"#, r#"{"a":[1]}"#, r#"{"a":[1]}"#),
            (r#"["a","b"]"#, r#"["c","d"]"#, r#"["c","d"]"#),
            (r#"{"e":null}"#, r#"{"a":1}"#, r#"{"e":null,"a":1}"#),
            (r#"[1,2]"#, r#"{"a":"b","c":null}"#, r#"{"a":"b"}"#),
            (
                r#"{}"#,
                r#"{"a":{"bb":{"ccc":null}}}"#,
                r#"{"a":{"bb":{}}}"#,
            ),
        ];
        for (doc, patch, want) in cases {
            let mut d: Value = serde_json::from_str(doc).unwrap_or_default();
            merge_patch(&mut d, &serde_json::from_str(patch).unwrap_or_default());
            assert_eq!(
                d,
                serde_json::from_str::<Value>(want).unwrap_or_default(),
                "{doc} + {patch}"
            );
        }
    }

    #[test]
    fn problems_name_the_line_and_field() {
        let text = "{\n  \"as_of\": \"2026-11-27\",\n  \"cases\": [\n    {\n      \"name\": \"one\",\n      \"expect\": {\"MLIT-BAK-01\": {\"outcome\": \"passed\"}}\n    }\n  ]\n}\n";
        let Err(CaseError::Invalid {
            line,
            field,
            message,
            ..
        }) = parse(text)
        else {
            panic!("an unknown outcome was accepted");
        };
        assert_eq!(line, 6);
        assert_eq!(field, "cases[0].expect.MLIT-BAK-01.outcome");
        assert!(message.en.contains("passed"), "{}", message.en);
        assert!(message.ja.contains("ケースファイル"), "{}", message.ja);

        let text = "{\"as_of\": \"2026-11-27\", \"cases\": [\n{\"name\": \"a\", \"expect\": {\"R-1\": {\"outcome\": \"fail\"}}},\n{\"name\": \"b\",\n \"expect\": {\"R-1\": {\"outcome\": \"fail\",\n  \"findings\": [\"asset:X=failed\"]}}}]}";
        let Err(CaseError::Invalid {
            line,
            field,
            message,
            ..
        }) = parse(text)
        else {
            panic!("an unknown status was accepted");
        };
        assert_eq!((line, field.as_str()), (5, "cases[1].expect.R-1.findings"));
        assert!(
            message.en.contains("`failed` is not a status"),
            "{}",
            message.en
        );

        let text = "{\"as_of\": \"2026-11-27\", \"cases\": [\n{\"name\": \"a\",\n \"patch\": {\"door-events\": {}},\n \"expect\": {\"R-1\": {\"outcome\": \"fail\"}}}]}";
        let Err(CaseError::Invalid { line, field, .. }) = parse(text) else {
            panic!("a patch of a log section was accepted");
        };
        assert_eq!((line, field.as_str()), (3, "cases[0].patch.door-events"));

        let text =
            "{\"cases\": [{\"name\": \"a\", \"expect\": {\"R-1\": {\"outcome\": \"fail\"}}}]}";
        let Err(CaseError::Invalid { field, .. }) = parse(text) else {
            panic!("a case with neither base nor date was accepted");
        };
        assert_eq!(field, "cases[0].as_of");

        let text = "{\"as_of\": \"2026-11-27\", \"cases\": [{\"name\": \"a\", \"params\": {\"x\": 1}, \"expect\": {\"R-1\": {\"outcome\": \"fail\"}}}]}";
        let Err(CaseError::Invalid { field, .. }) = parse(text) else {
            panic!("a parameter without its rule was accepted");
        };
        assert_eq!(field, "params.x");
    }

    #[test]
    fn an_edit_changes_or_removes_the_record_it_names() {
        let mut doc: Value = serde_json::from_str(
            r#"{"assets": [{"id": "a.1", "auth": {"m": "password", "x": 1}}, {"id": "b", "n": 2}], "p": {"q": 1}}"#,
        )
        .unwrap_or_default();
        let at = |s: &str| parse_locator(s).unwrap_or_default();
        assert_eq!(
            apply_edit(
                &mut doc,
                &at("assets[id=a.1].auth"),
                &serde_json::json!({"m": "mfa", "x": null})
            ),
            Ok(())
        );
        assert_eq!(
            apply_edit(&mut doc, &at("assets[id=b]"), &Value::Null),
            Ok(())
        );
        assert_eq!(
            apply_edit(&mut doc, &at("p"), &serde_json::json!({"r": 2})),
            Ok(())
        );
        assert_eq!(
            doc,
            serde_json::json!({"assets": [{"id": "a.1", "auth": {"m": "mfa"}}], "p": {"q": 1, "r": 2}})
        );
        assert_eq!(
            apply_edit(&mut doc, &at("assets[id=zz]"), &Value::Null),
            Err("assets[id=zz]".to_owned())
        );
        assert_eq!(
            apply_edit(&mut doc, &at("assets[]"), &serde_json::json!({"id": "c"})),
            Ok(())
        );
        assert_eq!(
            apply_edit(
                &mut doc,
                &at("more[]"),
                &serde_json::json!([{"id": "d"}, {"id": "e"}])
            ),
            Ok(())
        );
        assert_eq!(doc["assets"][1]["id"], "c");
        assert_eq!(doc["more"], serde_json::json!([{"id": "d"}, {"id": "e"}]));
        for bad in [
            "", "a[", "a[id]", "a[=x]", "a..b", "[id=x]", "a[id=x]b", "a[].b",
        ] {
            assert_eq!(parse_locator(bad), None, "{bad}");
        }
    }

    #[test]
    fn findings_compare_as_multisets() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert_eq!(minus(&s(&["a", "a", "b"]), &s(&["a", "b"])), s(&["a"]));
        assert_eq!(minus(&s(&["a", "b"]), &s(&["b", "a", "a"])), s(&[]));
    }
}
