//! Reports for people: the per-rule tables, ordinance apart from recommended,
//! and the findings that need attention, in Japanese or English.

use std::fmt::Write as _;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};
use mizuchi_evidence::Text;

use mizuchi::{Force, Outcome, PackInfo, Report, RuleResult, Status};
use mizuchi::{Pack, PackSet};

pub(crate) use mizuchi_report::Lang;

/// The text of `lang` among a Japanese and an English one.
pub(crate) fn t(lang: Lang, ja: &str, en: &str) -> String {
    lang.pick(ja, en).to_owned()
}

/// Texts in the report's language.
trait InLang {
    fn text(self, t: &Text) -> &str;
    fn t(self, ja: &'static str, en: &'static str) -> &'static str;
}

impl InLang for Lang {
    fn text(self, t: &Text) -> &str {
        t.get(self.as_str())
    }

    fn t(self, ja: &'static str, en: &'static str) -> &'static str {
        self.pick(ja, en)
    }
}

/// Where text goes: how wide it may be and whether it may be coloured.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Term {
    /// Columns of the terminal (`COLUMNS` first); `None` when piped without
    /// `COLUMNS`: tables then take a fixed width and findings are not
    /// wrapped, so that each stays on one line for tools.
    width: Option<usize>,
    /// Outcomes in colour: on a terminal, unless `NO_COLOR` is set or the
    /// terminal is `dumb`.
    colour: bool,
}

/// The width tables take when nothing says how wide the output is.
const PIPED_WIDTH: u16 = 120;

impl Term {
    /// Standard output, as it is.
    pub(crate) fn stdout() -> Term {
        let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|c| *c >= 40);
        let width = columns.or_else(|| {
            // comfy-table asks the terminal when there is one.
            Table::new().width().map(usize::from).filter(|_| tty)
        });
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        Term {
            width,
            colour: tty && !no_color && !dumb,
        }
    }

    /// Wraps `text` to the width, indenting continuation lines by `indent`
    /// columns; CJK characters count two columns.
    fn wrap(&self, text: &str, first: &str, indent: usize) -> String {
        let Some(width) = self.width else {
            return format!("{first}{text}");
        };
        let mut out = String::from(first);
        let mut col = unicode_width::UnicodeWidthStr::width(first);
        let limit = width.max(indent + 20);
        for word in split_words(text) {
            let w = unicode_width::UnicodeWidthStr::width(word);
            if col + w > limit && col > indent {
                out.truncate(out.trim_end().len());
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                col = indent;
                if word == " " {
                    continue;
                }
            }
            out.push_str(word);
            col += w;
        }
        out
    }

    /// `text` in the colour of `outcome`, when colour is on.
    fn paint(&self, text: &str, outcome: Outcome) -> String {
        if !self.colour {
            return text.to_owned();
        }
        format!("\x1b[{}m{text}\x1b[0m", ansi(outcome))
    }
}

/// Pieces a line may break between: spaces, each CJK character, and runs of
/// anything else.
fn split_words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let wide = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) > 1;
        if c == ' ' || wide {
            if start < i {
                out.push(&text[start..i]);
            }
            out.push(&text[i..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The ANSI colour of an outcome.
fn ansi(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "32",
        Outcome::PassAlternative => "36",
        Outcome::Fail => "31",
        Outcome::InsufficientEvidence => "33",
        Outcome::NotApplicable => "90",
        Outcome::Waived => "34",
        Outcome::Error => "35",
    }
}

/// The colour of an outcome in a table cell.
fn cell_colour(o: Outcome) -> comfy_table::Color {
    use comfy_table::Color;
    match o {
        Outcome::Pass => Color::Green,
        Outcome::PassAlternative => Color::Cyan,
        Outcome::Fail => Color::Red,
        Outcome::InsufficientEvidence => Color::Yellow,
        Outcome::NotApplicable => Color::DarkGrey,
        Outcome::Waived => Color::Blue,
        Outcome::Error => Color::Magenta,
    }
}

/// A results table: rule, title (wrapped to the width), outcome, subjects.
/// The fuel each rule used is in the JSON and HTML reports, not here.
fn new_table(lang: Lang, term: &Term) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(
            term.width
                .map_or(PIPED_WIDTH, |w| u16::try_from(w).unwrap_or(u16::MAX)),
        );
    if term.colour {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.set_header(vec![
        lang.t("ルール", "rule"),
        lang.t("名称", "title"),
        lang.t("結果", "outcome"),
        lang.t("対象数", "subjects"),
    ]);
    t
}

fn group_heading(force: Option<Force>, lang: Lang) -> &'static str {
    match force {
        Some(Force::Ordinance) => lang.t(
            "省令（遵守すべき技術的基準）",
            "Ordinance (legally required technical standards)",
        ),
        Some(Force::Recommended) => lang.t("推奨事項（ガイドライン）", "Recommended (guideline)"),
        None => lang.t(
            "読み込めなかったモジュール",
            "Modules that could not be loaded",
        ),
    }
}

fn counts_line(report: &Report, force: Option<Force>, lang: Lang) -> String {
    let counts = match force {
        Some(Force::Ordinance) => &report.summary.ordinance,
        Some(Force::Recommended) => &report.summary.recommended,
        None => &report.summary.unattributed,
    };
    Outcome::ALL
        .iter()
        .filter_map(|o| {
            counts
                .get(o)
                .map(|n| format!("{} {n}", lang.text(&o.label())))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The per-rule table and the findings that need attention, laid out for
/// `term`.
pub(crate) fn report_text(report: &Report, lang: Lang, term: &Term) -> String {
    let mut out = String::new();
    let title = format!(
        "{} ({}) — {} {}",
        lang.text(&report.evidence.utility_name),
        report.evidence.utility_id,
        lang.t("評価日", "as of"),
        report.as_of
    );
    let _ = writeln!(out, "{}", term.wrap(&title, "", 2));
    for p in &report.packs {
        let _ = writeln!(out, "{}", term.wrap(&pack_line(p, lang), "", 2));
    }
    let _ = writeln!(
        out,
        "{} sha256 {}…",
        lang.t("証跡", "evidence"),
        short(&report.evidence.digest),
    );
    for force in [Some(Force::Ordinance), Some(Force::Recommended), None] {
        let rows: Vec<&RuleResult> = report.results.iter().filter(|r| r.force == force).collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", group_heading(force, lang));
        let mut table = new_table(lang, term);
        for r in &rows {
            let mut outcome = Cell::new(lang.text(&r.outcome.label()));
            if term.colour {
                outcome = outcome.fg(cell_colour(r.outcome));
            }
            table.add_row(vec![
                Cell::new(&r.rule),
                Cell::new(r.title.as_ref().map(|t| lang.text(t)).unwrap_or("")),
                outcome,
                Cell::new(r.subjects).set_alignment(CellAlignment::Right),
            ]);
        }
        let _ = writeln!(out, "{table}");
        let _ = writeln!(
            out,
            "{}",
            term.wrap(&counts_line(report, force, lang), "", 2)
        );
    }
    let attention: Vec<&RuleResult> = report
        .results
        .iter()
        .filter(|r| {
            r.error.is_some()
                || r.findings.iter().any(|f| {
                    !matches!(
                        f.status,
                        Status::Pass | Status::PassAlternative | Status::NotApplicable
                    )
                })
        })
        .collect();
    if !attention.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            lang.t("要対応の所見", "Findings that need attention")
        );
        for r in attention {
            let heading = format!(
                "{} {}",
                r.rule,
                r.title.as_ref().map(|t| lang.text(t)).unwrap_or("")
            );
            let _ = writeln!(out, "\n{}", term.wrap(&heading, "", 2));
            if let Some(e) = &r.error {
                let _ = writeln!(
                    out,
                    "  [{}] {} ({})",
                    lang.text(&Outcome::Error.label()),
                    e.message,
                    e.cause
                );
            }
            for f in &r.findings {
                let (label, colour) = match f.status {
                    Status::Fail => (lang.t("不適合", "fail"), Outcome::Fail),
                    Status::InsufficientEvidence => (
                        lang.t("証跡不足", "insufficient evidence"),
                        Outcome::InsufficientEvidence,
                    ),
                    Status::Warn => (lang.t("注意", "warning"), Outcome::InsufficientEvidence),
                    Status::Waived => (lang.t("リスク受容", "waived"), Outcome::Waived),
                    _ => continue,
                };
                // Wrapped with the plain label, which is then coloured: the
                // colour codes take no columns.
                let plain = format!("  [{label}] ");
                let wrapped = term.wrap(lang.text(&f.message), &plain, 4);
                let painted = format!("  [{}] ", term.paint(label, colour));
                let _ = writeln!(out, "{}", wrapped.replacen(&plain, &painted, 1));
            }
        }
    }
    out
}

fn short(digest: &str) -> &str {
    &digest[..12.min(digest.len())]
}

/// One line saying which pack ran and who vouches for it.
fn pack_line(p: &PackInfo, lang: Lang) -> String {
    let who = match (&p.publisher, p.unsigned) {
        (Some(publisher), false) => format!(
            "{} {publisher}, {} {}",
            lang.t("発行者", "publisher"),
            lang.t("署名鍵", "signed by"),
            p.signed_by
                .iter()
                .map(|k| short(k))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => lang
            .t(
                "未署名 — 検証されていないルールによる結果です",
                "UNSIGNED — results of rules no publisher vouches for",
            )
            .to_owned(),
    };
    format!(
        "{} {} {} (sha256 {}…), {who}",
        lang.t("ルールパック", "pack"),
        p.name,
        p.version,
        short(&p.digest),
    )
}

/// The rules of the packs, with their metadata, without evaluating anything.
pub(crate) fn rules_text(packs: &PackSet, lang: Lang) -> String {
    let mut out = String::new();
    for (i, pack) in packs.packs().iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&pack_rules_text(pack, lang));
    }
    out
}

fn pack_rules_text(pack: &Pack, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", pack_line(&pack.info(), lang));
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(vec![
            lang.t("ルール", "rule"),
            lang.t("版", "version"),
            lang.t("効力", "force"),
            lang.t("節", "section"),
            "名称 (ja)",
            "title (en)",
            lang.t("モジュール", "module"),
        ]);
    for (m, r) in pack.rules() {
        table.add_row(vec![
            r.id.clone(),
            r.version.to_string(),
            match r.force {
                Force::Ordinance => lang.t("省令", "ordinance").to_owned(),
                Force::Recommended => lang.t("推奨", "recommended").to_owned(),
            },
            r.section.clone(),
            r.title.ja.clone(),
            r.title.en.clone(),
            m.name().to_owned(),
        ]);
    }
    let _ = writeln!(out, "{table}");
    for m in pack.modules() {
        if let Some(why) = m.refusal() {
            let _ = writeln!(
                out,
                "{}: {why}",
                lang.t("読み込めないモジュール", "refused module")
            );
        }
    }
    out
}

/// What a bundle holds, section by section.
pub(crate) fn summary_text(s: &mizuchi::BundleSummary, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}) — {} {}, {} {}, {} {}",
        lang.text(&s.utility_name),
        s.utility_id,
        lang.t("形式", "format"),
        s.format_version,
        lang.t("収集日", "collected"),
        s.collected_on,
        lang.t("評価日", "assessment date"),
        s.assessment_date
    );
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(vec![
            lang.t("区分", "section"),
            lang.t("ファイル", "files"),
            lang.t("件数", "records"),
            lang.t("期間", "time range"),
            lang.t("内訳", "breakdown"),
        ]);
    for (name, sec) in &s.sections {
        let title = name
            .parse::<mizuchi_evidence::SectionKind>()
            .map(|k| lang.text(&k.title()).to_owned())
            .unwrap_or_else(|_| name.clone());
        let records = sec
            .records
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let range = match (sec.first, sec.last) {
            (Some(a), Some(b)) => format!("{a} … {b}"),
            _ => String::new(),
        };
        let mut breakdown: Vec<String> =
            sec.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        if !sec.event_ids.is_empty() {
            breakdown.push(format!(
                "{} {}",
                lang.t("イベントID", "event id"),
                sec.event_ids
                    .iter()
                    .map(|(k, n)| format!("{k}:{n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        }
        table.add_row(vec![
            title,
            sec.files.to_string(),
            records,
            range,
            breakdown.join("; "),
        ]);
    }
    let _ = writeln!(out, "{table}");
    out
}

/// Which rules the bundle feeds: the rules that will lack evidence, with
/// the sections they miss, and how many are fed.
pub(crate) fn coverage_text(coverage: Option<&[mizuchi::RuleCoverage]>, lang: Lang) -> String {
    let Some(coverage) = coverage else {
        return t(
            lang,
            "\nパックがインストールされていないため、どの規則に証跡が足りるかは示せません (`mizuchi pack install` か --pack)。\n",
            "\nno pack is installed, so which rules the bundle feeds is not shown (`mizuchi pack install`, or --pack)\n",
        );
    };
    let mut out = String::new();
    let short: Vec<&mizuchi::RuleCoverage> = coverage
        .iter()
        .filter(|c| c.missing().next().is_some())
        .collect();
    let _ = writeln!(
        out,
        "\n{}",
        match lang {
            Lang::Ja => format!(
                "規則 {} 件のうち {} 件は必要な区分がそろっています。",
                coverage.len(),
                coverage.len() - short.len()
            ),
            Lang::En => format!(
                "{} of {} rules have every section they read",
                coverage.len() - short.len(),
                coverage.len()
            ),
        }
    );
    if short.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "{}",
        t(
            lang,
            "次の規則は、ない区分について「証跡不足」になります:",
            "these rules will say \"insufficient evidence\" for want of the sections named:",
        )
    );
    for c in short {
        let missing: Vec<String> = c
            .missing()
            .map(|k| format!("{} ({})", lang.text(&k.title()), k.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "  {} {}: {}",
            c.rule,
            lang.text(&c.title),
            missing.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn width(s: &str) -> usize {
        unicode_width::UnicodeWidthStr::width(s)
    }

    #[test]
    fn wrapped_lines_fit_the_width_counting_cjk_as_two_columns() {
        let term = Term {
            width: Some(30),
            colour: false,
        };
        let text = "HGS-HMI-01 のアカウント operator で10分以内に5回以上のログオン失敗がありました";
        let wrapped = term.wrap(text, "  [不適合] ", 4);
        for line in wrapped.lines() {
            assert!(width(line) <= 30, "{line:?} is {} columns", width(line));
        }
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("    ")));
        // Nothing is lost but the breaks.
        let joined: String = wrapped.lines().map(str::trim).collect();
        assert_eq!(
            joined.replace(' ', ""),
            format!("[不適合]{text}").replace(' ', "")
        );
        // Piped without COLUMNS: one line, unwrapped.
        let piped = Term {
            width: None,
            colour: false,
        };
        assert_eq!(piped.wrap(text, "> ", 4), format!("> {text}"));
    }

    #[test]
    fn colour_only_when_asked() {
        let plain = Term {
            width: None,
            colour: false,
        };
        assert_eq!(plain.paint("fail", Outcome::Fail), "fail");
        let tty = Term {
            width: None,
            colour: true,
        };
        assert_eq!(tty.paint("fail", Outcome::Fail), "\x1b[31mfail\x1b[0m");
    }
}
