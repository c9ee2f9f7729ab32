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
    /// An error makes the bundle unusable; a warning does not.
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
    /// What is wrong, in Japanese and English.
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

    /// Adds what another collector found, after this one's problems, with
    /// the same bound per file.
    pub(crate) fn append(&mut self, other: Problems) {
        let mut kept: BTreeMap<String, usize> = BTreeMap::new();
        for p in other.list {
            *kept.entry(p.file.clone()).or_default() += 1;
            self.push(p);
        }
        // Problems past the other's bound were counted there, not kept.
        for (file, n) in other.per_file {
            let unlisted = n - kept.get(&file).copied().unwrap_or(0);
            *self.per_file.entry(file).or_default() += unlisted;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(file: &str, n: usize) -> Problems {
        let mut p = Problems::default();
        for i in 0..n {
            p.error(file, Some(i as u64 + 1), None, Text::new("誤り", "wrong"));
        }
        p
    }

    #[test]
    fn appended_problems_follow_and_keep_the_bound_per_file() {
        let mut all = errors("a.json", 1);
        all.append(errors("b.jsonl", PER_FILE + 5));
        all.append(errors("a.json", 2));
        let list = all.finish();
        let files: Vec<(&str, Option<u64>)> = list
            .iter()
            .take(4)
            .map(|p| (p.file.as_str(), p.line))
            .collect();
        assert_eq!(
            files,
            [
                ("a.json", Some(1)),
                ("b.jsonl", Some(1)),
                ("b.jsonl", Some(2)),
                ("b.jsonl", Some(3))
            ]
        );
        let count = |f: &str| list.iter().filter(|p| p.file == f).count();
        // 200 listed and one note of the 5 more for b; all three for a.
        assert_eq!(count("b.jsonl"), PER_FILE + 1);
        assert_eq!(count("a.json"), 3);
        assert!(
            list.iter()
                .any(|p| p.file == "b.jsonl" && p.message.en.starts_with("5 more problems"))
        );
    }
}
