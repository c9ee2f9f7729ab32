//! Logic shared by the modules of the official MLIT water rule pack.
//!
//! Each rule module of the pack is a separate component so that the regulator
//! can ship a fix to one area without touching the others. What more than one
//! module must decide the same way lives here, once: which assets the
//! ordinance covers ([`scope`]) and whether a network is truly closed
//! ([`closure`]), which NET-01 reports and ORD-02/03 rely on for their
//! alternative measure.

pub mod closure;
pub mod hosts;
pub mod scope;

#[cfg(feature = "test-support")]
pub mod build;

use mizuchi_sdk::prelude::*;

/// Whole days from `from` to `to` (negative if `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    // A span between two civil dates has days as its largest unit; it cannot
    // overflow for dates jiff can hold.
    from.until(to).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// `1 burst`, `5 bursts`: a count with its noun in English.
pub fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `once`, `5 times`.
pub fn times(n: u64) -> String {
    if n == 1 {
        "once".into()
    } else {
        format!("{n} times")
    }
}

/// A finding for the whole utility when a section the rule cannot do without is missing.
pub fn missing_section(section: SectionKind) -> Finding {
    let title = section.title();
    Finding::insufficient(
        Subject::organisation(),
        text!(ja: "証跡に「{}」がありません。判定できません。", title.ja;
              en: "the evidence holds no {}; the rule cannot decide", title.en),
    )
    .because(section, "(absent)")
}

/// Records dated after the assessment date do not exist for a rule (an
/// approval, appointment, training or test in the future of the as-of): the
/// catalog's convention. `Future` sorts them out and remembers them, so that
/// the finding can say they were ignored.
#[derive(Debug)]
pub struct Future {
    as_of: Date,
    /// What was ignored, and the subject it concerns (`None`: the whole
    /// utility).
    ignored: Vec<(Option<String>, String)>,
}

impl Future {
    /// A sorter for the assessment date `as_of`.
    pub fn new(as_of: Date) -> Self {
        Future {
            as_of,
            ignored: Vec::new(),
        }
    }

    /// Whether a record dated `date` exists on the as-of; if not, `what`
    /// names it for the note.
    pub fn admit(&mut self, date: Date, what: impl FnOnce() -> String) -> bool {
        self.admit_for(None, date, what)
    }

    /// As [`Future::admit`], for a record about the subject `subject` (an
    /// asset, a system, a person…): its note goes to that subject's finding.
    pub fn admit_for(
        &mut self,
        subject: Option<&str>,
        date: Date,
        what: impl FnOnce() -> String,
    ) -> bool {
        if date > self.as_of {
            self.ignored
                .push((subject.map(str::to_owned), format!("{} ({date})", what())));
            false
        } else {
            true
        }
    }

    /// Whether anything was ignored.
    pub fn is_empty(&self) -> bool {
        self.ignored.is_empty()
    }

    /// The finding with a note of what was ignored, if anything was.
    pub fn annotate(&self, finding: Finding) -> Finding {
        let all: Vec<&str> = self.ignored.iter().map(|(_, w)| w.as_str()).collect();
        self.note(finding, &all)
    }

    /// Notes what was ignored on the findings it concerns: a record about a
    /// subject on that subject's findings, the others on the first finding.
    pub fn annotate_all(&self, findings: Vec<Finding>) -> Vec<Finding> {
        let mut out = Vec::with_capacity(findings.len());
        for (i, f) in findings.into_iter().enumerate() {
            let mine: Vec<&str> = self
                .ignored
                .iter()
                .filter(|(s, _)| match s {
                    Some(s) => *s == f.subject.id,
                    None => i == 0,
                })
                .map(|(_, w)| w.as_str())
                .collect();
            out.push(self.note(f, &mine));
        }
        out
    }

    fn note(&self, mut finding: Finding, ignored: &[&str]) -> Finding {
        if !ignored.is_empty() {
            let list = ignored.join(", ");
            finding.message.ja.push_str(&format!(
                "（評価日 {} より後の日付の記録は存在しないものとして無視しました: {list}）",
                self.as_of
            ));
            finding.message.en.push_str(&format!(
                " (ignored, as dated after the assessment date {}: {list})",
                self.as_of
            ));
        }
        finding
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_after_the_as_of_does_not_exist_and_the_finding_says_so() {
        let mut f = Future::new(jiff::civil::date(2026, 11, 27));
        assert!(f.admit(jiff::civil::date(2026, 11, 27), || "a".into()));
        assert!(!f.admit(jiff::civil::date(2026, 11, 28), || "approval AP-9".into()));
        let finding = f.annotate(Finding::pass(
            Subject::organisation(),
            Text::new("ok", "ok"),
        ));
        assert!(
            finding.message.en.contains(
                "ignored, as dated after the assessment date 2026-11-27: approval AP-9 (2026-11-28)"
            ),
            "{}",
            finding.message.en
        );
        assert!(finding.message.ja.contains("無視しました"));
    }
}
