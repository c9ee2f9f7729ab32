//! What changed between two runs: in the results (new failures, fixed
//! findings, other changed findings, changed outcomes) and in what the
//! results were made from (packs, parameters, evidence files by digest, the
//! assessment date, the host).
//!
//! A finding is identified by its rule, its subject and its place among
//! that rule's findings about that subject (a rule may decide twice about
//! one subject, for two requirements).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::{Finding, Outcome, ParamValue, Status};
use crate::run::{Lang, Run};

/// One finding, where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Located {
    /// The rule.
    pub rule: String,
    /// The finding.
    pub finding: Finding,
}

/// A finding that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    /// The rule.
    pub rule: String,
    /// In the first run.
    pub before: Finding,
    /// In the second run.
    pub after: Finding,
}

/// A failed finding that no longer fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fixed {
    /// The rule.
    pub rule: String,
    /// In the first run.
    pub before: Finding,
    /// In the second run; `None` when the second run no longer makes it
    /// (its subject is gone, or its rule did not run).
    pub after: Option<Finding>,
}

/// A value that changed: before and after (`None`: absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change<T> {
    /// In the first run.
    pub before: Option<T>,
    /// In the second run.
    pub after: Option<T>,
}

/// What changed from run `a` to run `b`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunDiff {
    /// The first run's id.
    pub a: Option<String>,
    /// The second run's id.
    pub b: Option<String>,
    /// Findings that fail in `b` and did not in `a`.
    pub new_failures: Vec<Located>,
    /// Findings that failed in `a` and do not in `b` (their `b` state, or
    /// gone).
    pub fixed: Vec<Fixed>,
    /// Findings whose status or message changed otherwise.
    pub changed: Vec<Changed>,
    /// Findings of `a` that `b` no longer makes, and not failures.
    pub removed: Vec<Located>,
    /// Rules whose outcome changed.
    pub outcomes: BTreeMap<String, Change<Outcome>>,
    /// Packs that changed (name → `version sha256:digest`).
    pub packs: BTreeMap<String, Change<String>>,
    /// Parameters set differently for the run (`RULE.KEY`).
    pub parameters: BTreeMap<String, Change<ParamValue>>,
    /// Evidence files whose digest changed, or that one run read and the
    /// other did not.
    pub evidence: BTreeMap<String, Change<String>>,
    /// The assessment date, when it changed.
    pub as_of: Option<Change<String>>,
    /// The host version, when it changed.
    pub host: Option<Change<String>>,
}

/// Findings of a run by (rule, subject kind, subject id, place).
fn findings(run: &Run) -> BTreeMap<(String, String, String, usize), &Finding> {
    let mut out = BTreeMap::new();
    for r in run.rules() {
        let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for f in &r.findings {
            let n = seen
                .entry((f.subject.kind.as_str(), f.subject.id.as_str()))
                .or_default();
            out.insert(
                (
                    r.id.clone(),
                    f.subject.kind.clone(),
                    f.subject.id.clone(),
                    *n,
                ),
                f,
            );
            *n += 1;
        }
    }
    out
}

/// The entries of two maps that differ.
fn changes<K: Ord + Clone, V: PartialEq + Clone>(
    a: &BTreeMap<K, V>,
    b: &BTreeMap<K, V>,
) -> BTreeMap<K, Change<V>> {
    let keys: BTreeSet<&K> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            (
                k.clone(),
                Change {
                    before: a.get(k).cloned(),
                    after: b.get(k).cloned(),
                },
            )
        })
        .collect()
}

impl RunDiff {
    /// What changed from `a` to `b`.
    pub fn between(a: &Run, b: &Run) -> RunDiff {
        let fa = findings(a);
        let fb = findings(b);
        let mut d = RunDiff {
            a: a.id().map(str::to_owned),
            b: b.id().map(str::to_owned),
            new_failures: Vec::new(),
            fixed: Vec::new(),
            changed: Vec::new(),
            removed: Vec::new(),
            outcomes: BTreeMap::new(),
            packs: BTreeMap::new(),
            parameters: changes(a.overrides(), b.overrides()),
            evidence: changes(a.files(), b.files()),
            as_of: (a.as_of() != b.as_of()).then(|| Change {
                before: Some(a.as_of().to_string()),
                after: Some(b.as_of().to_string()),
            }),
            host: (a.host().version != b.host().version).then(|| Change {
                before: Some(a.host().version.clone()),
                after: Some(b.host().version.clone()),
            }),
        };
        for (key, after) in &fb {
            let before = fa.get(key);
            let failed_before = before.is_some_and(|f| f.status == Status::Fail);
            if after.status == Status::Fail && !failed_before {
                d.new_failures.push(Located {
                    rule: key.0.clone(),
                    finding: (*after).clone(),
                });
            } else if let Some(before) = before
                && (before.status != after.status || before.message != after.message)
            {
                if failed_before && after.status != Status::Fail {
                    d.fixed.push(Fixed {
                        rule: key.0.clone(),
                        before: (*before).clone(),
                        after: Some((*after).clone()),
                    });
                } else {
                    d.changed.push(Changed {
                        rule: key.0.clone(),
                        before: (*before).clone(),
                        after: (*after).clone(),
                    });
                }
            }
        }
        for (key, before) in &fa {
            if !fb.contains_key(key) {
                if before.status == Status::Fail {
                    d.fixed.push(Fixed {
                        rule: key.0.clone(),
                        before: (*before).clone(),
                        after: None,
                    });
                } else {
                    d.removed.push(Located {
                        rule: key.0.clone(),
                        finding: (*before).clone(),
                    });
                }
            }
        }
        let oa: BTreeMap<String, Outcome> = a
            .rules()
            .iter()
            .map(|r| (r.id.clone(), r.outcome))
            .collect();
        let ob: BTreeMap<String, Outcome> = b
            .rules()
            .iter()
            .map(|r| (r.id.clone(), r.outcome))
            .collect();
        d.outcomes = changes(&oa, &ob);
        let packs = |run: &Run| -> BTreeMap<String, String> {
            run.packs()
                .iter()
                .map(|p| (p.name.clone(), format!("{} sha256:{}", p.version, p.digest)))
                .collect()
        };
        d.packs = changes(&packs(a), &packs(b));
        d
    }

    /// Nothing changed in the results.
    pub fn results_unchanged(&self) -> bool {
        self.new_failures.is_empty()
            && self.fixed.is_empty()
            && self.changed.is_empty()
            && self.removed.is_empty()
            && self.outcomes.is_empty()
    }

    /// The diff as text for a terminal, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let l = lang.as_str();
        let mut o = String::new();
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_owned());
        let _ = writeln!(
            o,
            "{} {} → {}",
            lang.pick("比較", "comparing"),
            opt(&self.a),
            opt(&self.b)
        );
        let finding = |f: &Finding| {
            format!(
                "{}:{} [{}] {}",
                f.subject.kind,
                f.subject.id,
                f.status.as_str(),
                f.message.get(l)
            )
        };
        let section = |o: &mut String, title: &str, lines: Vec<String>| {
            if !lines.is_empty() {
                let _ = writeln!(o, "\n{title} ({})", lines.len());
                for line in lines {
                    let _ = writeln!(o, "  {line}");
                }
            }
        };
        section(
            &mut o,
            lang.pick("新たな不適合", "New failures"),
            self.new_failures
                .iter()
                .map(|x| format!("{} {}", x.rule, finding(&x.finding)))
                .collect(),
        );
        section(
            &mut o,
            lang.pick("解消した不適合", "Fixed"),
            self.fixed
                .iter()
                .map(|x| match &x.after {
                    None => format!(
                        "{} {} ({})",
                        x.rule,
                        finding(&x.before),
                        lang.pick("所見なし", "no longer found")
                    ),
                    Some(after) => format!(
                        "{} {} → [{}]",
                        x.rule,
                        finding(&x.before),
                        after.status.as_str()
                    ),
                })
                .collect(),
        );
        section(
            &mut o,
            lang.pick("変わった所見", "Changed findings"),
            self.changed
                .iter()
                .map(|x| {
                    format!(
                        "{} {}\n    → {}",
                        x.rule,
                        finding(&x.before),
                        finding(&x.after)
                    )
                })
                .collect(),
        );
        section(
            &mut o,
            lang.pick("なくなった所見", "Findings no longer made"),
            self.removed
                .iter()
                .map(|x| format!("{} {}", x.rule, finding(&x.finding)))
                .collect(),
        );
        let change = |c: &Change<String>| format!("{} → {}", opt(&c.before), opt(&c.after));
        section(
            &mut o,
            lang.pick("結果が変わった規則", "Changed outcomes"),
            self.outcomes
                .iter()
                .map(|(k, c)| {
                    let s = |x: &Option<Outcome>| {
                        x.map_or_else(|| "—".to_owned(), |x| x.label().get(l).to_owned())
                    };
                    format!("{k}: {} → {}", s(&c.before), s(&c.after))
                })
                .collect(),
        );
        section(
            &mut o,
            lang.pick("パック", "Packs"),
            self.packs
                .iter()
                .map(|(k, c)| format!("{k}: {}", change(c)))
                .collect(),
        );
        section(
            &mut o,
            lang.pick("パラメータ", "Parameters"),
            self.parameters
                .iter()
                .map(|(k, c)| {
                    let s = |x: &Option<ParamValue>| {
                        x.as_ref().map_or_else(
                            || lang.pick("既定値", "default").to_owned(),
                            ToString::to_string,
                        )
                    };
                    format!("{k}: {} → {}", s(&c.before), s(&c.after))
                })
                .collect(),
        );
        section(
            &mut o,
            lang.pick("証跡ファイル (SHA-256)", "Evidence files (SHA-256)"),
            self.evidence
                .iter()
                .map(|(k, c)| {
                    let short = |x: &Option<String>| {
                        x.as_ref()
                            .map_or_else(|| "—".to_owned(), |d| d.chars().take(12).collect())
                    };
                    format!("{k}: {} → {}", short(&c.before), short(&c.after))
                })
                .collect(),
        );
        if let Some(c) = &self.as_of {
            section(
                &mut o,
                lang.pick("評価基準日", "Assessment date"),
                vec![change(c)],
            );
        }
        if let Some(c) = &self.host {
            section(
                &mut o,
                lang.pick("Mizuchi の版", "Mizuchi version"),
                vec![change(c)],
            );
        }
        if self.results_unchanged() {
            let _ = writeln!(
                o,
                "\n{}",
                lang.pick("結果に変わりはありません", "The results are the same")
            );
        }
        o
    }
}
