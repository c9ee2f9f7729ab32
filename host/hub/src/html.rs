//! The dashboard: a utility × rule matrix of each utility's latest run
//! (ordinance requirements apart from recommendations), each utility's
//! history, and the flags the regulator must look at. Japanese by default.

use std::fmt::Write;

use mizuchi_evidence::Outcome;
use mizuchi_report::html::escape;

use crate::store::Overview;

fn label(outcome: &str, en: bool) -> String {
    match outcome.parse::<Outcome>() {
        Ok(o) => {
            let t = o.label();
            if en { t.en } else { t.ja }
        }
        Err(_) => outcome.to_owned(),
    }
}

/// A flag's kind, as people read it.
fn kind_label(kind: &str, en: bool) -> &str {
    let (ja, e) = match kind {
        "unsigned-pack" => ("署名のないルールパック", "unsigned pack"),
        "publisher" => (
            "指定外の発行者のルールパック",
            "pack from another publisher",
        ),
        "overrides" => ("パラメータの変更", "parameters overridden"),
        "rewritten" => (
            "記録の書き換え・巻き戻し（受理せず）",
            "ledger rewritten or truncated (refused)",
        ),
        other => (other, other),
    };
    if en { e } else { ja }
}

const STYLE: &str = "body{font-family:'Noto Sans CJK JP','Noto Sans JP',sans-serif;margin:2em;color:#1a1a1a}\
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:.3em .5em;font-size:.9em}\
th{background:#f0f0f0}td.pass,td.pass-alternative{background:#e3f4e3}td.fail{background:#fbe0e0}\
td.insufficient-evidence,td.error{background:#fff3cd}td.waived,td.not-applicable{background:#eef}\
.flag{color:#a00}h2{margin-top:1.5em}.wide{overflow-x:auto;max-width:100%}.wide th,.wide td{white-space:nowrap}.wide tr>th:first-child{position:sticky;left:0;z-index:1}";

/// The dashboard as one HTML page.
pub fn render(o: &Overview, en: bool) -> String {
    let t = |ja: &str, e: &str| if en { e.to_owned() } else { ja.to_owned() };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
        if en { "en" } else { "ja" },
        t(
            "水道事業者のサイバーセキュリティ対策状況",
            "Where each water utility stands"
        )
    );
    let _ = write!(
        h,
        "<h1>{}</h1><p>{} <a href=\"?lang={}\">{}</a></p>",
        t(
            "水道事業者のサイバーセキュリティ対策状況",
            "Where each water utility stands"
        ),
        t(
            &format!(
                "登録事業者 {} 件。各事業者の最新の実行結果（署名と連鎖を検証済み）。",
                o.utilities.len()
            ),
            &format!(
                "{} utilities enrolled; each one's latest run (signatures and chain verified).",
                o.utilities.len()
            ),
        ),
        if en { "ja" } else { "en" },
        if en { "日本語" } else { "English" }
    );
    for (force, title) in [
        (
            "ordinance",
            t("遵守すべき技術的基準（省令）", "Ordinance requirements"),
        ),
        (
            "recommended",
            t("推奨事項（ガイドライン）", "Recommendations (guideline)"),
        ),
    ] {
        let Some(rules) = o.rules.get(force) else {
            continue;
        };
        // 25 recommendations are wider than a screen: the table scrolls
        // in its box, the page does not.
        let _ = write!(
            h,
            "<h2>{title}</h2><div class=\"wide\"><table><tr><th>{}</th>",
            t("事業者", "Utility")
        );
        for r in rules {
            let _ = write!(h, "<th>{}</th>", escape(r));
        }
        h.push_str("</tr>");
        for u in &o.utilities {
            let name = if en { &u.name_en } else { &u.name_ja };
            let _ = write!(
                h,
                "<tr><th><a href=\"#u-{}\">{}</a></th>",
                escape(&u.id),
                escape(name)
            );
            for r in rules {
                match u.latest.get(r) {
                    Some(out) => {
                        let _ = write!(
                            h,
                            "<td class=\"{}\">{}</td>",
                            escape(out),
                            escape(&label(out, en))
                        );
                    }
                    None => h.push_str("<td>—</td>"),
                }
            }
            h.push_str("</tr>");
        }
        h.push_str("</table></div>");
    }
    let _ = write!(
        h,
        "<h2>{}</h2>",
        t("事業者ごとの履歴と指摘", "History and flags by utility")
    );
    for u in &o.utilities {
        let name = if en { &u.name_en } else { &u.name_ja };
        let _ = write!(
            h,
            "<h3 id=\"u-{}\">{} ({})</h3><p>{}</p>",
            escape(&u.id),
            escape(name),
            escape(&u.id),
            t(
                &format!("受理した記録 {} 件", u.entries),
                &format!("{} entries accepted", u.entries)
            )
        );
        if !u.runs.is_empty() {
            let _ = write!(
                h,
                "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
                t("実行", "Run"),
                t("評価基準日", "As of"),
                t("ルールパック", "Packs"),
                t("結果", "Outcomes")
            );
            for r in &u.runs {
                let counts: Vec<String> = r
                    .outcomes
                    .iter()
                    .map(|(k, n)| format!("{} {n}", label(k, en)))
                    .collect();
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(&r.run),
                    escape(&r.as_of),
                    escape(&r.packs),
                    escape(&counts.join(", "))
                );
            }
            h.push_str("</table>");
        }
        if !u.flags.is_empty() {
            h.push_str("<ul>");
            for f in &u.flags {
                let _ = write!(
                    h,
                    "<li class=\"flag\"><b>{}</b> {} {}</li>",
                    escape(kind_label(&f.kind, en)),
                    escape(f.run.as_deref().unwrap_or("")),
                    escape(&f.detail)
                );
            }
            h.push_str("</ul>");
        }
    }
    h.push_str("</body></html>\n");
    h
}
