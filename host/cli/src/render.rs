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

fn new_table(lang: Lang, with_fuel: bool) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    let mut header = vec![
        lang.t("ルール", "rule"),
        lang.t("名称", "title"),
        lang.t("結果", "outcome"),
        lang.t("対象数", "subjects"),
    ];
    if with_fuel {
        header.push(lang.t("燃料", "fuel"));
    }
    t.set_header(header);
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

/// The per-rule table and the findings that need attention.
pub(crate) fn report_text(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}) — {} {}",
        lang.text(&report.evidence.utility_name),
        report.evidence.utility_id,
        lang.t("評価日", "as of"),
        report.as_of
    );
    for p in &report.packs {
        let _ = writeln!(out, "{}", pack_line(p, lang));
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
        let mut table = new_table(lang, true);
        for r in &rows {
            table.add_row(vec![
                Cell::new(&r.rule),
                Cell::new(r.title.as_ref().map(|t| lang.text(t)).unwrap_or("")),
                Cell::new(lang.text(&r.outcome.label())),
                Cell::new(r.subjects).set_alignment(CellAlignment::Right),
                Cell::new(r.fuel).set_alignment(CellAlignment::Right),
            ]);
        }
        let _ = writeln!(out, "{table}");
        let _ = writeln!(out, "{}", counts_line(report, force, lang));
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
            let _ = writeln!(
                out,
                "\n{} {}",
                r.rule,
                r.title.as_ref().map(|t| lang.text(t)).unwrap_or("")
            );
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
                let label = match f.status {
                    Status::Fail => lang.t("不適合", "fail"),
                    Status::InsufficientEvidence => lang.t("証跡不足", "insufficient evidence"),
                    Status::Warn => lang.t("注意", "warning"),
                    Status::Waived => lang.t("リスク受容", "waived"),
                    _ => continue,
                };
                let _ = writeln!(out, "  [{label}] {}", lang.text(&f.message));
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
