//! Problems found in a bundle, located by file, line and JSON path, in both
//! languages.

use std::collections::BTreeMap;

use mizuchi_evidence::Text;
use serde::Serialize;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Severity {
    /// The bundle cannot be used as it is.
    Error,
    /// Worth a look; the bundle can still be used.
    Warning,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// Path relative to the bundle root (or the bundle itself).
    pub file: String,
    /// 1-based line, for JSON Lines and for syntax errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column of a syntax error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// JSON path of the offending value, e.g. `$.assets[3].networks[0]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub message: Text,
}

impl Problem {
    /// `file:line:column: path: ` as a prefix for text output.
    pub fn location(&self) -> String {
        let mut s = self.file.clone();
        if let Some(l) = self.line {
            s.push_str(&format!(":{l}"));
            if let Some(c) = self.column {
                s.push_str(&format!(":{c}"));
            }
        }
        if let Some(p) = &self.path {
            s.push_str(&format!(" {p}"));
        }
        s
    }
}

/// Most problems reported per file; past that they are counted.
const PER_FILE: usize = 200;

/// Collects problems with a bound per file, so that a log of ten million bad
/// lines gives a bounded report.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    list: Vec<Problem>,
    per_file: BTreeMap<String, usize>,
}

impl Problems {
    pub(crate) fn push(&mut self, p: Problem) {
        let n = self.per_file.entry(p.file.clone()).or_default();
        *n += 1;
        if *n <= PER_FILE {
            self.list.push(p);
        }
    }

    pub(crate) fn error(
        &mut self,
        file: &str,
        line: Option<u64>,
        path: Option<String>,
        message: Text,
    ) {
        self.push(Problem {
            severity: Severity::Error,
            file: file.to_owned(),
            line,
            column: None,
            path,
            message,
        });
    }

    pub(crate) fn warning(
        &mut self,
        file: &str,
        line: Option<u64>,
        path: Option<String>,
        message: Text,
    ) {
        self.push(Problem {
            severity: Severity::Warning,
            file: file.to_owned(),
            line,
            column: None,
            path,
            message,
        });
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.list.iter().any(|p| p.severity == Severity::Error)
    }

    pub(crate) fn finish(mut self) -> Vec<Problem> {
        for (file, n) in &self.per_file {
            if *n > PER_FILE {
                let more = n - PER_FILE;
                self.list.push(Problem {
                    severity: Severity::Warning,
                    file: file.clone(),
                    line: None,
                    column: None,
                    path: None,
                    message: Text::new(
                        format!(
                            "このファイルには他に{more}件の問題があります（表示は{PER_FILE}件まで）"
                        ),
                        format!(
                            "{more} more problems in this file (at most {PER_FILE} are listed)"
                        ),
                    ),
                });
            }
        }
        self.list
    }
}
