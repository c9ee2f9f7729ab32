//! Findings as CSV, for spreadsheets: one row per finding, UTF-8 with a
//! byte order mark so that Excel opens Japanese text correctly, CRLF line
//! ends as Excel writes them, every field quoted where it must be.

use std::fmt::Write as _;

use crate::run::{Lang, Run};

/// Quotes a field if it holds a comma, a quote or a line break; a field
/// that a spreadsheet would read as a formula is prefixed with `'`.
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Renders every finding of `run` as CSV, headers and messages in `lang`.
pub fn render(run: &Run, lang: Lang) -> String {
    let l = lang.as_str();
    let headers = [
        lang.pick("規則", "rule"),
        lang.pick("名称", "title"),
        lang.pick("区分", "force"),
        lang.pick("ガイドライン", "guideline section"),
        lang.pick("規則の結果", "rule outcome"),
        lang.pick("対象の種類", "subject kind"),
        lang.pick("対象", "subject"),
        lang.pick("判定", "status"),
        lang.pick("内容", "message"),
        lang.pick("根拠となる証跡", "evidence"),
    ];
    let mut o = String::from("\u{feff}");
    o.push_str(&headers.map(field).join(","));
    o.push_str("\r\n");
    for r in run.rules() {
        for f in &r.findings {
            let refs: Vec<String> = f
                .refs
                .iter()
                .map(|x| format!("{}: {}", x.section, x.locator))
                .collect();
            let row = [
                r.id.clone(),
                r.title_in(lang).to_owned(),
                r.force.map_or(String::new(), |f| f.as_str().to_owned()),
                r.section.clone().unwrap_or_default(),
                r.outcome.as_str().to_owned(),
                f.subject.kind.clone(),
                f.subject.id.clone(),
                f.status.as_str().to_owned(),
                f.message.get(l).to_owned(),
                refs.join("; "),
            ];
            let _ = write!(o, "{}\r\n", row.map(|s| field(&s)).join(","));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"x\""), "\"say \"\"x\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("plain"), "plain");
    }
}
