//! The HTML report: one self-contained page for a utility's management and
//! the regulator.
//!
//! Everything is in the file: the styles, the charts (inline SVG), no
//! script, no font or image fetched. It reads top down as a manager asks:
//! who vouches for these results; how do ordinance and recommended rules
//! stand (counted apart, never netted into one score); how does each
//! guideline chapter stand; what needs action, on which subjects, from which
//! evidence; what was accepted as a risk, by whom, until when; which
//! parameters the run changed; then every rule and every finding. The print
//! styles lay it out on A4, so the browser's "print" (or `--format pdf`)
//! gives a clean PDF.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use mizuchi_evidence::Text;

use crate::chapter::Chapter;
use crate::diff::RunDiff;
use crate::model::{Finding, Force, Outcome, ParamValue, Status};
use crate::run::{Lang, RuleRow, Run};

/// Escapes text for HTML element content and attribute values (the
/// regulator's hub uses it for its dashboard too).
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// The colour an outcome is drawn in (also distinguishable in greyscale
/// print by its label, which is always written next to it).
fn colour(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "#2e7d32",
        Outcome::PassAlternative => "#00897b",
        Outcome::Fail => "#c62828",
        Outcome::InsufficientEvidence => "#ef8f00",
        Outcome::NotApplicable => "#9e9e9e",
        Outcome::Waived => "#1565c0",
        Outcome::Error => "#6a1b9a",
    }
}

/// The CSS class of a status or outcome name.
fn class(name: &str) -> String {
    format!("o-{name}")
}

const STYLE: &str = r#"
:root { --ink:#1a1a1a; --muted:#5f6368; --line:#d0d7de; --bg:#f6f8fa; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 32px; color: var(--ink);
  font: 14px/1.6 "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic", Meiryo, system-ui, sans-serif;
  overflow-wrap: anywhere; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 20px 0 6px; }
p.sub { margin: 0; color: var(--muted); }
table { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.n, th.n { text-align: right; width: 7em; }
code, .mono { font-family: "Noto Sans Mono CJK JP", ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; color: #fff; font-size: 12px; white-space: nowrap; }
.o-pass { background: #2e7d32; } .o-pass-alternative { background: #00897b; } .o-fail { background: #c62828; }
.o-insufficient-evidence { background: #ef8f00; } .o-not-applicable { background: #9e9e9e; }
.o-waived { background: #1565c0; } .o-error { background: #6a1b9a; } .o-warn { background: #8d6e63; }
.prov { border: 1px solid var(--line); background: var(--bg); padding: 8px 16px; border-radius: 6px; }
.prov.unsigned { border: 2px solid #c62828; background: #fff5f5; }
.prov dl { display: grid; grid-template-columns: 12em 1fr; gap: 2px 12px; margin: 4px 0; }
.prov dt { color: var(--muted); } .prov dd { margin: 0; }
.cards { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px; }
.card h3 { margin-top: 4px; }
.chart svg { width: 100%; height: auto; display: block; }
.legend span { margin-right: 12px; white-space: nowrap; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.rule { break-inside: avoid; }
.muted { color: var(--muted); }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  tr, .card, .prov, .chart { break-inside: avoid; }
  .badge { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .legend i, .chart svg { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
@media (max-width: 700px) { .cards { grid-template-columns: 1fr; } .prov dl { grid-template-columns: 1fr; } }
"#;

/// A badge naming an outcome.
fn badge(o: Outcome, lang: Lang) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        class(o.as_str()),
        escape(o.label().get(lang.as_str()))
    )
}

/// A badge naming a finding's status.
fn status_badge(s: Status, lang: Lang) -> String {
    let label = match s {
        Status::Pass => Outcome::Pass.label(),
        Status::PassAlternative => Outcome::PassAlternative.label(),
        Status::Fail => Outcome::Fail.label(),
        Status::NotApplicable => Outcome::NotApplicable.label(),
        Status::InsufficientEvidence => Outcome::InsufficientEvidence.label(),
        Status::Waived => Outcome::Waived.label(),
        Status::Warn => Text::new("注意", "warning"),
    };
    format!(
        "<span class=\"badge {}\">{}</span>",
        class(s.as_str()),
        escape(label.get(lang.as_str()))
    )
}

/// The counts of one force as a table.
fn counts_table(o: &mut String, counts: &BTreeMap<Outcome, u64>, lang: Lang) {
    let total: u64 = counts.values().sum();
    let _ = write!(
        o,
        "<table><thead><tr><th>{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        lang.pick("結果", "Outcome"),
        lang.pick("規則数", "Rules")
    );
    for outcome in Outcome::ALL {
        let n = counts.get(&outcome).copied().unwrap_or(0);
        if n > 0 {
            let _ = write!(
                o,
                "<tr><td>{}</td><td class=\"n\">{n}</td></tr>",
                badge(outcome, lang)
            );
        }
    }
    let _ = write!(
        o,
        "<tr><th>{}</th><th class=\"n\">{total}</th></tr></tbody></table>",
        lang.pick("計", "Total")
    );
}

/// One stacked bar per chapter: each outcome's share of the chapter's rules.
fn chapter_chart(o: &mut String, run: &Run, lang: Lang) {
    let mut by: BTreeMap<Chapter, BTreeMap<Outcome, u64>> = BTreeMap::new();
    for r in run.rules() {
        *by.entry(Chapter::of(r.section.as_deref()))
            .or_default()
            .entry(r.outcome)
            .or_default() += 1;
    }
    let (label_w, bar_w, row_h) = (380.0_f64, 560.0_f64, 30.0_f64);
    let height = row_h * by.len() as f64 + 8.0;
    let _ = write!(
        o,
        "<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {height}\" role=\"img\" aria-label=\"{}\">",
        label_w + bar_w + 10.0,
        escape(lang.pick("章ごとの結果", "Outcomes by chapter"))
    );
    for (row, (chapter, counts)) in by.iter().enumerate() {
        let y = row as f64 * row_h + 4.0;
        let total: u64 = counts.values().sum();
        let _ = write!(
            o,
            "<text x=\"0\" y=\"{}\" font-size=\"13\" fill=\"#1a1a1a\">{} ({total})</text>",
            y + 17.0,
            escape(chapter.title().get(lang.as_str()))
        );
        let mut x = label_w;
        for outcome in Outcome::ALL {
            let n = counts.get(&outcome).copied().unwrap_or(0);
            if n == 0 {
                continue;
            }
            let w = bar_w * n as f64 / total.max(1) as f64;
            let _ = write!(
                o,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\"><title>{}: {n}</title></rect>",
                row_h - 8.0,
                colour(outcome),
                escape(outcome.label().get(lang.as_str()))
            );
            if w >= 18.0 {
                let _ = write!(
                    o,
                    "<text x=\"{:.1}\" y=\"{}\" font-size=\"12\" fill=\"#fff\" text-anchor=\"middle\">{n}</text>",
                    x + w / 2.0,
                    y + 16.0
                );
            }
            x += w;
        }
    }
    o.push_str("</svg><div class=\"legend\">");
    for outcome in Outcome::ALL {
        let _ = write!(
            o,
            "<span><i style=\"background:{}\"></i>{}</span>",
            colour(outcome),
            escape(outcome.label().get(lang.as_str()))
        );
    }
    o.push_str("</div></div>");
}

/// The evidence a finding cites.
fn refs(f: &Finding) -> String {
    let list: Vec<String> = f
        .refs
        .iter()
        .map(|r| {
            format!(
                "<code>{}: {}</code>",
                escape(&r.section),
                escape(&r.locator)
            )
        })
        .collect();
    list.join("<br>")
}

/// How many findings a table shows: a page people read, not a listing. A
/// large utility's rule can decide about thousands of subjects; every
/// finding is in the CSV, JUnit and OSCAL reports.
const SHOWN: usize = 25;

/// The line that stands for the findings a table leaves out.
fn more(o: &mut String, left: usize, columns: usize, lang: Lang) {
    if left == 0 {
        return;
    }
    let _ = write!(
        o,
        "<tr><td colspan=\"{columns}\" class=\"muted\">{}</td></tr>",
        escape(&match lang {
            Lang::Ja => format!(
                "ほか {left} 件。すべての所見は findings.csv・junit.xml・OSCAL の結果にあります (mizuchi report --format csv,junit,oscal)"
            ),
            Lang::En => format!(
                "and {left} more; every finding is in findings.csv, junit.xml and the OSCAL results (mizuchi report --format csv,junit,oscal)"
            ),
        })
    );
}

/// How much a finding's status asks for attention: what is shown first.
fn urgency(s: Status) -> u8 {
    match s {
        Status::Fail => 0,
        Status::InsufficientEvidence => 1,
        Status::Waived => 2,
        Status::Warn => 3,
        Status::PassAlternative => 4,
        Status::Pass => 5,
        Status::NotApplicable => 6,
    }
}

/// A table of findings: the first [`SHOWN`], and how many more there are.
fn findings_table<'a>(o: &mut String, findings: impl Iterator<Item = &'a Finding>, lang: Lang) {
    let _ = write!(
        o,
        "<table><colgroup><col style=\"width:18%\"><col style=\"width:10em\"><col><col style=\"width:26%\"></colgroup>\
         <thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        lang.pick("対象", "Subject"),
        lang.pick("判定", "Status"),
        lang.pick("内容", "Finding"),
        lang.pick("根拠となる証跡", "Evidence")
    );
    let mut left = 0;
    for (i, f) in findings.enumerate() {
        if i >= SHOWN {
            left += 1;
            continue;
        }
        let _ = write!(
            o,
            "<tr><td><code>{}:{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&f.subject.kind),
            escape(&f.subject.id),
            status_badge(f.status, lang),
            escape(f.message.get(lang.as_str())),
            refs(f)
        );
    }
    more(o, left, 4, lang);
    o.push_str("</tbody></table>");
}

/// The heading line of a rule.
fn rule_heading(o: &mut String, r: &RuleRow, lang: Lang) {
    let force = match r.force {
        Some(Force::Ordinance) => lang.pick("省令", "ordinance"),
        Some(Force::Recommended) => lang.pick("推奨", "recommended"),
        None => "",
    };
    let _ = write!(
        o,
        "<h3 id=\"{}\">{} <code>{}</code> {}</h3><p class=\"sub\">{}{}{}</p>",
        escape(&r.id),
        badge(r.outcome, lang),
        escape(&r.id),
        escape(r.title_in(lang)),
        escape(force),
        r.section
            .as_deref()
            .map(|s| format!(
                " · {} {}",
                lang.pick("ガイドライン", "guideline"),
                escape(s)
            ))
            .unwrap_or_default(),
        r.version
            .as_deref()
            .map(|v| format!(" · v{}", escape(v)))
            .unwrap_or_default(),
    );
}

/// Who vouches for the results.
fn provenance(o: &mut String, run: &Run, lang: Lang) {
    let row = |o: &mut String, k: &str, v: String| {
        let _ = write!(o, "<dt>{}</dt><dd>{v}</dd>", escape(k));
    };
    match run.signed() {
        Some(s) => {
            let _ = write!(
                o,
                "<section class=\"prov\"><h3>✔ {}</h3><dl>",
                lang.pick(
                    "署名付き台帳から作成し、検証済みです",
                    "Made from a signed ledger, verified"
                )
            );
            row(
                o,
                lang.pick("台帳", "Ledger"),
                format!("<code>{}</code>", escape(&s.ledger)),
            );
            row(
                o,
                lang.pick("実行", "Run"),
                format!(
                    "<code>{}</code> ({} {})",
                    escape(run.id().unwrap_or("")),
                    lang.pick("見出し項目", "header entry"),
                    s.entry
                ),
            );
            row(
                o,
                lang.pick("チェックポイント", "Checkpoint"),
                match lang {
                    Lang::Ja => format!(
                        "台帳の {} 項目のうち {} 項目を、署名付きチェックポイントが確認",
                        s.entries, s.acknowledged
                    ),
                    Lang::En => format!(
                        "{} of the ledger's {} entries acknowledged by a signed checkpoint",
                        s.acknowledged, s.entries
                    ),
                },
            );
            row(
                o,
                lang.pick("台帳のルート", "Ledger root"),
                format!("<code>{}</code>", escape(&s.root)),
            );
            row(
                o,
                lang.pick("結果の署名鍵", "Results signed by"),
                s.signers
                    .iter()
                    .map(|k| format!("<code>{}</code>", escape(k)))
                    .collect::<Vec<_>>()
                    .join("<br>"),
            );
        }
        None => {
            let _ = write!(
                o,
                "<section class=\"prov unsigned\"><h3>⚠ {}</h3><p>{}</p><dl>",
                lang.pick("署名のない結果", "Unsigned results"),
                lang.pick(
                    "この報告は `mizuchi eval --format json` の出力から作りました。署名がなく、誰も内容を保証しません。提出には `mizuchi eval --ledger` で記録した台帳から作った報告を使ってください。",
                    "This report was made from the output of `mizuchi eval --format json`. It is not signed and nobody vouches for it; to hand results over, report from a ledger recorded with `mizuchi eval --ledger`."
                )
            );
        }
    }
    for p in run.packs() {
        let who = match (&p.publisher, p.unsigned) {
            (_, true) => format!(
                "<span class=\"badge o-fail\">{}</span>",
                lang.pick("署名のないパック", "unsigned pack")
            ),
            (Some(publisher), false) => format!(
                "{} {} {}",
                lang.pick("発行者", "publisher"),
                escape(publisher),
                p.signed_by
                    .iter()
                    .map(|k| format!("<code>{}</code>", escape(k)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (None, false) => String::new(),
        };
        row(
            o,
            lang.pick("規則パック", "Rule pack"),
            format!(
                "<code>{}@{}</code> sha256 <code>{}</code><br>{who}",
                escape(&p.name),
                escape(&p.version),
                escape(&p.digest)
            ),
        );
    }
    row(
        o,
        lang.pick("証跡", "Evidence"),
        format!(
            "{} {} · sha256 <code>{}</code>",
            lang.pick("収集日", "collected on"),
            run.collected_on(),
            escape(run.evidence_digest())
        ),
    );
    o.push_str("</dl></section>");
}

/// How the run compares with the utility's previous run.
fn trend(o: &mut String, run: &Run, previous: &Run, lang: Lang) {
    let l = lang.as_str();
    let d = RunDiff::between(previous, run);
    let _ = write!(
        o,
        "<h2>{}</h2><p class=\"sub\">{} <code>{}</code> ({} {})</p>",
        lang.pick("前回の評価からの変化", "Since the previous run"),
        lang.pick("前回", "Previous run"),
        escape(previous.id().unwrap_or("")),
        lang.pick("評価基準日", "as of"),
        previous.as_of()
    );
    let _ = write!(
        o,
        "<table><thead><tr><th>{}</th>",
        lang.pick("結果", "Outcome")
    );
    for head in [
        lang.pick("省令 前回", "Ordinance, before"),
        lang.pick("省令 今回", "Ordinance, now"),
        lang.pick("推奨 前回", "Recommended, before"),
        lang.pick("推奨 今回", "Recommended, now"),
    ] {
        let _ = write!(o, "<th class=\"n\">{}</th>", escape(head));
    }
    o.push_str("</tr></thead><tbody>");
    let counts = [
        previous.counts(Some(Force::Ordinance)),
        run.counts(Some(Force::Ordinance)),
        previous.counts(Some(Force::Recommended)),
        run.counts(Some(Force::Recommended)),
    ];
    for outcome in Outcome::ALL {
        let row: Vec<u64> = counts
            .iter()
            .map(|c| c.get(&outcome).copied().unwrap_or(0))
            .collect();
        if row.iter().all(|n| *n == 0) {
            continue;
        }
        let _ = write!(o, "<tr><td>{}</td>", badge(outcome, lang));
        for n in row {
            let _ = write!(o, "<td class=\"n\">{n}</td>");
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table>");
    let list = |o: &mut String, title: &str, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        let _ = write!(o, "<h3>{} ({})</h3><ul>", escape(title), items.len());
        let total = items.len();
        for i in items.into_iter().take(SHOWN) {
            let _ = write!(o, "<li>{i}</li>");
        }
        if total > SHOWN {
            let _ = write!(
                o,
                "<li class=\"muted\">{}</li>",
                escape(&match lang {
                    Lang::Ja => format!("ほか {} 件 (mizuchi report diff)", total - SHOWN),
                    Lang::En => format!("and {} more (mizuchi report diff)", total - SHOWN),
                })
            );
        }
        o.push_str("</ul>");
    };
    let finding = |rule: &str, f: &Finding| {
        format!(
            "<code>{}</code> <code>{}:{}</code> {}",
            escape(rule),
            escape(&f.subject.kind),
            escape(&f.subject.id),
            escape(f.message.get(l))
        )
    };
    list(
        o,
        lang.pick("新たな不適合", "New failures"),
        d.new_failures
            .iter()
            .map(|x| finding(&x.rule, &x.finding))
            .collect(),
    );
    list(
        o,
        lang.pick("解消した不適合", "Fixed"),
        d.fixed
            .iter()
            .map(|x| finding(&x.rule, &x.before))
            .collect(),
    );
    let mut between = Vec::new();
    for (k, c) in &d.parameters {
        let v = |x: &Option<ParamValue>| {
            x.as_ref().map_or_else(
                || lang.pick("既定値", "default").to_owned(),
                ToString::to_string,
            )
        };
        between.push(format!(
            "{} <code>{}</code>: {} → {}",
            lang.pick("パラメータ", "parameter"),
            escape(k),
            escape(&v(&c.before)),
            escape(&v(&c.after))
        ));
    }
    for (k, c) in &d.packs {
        between.push(format!(
            "{} <code>{}</code>: {} → {}",
            lang.pick("パック", "pack"),
            escape(k),
            escape(c.before.as_deref().unwrap_or("—")),
            escape(c.after.as_deref().unwrap_or("—"))
        ));
    }
    if !d.evidence.is_empty() {
        between.push(format!(
            "{}: {}",
            lang.pick("変わった証跡ファイル", "evidence files changed"),
            d.evidence
                .keys()
                .map(|k| format!("<code>{}</code>", escape(k)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    list(
        o,
        lang.pick("その間に変わったもの", "What changed in between"),
        between,
    );
    if d.results_unchanged() {
        let _ = write!(
            o,
            "<p>{}</p>",
            lang.pick("結果に変わりはありません。", "The results are the same.")
        );
    }
}

/// Renders `run` as one self-contained HTML page in `lang`; with the
/// utility's `previous` run, it also shows what changed since.
pub fn render(run: &Run, previous: Option<&Run>, lang: Lang) -> String {
    let l = lang.as_str();
    let mut o = String::with_capacity(64 * 1024);
    let title = run.title(lang);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{l}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>",
        escape(&title)
    );
    let _ = write!(
        o,
        "<header><h1>{}</h1><p class=\"sub\">{} <code>{}</code> · {} {} · {}</p></header>",
        escape(run.utility_name().get(l)),
        lang.pick("事業体", "Utility"),
        escape(run.utility_id()),
        lang.pick("評価基準日", "Assessed as of"),
        run.as_of(),
        escape(lang.pick(
            "国土交通省「水道分野における情報セキュリティ確保に係る安全ガイドライン」(2025年3月) と水道施設の技術的基準を定める省令による",
            "Against MLIT's water-sector cybersecurity guideline (March 2025) and the ordinance on the technical standards of water facilities"
        ))
    );
    provenance(&mut o, run, lang);

    // Ordinance and recommended, apart.
    let _ = write!(
        o,
        "<h2>{}</h2><div class=\"cards\">",
        lang.pick("概要", "Summary")
    );
    for (force, heading, note) in [
        (
            Some(Force::Ordinance),
            lang.pick("省令の要件", "Ordinance requirements"),
            lang.pick("法令上の義務です。", "Legal obligations."),
        ),
        (
            Some(Force::Recommended),
            lang.pick("ガイドラインの推奨事項", "Guideline recommendations"),
            lang.pick(
                "ガイドラインが推奨する対策です。",
                "Measures the guideline recommends.",
            ),
        ),
    ] {
        let _ = write!(
            o,
            "<div class=\"card\"><h3>{}</h3><p class=\"sub\">{}</p>",
            escape(heading),
            escape(note)
        );
        counts_table(&mut o, &run.counts(force), lang);
        o.push_str("</div>");
    }
    o.push_str("</div>");
    let other = run.counts(None);
    if !other.is_empty() {
        let _ = write!(
            o,
            "<h3>{}</h3>",
            lang.pick("区分のない結果", "Results of no known force")
        );
        counts_table(&mut o, &other, lang);
    }

    if let Some(previous) = previous {
        trend(&mut o, run, previous, lang);
    }

    let _ = write!(
        o,
        "<h2>{}</h2>",
        lang.pick("章ごとの結果", "By guideline chapter")
    );
    chapter_chart(&mut o, run, lang);

    // What needs action.
    let _ = write!(
        o,
        "<h2>{}</h2>",
        lang.pick("対応が必要な事項", "What needs action")
    );
    let failing: Vec<&RuleRow> = run
        .rules()
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Fail | Outcome::Error))
        .collect();
    if failing.is_empty() {
        let _ = write!(
            o,
            "<p>{}</p>",
            lang.pick("不適合の規則はありません。", "No rule failed.")
        );
    }
    for r in &failing {
        o.push_str("<div class=\"rule\">");
        rule_heading(&mut o, r, lang);
        if let Some(e) = &r.error {
            let _ = write!(
                o,
                "<p>{}: <code>{}</code> {}</p>",
                lang.pick("実行できませんでした", "It could not run"),
                escape(&e.cause),
                escape(&e.message)
            );
        }
        findings_table(&mut o, r.failed(), lang);
        o.push_str("</div>");
    }
    let insufficient: Vec<&RuleRow> = run
        .rules()
        .iter()
        .filter(|r| r.outcome == Outcome::InsufficientEvidence)
        .collect();
    if !insufficient.is_empty() {
        let _ = write!(
            o,
            "<h3>{}</h3><p class=\"sub\">{}</p>",
            lang.pick(
                "証跡が足りず判定できない規則",
                "Rules that could not decide for lack of evidence"
            ),
            lang.pick(
                "証跡を補って再評価してください。",
                "Add the evidence they need and evaluate again."
            )
        );
        for r in insufficient {
            o.push_str("<div class=\"rule\">");
            rule_heading(&mut o, r, lang);
            findings_table(
                &mut o,
                r.findings
                    .iter()
                    .filter(|f| f.status == Status::InsufficientEvidence),
                lang,
            );
            o.push_str("</div>");
        }
    }

    // Risk acceptances: who accepted which risk, why, until when; and those
    // that expired, whose findings are failures again.
    let _ = write!(
        o,
        "<h2>{}</h2>",
        lang.pick("リスク受容", "Risk acceptances")
    );
    let accepted: Vec<(&RuleRow, &crate::model::Acceptance)> = run
        .rules()
        .iter()
        .flat_map(|r| r.acceptances.iter().map(move |a| (r, a)))
        .collect();
    if accepted.is_empty() {
        let _ = write!(o, "<p>{}</p>", lang.pick("ありません。", "None."));
    } else {
        let _ = write!(
            o,
            "<table><colgroup><col style=\"width:22%\"><col style=\"width:13%\"><col style=\"width:12%\"><col style=\"width:17%\"><col></colgroup>\
             <thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            lang.pick("規則", "Rule"),
            lang.pick("対象", "Subject"),
            lang.pick("承認者", "Approved by"),
            lang.pick("期限", "Expiry"),
            lang.pick("理由", "Reason")
        );
        for (r, a) in accepted {
            let expiry = if a.expired {
                format!(
                    "<span class=\"badge o-fail\">{}</span> {}",
                    lang.pick("期限切れ", "expired"),
                    escape(&match lang {
                        Lang::Ja => format!("{} まで受容されていました", a.expires_on),
                        Lang::En => format!("was waived until {}", a.expires_on),
                    })
                )
            } else {
                format!(
                    "{} ({} {})",
                    a.expires_on,
                    lang.pick("承認", "approved"),
                    a.approved_on
                )
            };
            let _ = write!(
                o,
                "<tr><td><code>{}</code> {}</td><td>{}</td><td><code>{}</code></td><td>{expiry}</td><td>{}</td></tr>",
                escape(&r.id),
                escape(r.title_in(lang)),
                a.subject.as_deref().map_or_else(
                    || escape(lang.pick("すべての対象", "every subject")),
                    |s| format!("<code>{}</code>", escape(s))
                ),
                escape(&a.approved_by),
                escape(&a.reason)
            );
        }
        o.push_str("</tbody></table>");
    }

    // Parameters the run set.
    let _ = write!(
        o,
        "<h2>{}</h2>",
        lang.pick(
            "既定値から変えたパラメータ",
            "Parameters changed from the pack's defaults"
        )
    );
    if run.signed().is_none() {
        let _ = write!(
            o,
            "<p class=\"muted\">{}</p>",
            lang.pick(
                "署名のない結果には記録されていません。各規則の詳細に使われた値があります。",
                "Not recorded in unsigned results; each rule's details list the values used."
            )
        );
    } else if run.overrides().is_empty() {
        let _ = write!(
            o,
            "<p>{}</p>",
            lang.pick(
                "ありません (すべてパックの既定値)。",
                "None: every parameter has the pack's default."
            )
        );
    } else {
        let _ = write!(
            o,
            "<table><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>",
            lang.pick("パラメータ", "Parameter"),
            lang.pick("この評価で使った値", "Value used")
        );
        for (k, v) in run.overrides() {
            let _ = write!(
                o,
                "<tr><td><code>{}</code></td><td><code>{}</code></td></tr>",
                escape(k),
                escape(&v.to_string())
            );
        }
        o.push_str("</tbody></table>");
    }

    // Every rule.
    let _ = write!(o, "<h2>{}</h2>", lang.pick("すべての規則", "Every rule"));
    let _ = write!(
        o,
        "<table><colgroup><col style=\"width:9.5em\"><col><col style=\"width:13em\"><col style=\"width:11em\"><col style=\"width:5em\"></colgroup>\
         <thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        lang.pick("規則", "Rule"),
        lang.pick("名称", "Title"),
        lang.pick("ガイドライン", "Guideline"),
        lang.pick("結果", "Outcome"),
        lang.pick("対象数", "Subjects")
    );
    for r in run.rules() {
        let subjects = r
            .findings
            .iter()
            .map(|f| (&f.subject.kind, &f.subject.id))
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let _ = write!(
            o,
            "<tr><td><a href=\"#d-{}\"><code>{}</code></a></td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{subjects}</td></tr>",
            escape(&r.id),
            escape(&r.id),
            escape(r.title_in(lang)),
            escape(r.section.as_deref().unwrap_or("")),
            badge(r.outcome, lang)
        );
    }
    o.push_str("</tbody></table>");

    // Details.
    let _ = write!(
        o,
        "<h2>{}</h2>",
        lang.pick("規則ごとの詳細", "Details of every rule")
    );
    for r in run.rules() {
        let _ = write!(o, "<div class=\"rule\" id=\"d-{}\">", escape(&r.id));
        rule_heading(&mut o, r, lang);
        let params: Vec<String> = r
            .parameters
            .iter()
            .map(|(k, v)| format!("<code>{}={}</code>", escape(k), escape(&v.to_string())))
            .collect();
        let _ = write!(
            o,
            "<p class=\"sub\">{} {} · {} {}{}</p>",
            lang.pick("パック", "pack"),
            escape(&r.pack),
            lang.pick("燃料", "fuel"),
            r.fuel,
            if params.is_empty() {
                String::new()
            } else {
                format!(
                    " · {} {}",
                    lang.pick("パラメータ", "parameters"),
                    params.join(" ")
                )
            }
        );
        if r.findings.is_empty() {
            let _ = write!(
                o,
                "<p class=\"muted\">{}</p>",
                lang.pick("所見はありません。", "No findings.")
            );
        } else {
            // What asks for attention first; the counts say what the rest is.
            let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
            for f in &r.findings {
                *counts.entry(f.status).or_default() += 1;
            }
            if r.findings.len() > SHOWN {
                let list: Vec<String> = counts
                    .iter()
                    .map(|(st, n)| format!("{} {n}", status_badge(*st, lang)))
                    .collect();
                let _ = write!(o, "<p>{}</p>", list.join(" "));
            }
            let mut sorted: Vec<&Finding> = r.findings.iter().collect();
            sorted.sort_by_key(|f| urgency(f.status));
            findings_table(&mut o, sorted.into_iter(), lang);
        }
        o.push_str("</div>");
    }

    let _ = writeln!(
        o,
        "<footer>Mizuchi {} · {} {} · {}</footer></body></html>",
        escape(&run.host().version),
        lang.pick("規則 ABI", "rule ABI"),
        escape(&run.host().rule_abi),
        escape(lang.pick(
            "同じパック・証跡・パラメータ・評価基準日からは、同じ結果が得られます (mizuchi replay)。",
            "The same pack, evidence, parameters and assessment date give the same results (mizuchi replay)."
        ))
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule deciding about thousands of subjects: the page shows the
    /// first findings of each table and says how many more there are.
    #[test]
    fn long_lists_of_findings_are_cut_and_say_how_many_more() {
        let findings: Vec<serde_json::Value> = (0..100)
            .map(|i| {
                serde_json::json!({
                    "subject": {"kind": "asset", "id": format!("A-{i:03}")},
                    "status": if i % 2 == 0 { "fail" } else { "pass" },
                    "message": {"ja": "所見", "en": "finding"},
                })
            })
            .collect();
        let report: crate::Report = serde_json::from_value(serde_json::json!({
            "format": "mizuchi-report",
            "format_version": "1.0.0",
            "host": {"version": "0.1.0", "rule_abi": "2.0.0"},
            "as_of": "2026-11-27",
            "evidence": {
                "utility_id": "U", "utility_name": {"ja": "水道", "en": "Water"},
                "collected_on": "2026-11-27", "format_version": "2.0.0", "digest": "d",
            },
            "packs": [],
            "summary": {"ordinance": {}, "recommended": {}},
            "results": [{
                "rule": "R-1", "force": "recommended", "pack": "p", "module": "m",
                "outcome": "fail", "subjects": 100, "fuel": 1, "findings": findings,
            }],
        }))
        .expect("a report");
        let html = render(&Run::unsigned(&report), None, Lang::En);
        // Needs action: 50 failures, 25 shown.
        assert!(
            html.contains("and 25 more; every finding is in findings.csv"),
            "{html}"
        );
        // Details: 100 findings, failures first, 25 shown.
        assert!(html.contains("and 75 more;"));
        let details = &html[html.find("Details of every rule").expect("details")..];
        assert!(details.contains("A-048") && !details.contains("A-001<"));
    }

    #[test]
    fn text_is_escaped_in_content_and_attributes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
