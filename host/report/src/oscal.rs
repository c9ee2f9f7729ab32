//! OSCAL 1.1 for the regulator: a catalog of the MLIT guideline as the
//! official pack checks it, a run's assessment results, and a plan of
//! action and milestones (POA&M) for what failed.
//!
//! - **Catalog**: one control per guideline section a rule names (`5.4.2`,
//!   `第2章 閉域網`, `コラム2 ①`), grouped by chapter; each control lists
//!   the rules that check it (a `guidance` part and a `rule` property per
//!   rule).
//! - **Assessment results**: one result per run; one observation per rule
//!   (its outcome, the subjects it decided about, the evidence it cites) and
//!   one finding per rule and control it checks, `satisfied` or
//!   `not-satisfied` (with the reason: `fail`, `insufficient-evidence`,
//!   `risk-accepted`, `error`, `not-applicable`). A signed run carries its
//!   provenance (run id, ledger root, signing keys, pack digests) as
//!   properties.
//! - **POA&M**: one item per failed finding, with the observation it comes
//!   from.
//!
//! Every UUID is derived from what it names (a name-based, version 5 style
//! UUID over SHA-256), and every date from the assessment date: the same run
//! gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use mizuchi_evidence::Text;
use serde_json::{Value, json};

use crate::chapter::Chapter;
use crate::model::{Force, Outcome, Status};
use crate::run::{Lang, RuleRow, Run};

/// The OSCAL version written.
pub const OSCAL_VERSION: &str = "1.1.3";

/// The namespace of Mizuchi's own properties.
const NS: &str = "https://mizuchi.dev/ns/oscal";

/// A rule as a catalog names it.
#[derive(Debug, Clone)]
pub struct CatalogRule {
    /// The rule id.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// The guideline sections it checks, comma-separated.
    pub section: String,
    /// Ordinance or recommended.
    pub force: Force,
}

/// A name-based UUID (version 5 layout, SHA-256 instead of SHA-1 for the
/// bits, as OSCAL only checks the layout).
fn uuid(name: &str) -> String {
    let d = mizuchi_ledger::digest::sha256_hex(format!("mizuchi-oscal:{name}").as_bytes());
    let b = d.as_bytes();
    let hex = |r: std::ops::Range<usize>| std::str::from_utf8(&b[r]).unwrap_or("0").to_owned();
    let variant = match b[16] {
        b'0' | b'4' | b'8' | b'c' => '8',
        b'1' | b'5' | b'9' | b'd' => '9',
        b'2' | b'6' | b'a' | b'e' => 'a',
        _ => 'b',
    };
    format!(
        "{}-{}-5{}-{variant}{}-{}",
        hex(0..8),
        hex(8..12),
        hex(13..16),
        hex(17..20),
        hex(20..32)
    )
}

/// The sections a rule's `section` field names.
fn sections(section: &str) -> impl Iterator<Item = &str> {
    section.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// A character an OSCAL token may hold after its first (the XML name
/// characters the OSCAL schema's token pattern lists).
fn token_char(c: char) -> bool {
    matches!(c,
        '_' | 'A'..='Z' | 'a'..='z' | '-' | '.' | '0'..='9' | '\u{B7}'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{300}'..='\u{36F}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{203F}'..='\u{2040}' | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}'
        | '\u{FDF0}'..='\u{FFFD}')
}

/// The control id of a guideline section: an OSCAL token. Circled numbers
/// (`①`) become digits; other characters a token cannot hold become `-`.
pub fn control_id(section: &str) -> String {
    let mut id = String::from("gl-");
    for c in section.chars() {
        let circled = u32::from(c).wrapping_sub(0x2460);
        if circled < 20 {
            id.push_str(&(circled + 1).to_string());
        } else if token_char(c) {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_owned()
}

/// The group id of a chapter.
fn group_id(c: Chapter) -> &'static str {
    match c {
        Chapter::Ordinance => "ordinance",
        Chapter::Overview => "chapter-2",
        Chapter::Governance => "chapter-3",
        Chapter::RiskManagement => "chapter-4",
        Chapter::Measures => "chapter-5",
        Chapter::Other => "other",
    }
}

/// The date as an OSCAL date-time with a time zone.
fn at(date: mizuchi_evidence::Date) -> String {
    format!("{date}T00:00:00Z")
}

fn metadata(title: &str, version: &str, date: mizuchi_evidence::Date) -> Value {
    json!({
        "title": title,
        "last-modified": at(date),
        "version": version,
        "oscal-version": OSCAL_VERSION,
    })
}

/// The catalog of the guideline sections `rules` check: the one a pack
/// provides (`mizuchi pack oscal-catalog`). `date` is the pack's date (its
/// build or signing day), which dates the catalog.
pub fn catalog(
    pack: &str,
    version: &str,
    date: mizuchi_evidence::Date,
    rules: &[CatalogRule],
    lang: Lang,
) -> Value {
    let l = lang.as_str();
    // Section → the rules that check it, by chapter, in first-seen order.
    let mut by: BTreeMap<Chapter, Vec<(String, Vec<&CatalogRule>)>> = BTreeMap::new();
    for r in rules {
        for s in sections(&r.section) {
            let list = by.entry(Chapter::of(Some(s))).or_default();
            match list.iter_mut().find(|(x, _)| x == s) {
                Some((_, rs)) => rs.push(r),
                None => list.push((s.to_owned(), vec![r])),
            }
        }
    }
    let groups: Vec<Value> = by
        .into_iter()
        .map(|(chapter, controls)| {
            let controls: Vec<Value> = controls
                .into_iter()
                .map(|(section, rs)| {
                    let id = control_id(&section);
                    let prose: Vec<String> = rs
                        .iter()
                        .map(|r| format!("{} {} ({})", r.id, r.title.get(l), r.force.as_str()))
                        .collect();
                    let mut props = vec![json!({"name": "label", "value": section})];
                    props.extend(
                        rs.iter()
                            .map(|r| json!({"name": "rule", "ns": NS, "value": r.id})),
                    );
                    json!({
                        "id": id,
                        "title": format!("{} {section}", lang.pick("ガイドライン", "Guideline")),
                        "props": props,
                        "parts": [{
                            "id": format!("{id}_gdn"),
                            "name": "guidance",
                            "prose": format!(
                                "{}: {}",
                                lang.pick("確認する規則", "Checked by"),
                                prose.join("; ")
                            ),
                        }],
                    })
                })
                .collect();
            json!({
                "id": group_id(chapter),
                "title": chapter.title().get(l),
                "controls": controls,
            })
        })
        .collect();
    json!({
        "catalog": {
            "uuid": uuid(&format!("catalog:{pack}@{version}:{l}")),
            "metadata": metadata(
                &format!(
                    "{} ({pack} {version})",
                    lang.pick(
                        "水道分野における情報セキュリティ確保に係る安全ガイドライン",
                        "MLIT water-sector cybersecurity guideline"
                    )
                ),
                version,
                date,
            ),
            "groups": groups,
        }
    })
}

/// The catalog of the sections the rules of `run` check (those whose
/// title, section and force are known), dated by the run: the one its
/// assessment results refer to when no pack's catalog is at hand.
pub fn catalog_of_run(run: &Run, lang: Lang) -> Value {
    let rules: Vec<CatalogRule> = run
        .rules()
        .iter()
        .filter_map(|r| {
            Some(CatalogRule {
                id: r.id.clone(),
                title: r.title.clone()?,
                section: r.section.clone()?,
                force: r.force?,
            })
        })
        .collect();
    let names: Vec<&str> = run.packs().iter().map(|p| p.name.as_str()).collect();
    let versions: Vec<&str> = run.packs().iter().map(|p| p.version.as_str()).collect();
    catalog(
        &names.join("+"),
        &versions.join("+"),
        run.as_of(),
        &rules,
        lang,
    )
}

/// `satisfied` or `not-satisfied`, with the reason, for an outcome.
fn state(o: Outcome) -> (&'static str, &'static str) {
    match o {
        Outcome::Pass => ("satisfied", "pass"),
        Outcome::PassAlternative => ("satisfied", "pass-alternative"),
        Outcome::NotApplicable => ("satisfied", "not-applicable"),
        Outcome::Fail => ("not-satisfied", "fail"),
        Outcome::InsufficientEvidence => ("not-satisfied", "insufficient-evidence"),
        Outcome::Waived => ("not-satisfied", "risk-accepted"),
        Outcome::Error => ("not-satisfied", "error"),
    }
}

/// The observation of one rule's result.
fn observation(run: &Run, r: &RuleRow, lang: Lang, key: &str) -> Value {
    let l = lang.as_str();
    let mut evidence = Vec::new();
    // Tens of thousands of references on a large run: hashed, not ordered
    // (the list keeps the findings' order).
    let mut seen = std::collections::HashSet::new();
    for f in &r.findings {
        for x in &f.refs {
            if seen.insert((x.section.as_str(), x.locator.as_str())) {
                evidence.push(json!({ "description": format!("{}: {}", x.section, x.locator) }));
            }
        }
    }
    let mut o = json!({
        "uuid": uuid(&format!("{key}:observation:{}", r.id)),
        "title": format!("{} {}", r.id, r.title_in(lang)),
        "description": findings_text(r, l),
        "methods": ["EXAMINE"],
        "types": ["finding"],
        "props": [
            {"name": "rule", "ns": NS, "value": r.id},
            {"name": "outcome", "ns": NS, "value": r.outcome.as_str()},
        ],
        "collected": at(run.as_of()),
    });
    if !evidence.is_empty() {
        o["relevant-evidence"] = Value::Array(evidence);
    }
    o
}

/// A rule's findings as one text.
fn findings_text(r: &RuleRow, l: &str) -> String {
    if r.findings.is_empty() {
        return r.outcome.label().get(l).to_owned();
    }
    r.findings
        .iter()
        .map(|f| {
            format!(
                "[{}] {}:{} {}",
                f.status.as_str(),
                f.subject.kind,
                f.subject.id,
                f.message.get(l)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What identifies a run in UUIDs and titles.
fn run_key(run: &Run) -> String {
    match run.id() {
        Some(id) => id.to_owned(),
        None => format!(
            "unsigned:{}:{}:{}",
            run.utility_id(),
            run.as_of(),
            run.evidence_digest()
        ),
    }
}

/// Properties that say where the results come from.
fn provenance(run: &Run) -> Vec<Value> {
    let mut p = vec![
        json!({"name": "utility", "ns": NS, "value": run.utility_id()}),
        json!({"name": "evidence-sha256", "ns": NS, "value": run.evidence_digest()}),
        json!({"name": "signed", "ns": NS, "value": if run.signed().is_some() { "true" } else { "false" }}),
    ];
    if let (Some(id), Some(s)) = (run.id(), run.signed()) {
        p.push(json!({"name": "run", "ns": NS, "value": id}));
        p.push(json!({"name": "ledger-root", "ns": NS, "value": s.root}));
        for k in &s.signers {
            p.push(json!({"name": "signed-by", "ns": NS, "value": k}));
        }
    }
    for pack in run.packs() {
        p.push(json!({
            "name": "pack",
            "ns": NS,
            "value": format!("{}@{} sha256:{}", pack.name, pack.version, pack.digest),
        }));
    }
    p
}

/// The assessment results of `run`. `catalog` is where the catalog the
/// controls come from is found (a URI reference, e.g. the file name
/// `catalog.json` next to it).
pub fn assessment_results(run: &Run, catalog: &str, lang: Lang) -> Value {
    let l = lang.as_str();
    let key = run_key(run);
    let mut controls = BTreeSet::new();
    let mut observations = Vec::new();
    let mut findings = Vec::new();
    for r in run.rules() {
        let obs = observation(run, r, lang, &key);
        let obs_uuid = obs["uuid"].clone();
        observations.push(obs);
        let (state, reason) = state(r.outcome);
        for s in sections(r.section.as_deref().unwrap_or("")) {
            let control = control_id(s);
            controls.insert(control.clone());
            findings.push(json!({
                "uuid": uuid(&format!("{key}:finding:{}:{control}", r.id)),
                "title": format!("{} {} — {}", r.id, r.title_in(lang), r.outcome.label().get(l)),
                "description": findings_text(r, l),
                "props": [
                    {"name": "rule", "ns": NS, "value": r.id},
                    {"name": "outcome", "ns": NS, "value": r.outcome.as_str()},
                ],
                "target": {
                    "type": "objective-id",
                    "target-id": control,
                    "status": {"state": state, "reason": reason},
                },
                "related-observations": [{"observation-uuid": obs_uuid}],
            }));
        }
    }
    let selections: Vec<Value> = controls.iter().map(|c| json!({"control-id": c})).collect();
    let title = run.title(lang);
    // The assessment plan is the pack itself: its rules, their parameters
    // and the controls they check, described in the back matter.
    let plan = uuid(&format!("plan:{key}"));
    let packs: Vec<String> = run
        .packs()
        .iter()
        .map(|p| format!("{}@{} (sha256 {})", p.name, p.version, p.digest))
        .collect();
    json!({
        "assessment-results": {
            "uuid": uuid(&format!("assessment-results:{key}:{l}")),
            "metadata": metadata(&title, &run.as_of().to_string(), run.as_of()),
            "import-ap": {"href": format!("#{plan}")},
            "back-matter": {"resources": [{
                "uuid": plan,
                "title": format!("{}: {}", lang.pick("評価計画 (規則パック)", "Assessment plan (rule packs)"), packs.join(", ")),
                "description": lang.pick(
                    "評価したのは規則パックの規則とそのパラメータで、各規則が確認するガイドラインの項目はカタログにあります。",
                    "What was assessed are the rule packs' rules with their parameters; the guideline sections each rule checks are in the catalog."
                ),
                "rlinks": [{"href": catalog, "media-type": "application/oscal.catalog+json"}],
            }]},
            "results": [{
                "uuid": uuid(&format!("result:{key}")),
                "title": title,
                "description": if run.signed().is_some() {
                    lang.pick("署名付き台帳から検証して作成した結果です。", "Results made from a verified, signed ledger.")
                } else {
                    lang.pick("署名のない結果です。", "Unsigned results.")
                },
                "start": at(run.as_of()),
                "props": provenance(run),
                "reviewed-controls": {
                    "control-selections": [{"include-controls": selections}],
                },
                "observations": observations,
                "findings": findings,
            }],
        }
    })
}

/// The plan of action and milestones of `run`: an item per failed finding.
pub fn poam(run: &Run, lang: Lang) -> Value {
    let l = lang.as_str();
    let key = run_key(run);
    let mut observations = Vec::new();
    let mut items = Vec::new();
    for r in run.rules() {
        let failed: Vec<_> = r.failed().collect();
        if failed.is_empty() {
            continue;
        }
        let obs = observation(run, r, lang, &key);
        let obs_uuid = obs["uuid"].clone();
        observations.push(obs);
        // A rule may fail the same subject more than once (two requirements
        // of one rule): the finding's place tells them apart.
        for (i, f) in failed.into_iter().enumerate() {
            debug_assert_eq!(f.status, Status::Fail);
            items.push(json!({
                "uuid": uuid(&format!("{key}:poam:{}:{i}:{}:{}", r.id, f.subject.kind, f.subject.id)),
                "title": format!("{} {}: {}:{}", r.id, r.title_in(lang), f.subject.kind, f.subject.id),
                "description": f.message.get(l),
                "props": [
                    {"name": "rule", "ns": NS, "value": r.id},
                    {"name": "subject", "ns": NS, "value": format!("{}:{}", f.subject.kind, f.subject.id)},
                ],
                "related-observations": [{"observation-uuid": obs_uuid}],
            }));
        }
    }
    let title = format!(
        "{} — {} ({})",
        run.utility_name().get(l),
        lang.pick("是正計画", "Plan of action and milestones"),
        run.as_of()
    );
    let mut doc = json!({
        "plan-of-action-and-milestones": {
            "uuid": uuid(&format!("poam:{key}:{l}")),
            "metadata": metadata(&title, &run.as_of().to_string(), run.as_of()),
            "system-id": {"identifier-type": NS, "id": run.utility_id()},
            "poam-items": items,
        }
    });
    if !observations.is_empty() {
        doc["plan-of-action-and-milestones"]["observations"] = Value::Array(observations);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_have_the_layout_oscal_requires_and_depend_on_the_name() {
        let a = uuid("a");
        let re = |u: &str| {
            let parts: Vec<&str> = u.split('-').collect();
            parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
                && parts[2].starts_with('5')
                && matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b')
                && u.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
        };
        assert!(re(&a), "{a}");
        assert_eq!(a, uuid("a"));
        assert_ne!(a, uuid("b"));
    }

    #[test]
    fn control_ids_are_tokens_of_any_script() {
        assert_eq!(control_id("5.4.2"), "gl-5.4.2");
        assert_eq!(control_id("第2章 閉域網"), "gl-第2章-閉域網");
        assert_eq!(control_id("コラム2 ①"), "gl-コラム2-1");
        assert_eq!(control_id("コラム2 ④"), "gl-コラム2-4");
        assert!(control_id("a/b:c").chars().all(token_char));
        assert_eq!(
            control_id("第2章 通信経路の保護"),
            "gl-第2章-通信経路の保護"
        );
    }
}
