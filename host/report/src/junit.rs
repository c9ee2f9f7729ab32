//! JUnit XML, for CI pipelines: one test case per rule, one `<failure>` per
//! failing finding, an `<error>` for a rule that could not run, `<skipped>`
//! for a rule that could not decide (insufficient evidence) or had nothing
//! in scope. Suites are the guideline chapters; ordinance rules are their
//! own suite.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::chapter::Chapter;
use crate::model::{Outcome, Status};
use crate::run::{Lang, RuleRow, Run};

/// Escapes text for XML content and attribute values; characters XML 1.0
/// cannot hold are dropped. For every JUnit XML Mizuchi writes (a run's
/// and `mizuchi rule test`'s).
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\n' => o.push_str("&#10;"),
            '\t' | '\r' => o.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => o.push(c),
        }
    }
    o
}

/// Counts of one suite.
#[derive(Default)]
struct Tally {
    tests: u64,
    failures: u64,
    errors: u64,
    skipped: u64,
}

impl Tally {
    fn add(&mut self, r: &RuleRow) {
        self.tests += 1;
        match r.outcome {
            Outcome::Fail => self.failures += 1,
            Outcome::Error => self.errors += 1,
            Outcome::InsufficientEvidence | Outcome::NotApplicable => self.skipped += 1,
            Outcome::Pass | Outcome::PassAlternative | Outcome::Waived => {}
        }
    }
}

/// One test case.
fn case(o: &mut String, suite: &str, r: &RuleRow, lang: Lang) {
    let l = lang.as_str();
    let _ = writeln!(
        o,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"0\">",
        escape(suite),
        escape(&format!("{} {}", r.id, r.title_in(lang)))
    );
    match r.outcome {
        Outcome::Fail => {
            for f in r.failed() {
                let refs: Vec<String> = f
                    .refs
                    .iter()
                    .map(|x| format!("{}: {}", x.section, x.locator))
                    .collect();
                let _ = writeln!(
                    o,
                    "      <failure type=\"{}:{}\" message=\"{}\">{}</failure>",
                    escape(&f.subject.kind),
                    escape(&f.subject.id),
                    escape(f.message.get(l)),
                    escape(&refs.join("\n"))
                );
            }
        }
        Outcome::Error => {
            let (cause, message) = r
                .error
                .as_ref()
                .map_or(("error", ""), |e| (e.cause.as_str(), e.message.as_str()));
            let _ = writeln!(
                o,
                "      <error type=\"{}\" message=\"{}\"/>",
                escape(cause),
                escape(message)
            );
        }
        Outcome::InsufficientEvidence => {
            let why: Vec<&str> = r
                .findings
                .iter()
                .filter(|f| f.status == Status::InsufficientEvidence)
                .map(|f| f.message.get(l))
                .collect();
            let _ = writeln!(
                o,
                "      <skipped message=\"{}\"/>",
                escape(&format!(
                    "{}: {}",
                    Outcome::InsufficientEvidence.label().get(l),
                    why.join(" / ")
                ))
            );
        }
        Outcome::NotApplicable => {
            let _ = writeln!(
                o,
                "      <skipped message=\"{}\"/>",
                escape(Outcome::NotApplicable.label().get(l))
            );
        }
        Outcome::Pass | Outcome::PassAlternative | Outcome::Waived => {}
    }
    let _ = writeln!(
        o,
        "      <system-out>{}</system-out>\n    </testcase>",
        escape(&format!(
            "{}: {}",
            lang.pick("結果", "outcome"),
            r.outcome.label().get(l)
        ))
    );
}

/// Renders `run` as a JUnit XML report.
pub fn render(run: &Run, lang: Lang) -> String {
    let mut suites: BTreeMap<Chapter, Vec<&RuleRow>> = BTreeMap::new();
    for r in run.rules() {
        suites
            .entry(Chapter::of(r.section.as_deref()))
            .or_default()
            .push(r);
    }
    let mut all = Tally::default();
    let mut body = String::new();
    for (chapter, rules) in &suites {
        let mut t = Tally::default();
        for r in rules {
            t.add(r);
            all.add(r);
        }
        let name = chapter.title().get(lang.as_str()).to_owned();
        let _ = writeln!(
            body,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\" timestamp=\"{}T00:00:00\">",
            escape(&name),
            t.tests,
            t.failures,
            t.errors,
            t.skipped,
            run.as_of()
        );
        for r in rules {
            case(&mut body, &name, r, lang);
        }
        body.push_str("  </testsuite>\n");
    }
    let name = format!(
        "mizuchi {} {}{}",
        run.utility_id(),
        run.as_of(),
        run.id().map(|r| format!(" {r}")).unwrap_or_default()
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\">\n{body}</testsuites>\n",
        escape(&name),
        all.tests,
        all.failures,
        all.errors,
        all.skipped
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_cannot_break_the_xml() {
        assert_eq!(
            escape("a\u{1}b<c>\"d\"&'\n"),
            "ab&lt;c&gt;&quot;d&quot;&amp;&apos;&#10;"
        );
    }
}
