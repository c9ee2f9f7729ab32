//! The alternative measure of ordinance items ② and ③ (コラム2).
//!
//! Anti-malware (②) and a supported OS (③) may be replaced by "physical
//! separation from external networks **and** prevention of infection from USB
//! memory and other external media, or another measure that prevents malware
//! intrusion". The guideline insists on both halves of the first form:
//! separation alone leaves the USB port, and a notice asking people not to use
//! USB memory is not prevention; the port must be disabled technically or
//! physically. Any technical prevention of media infection counts: ports
//! disabled or physically blocked, device control that refuses unapproved
//! media, or no media ports at all. The second form is a recorded measure
//! (application allow-listing, a write-protected image); the ordinance names
//! no approver, and the project requires the cybersecurity officer's
//! approval so that someone answers for it
//! (`other_measure_needs_officer_approval`, default true). An approval dated
//! after the assessment date does not exist yet.

use mizuchi_sdk::prelude::*;
use mlit_common::closure::{Graph, Reach};
use mlit_common::scope::asset_locator;

/// What the alternative measure comes to for one asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// In place; the text says which form.
    Met(Text, Vec<(SectionKind, String)>),
    /// Known not to be in place; the text says why.
    NotMet(Text, Vec<(SectionKind, String)>),
    /// The evidence does not say; the text says what is missing.
    Unknown(Text, Vec<(SectionKind, String)>),
}

/// Evidence the alternative draws on, read once per evaluation.
#[derive(Debug)]
pub struct Evidence<'a> {
    /// `None` when the bundle has no networks section.
    pub graph: Option<Graph<'a>>,
    /// `None` when the bundle has no governance section.
    pub governance: Option<&'a Governance>,
    /// The assessment date.
    pub as_of: Date,
    /// An "other measure" counts only with the cybersecurity officer's approval.
    pub needs_officer: bool,
}

/// The parameter both ORD-02 and ORD-03 take for the "other measure".
pub const OFFICER_PARAM: ParamSpec = ParamSpec {
    key: "other_measure_needs_officer_approval",
    default: ParamDefault::Boolean(true),
    description: StaticText {
        ja: "不正プログラムの侵入を防ぐ「その他の措置」に、サイバーセキュリティ責任者の承認を求める (プロジェクトの要件)",
        en: "An \"other measure\" preventing malware intrusion counts only if the cybersecurity officer approved it (a project requirement)",
    },
};

enum Part {
    Yes(Text),
    No(Text),
    Unknown(Text),
}

fn separation(asset: &Asset, ev: &Evidence<'_>) -> Part {
    if let Some(s) = asset
        .exposed_services
        .iter()
        .find(|s| s.exposure == Exposure::Internet)
    {
        return Part::No(text!(
            ja: "{} ({}) をインターネットに公開しています", s.service, s.port;
            en: "it exposes {} (port {}) to the internet", s.service, s.port
        ));
    }
    let Some(networks) = &asset.networks else {
        return Part::Unknown(text!(
            ja: "接続するネットワークが記録されていません";
            en: "the networks it attaches to are not recorded"
        ));
    };
    if networks.is_empty() {
        return Part::Yes(
            text!(ja: "どのネットワークにも接続していない", en: "it attaches to no network"),
        );
    }
    let Some(graph) = &ev.graph else {
        return Part::Unknown(text!(
            ja: "ネットワーク構成の証跡がありません";
            en: "the evidence holds no networks section"
        ));
    };
    for id in networks {
        match graph.reach(id) {
            Reach::Closed => {}
            Reach::Open(path) => {
                let p = graph.describe(&path);
                return Part::No(text!(
                    ja: "接続先 {id} はインターネットに到達できます（{}）", p.ja;
                    en: "network {id} reaches the internet ({})", p.en
                ));
            }
            Reach::UnknownNetwork => {
                return Part::Unknown(text!(
                    ja: "接続先 {id} がネットワーク構成にありません";
                    en: "network {id} is not in the networks section"
                ));
            }
        }
    }
    Part::Yes(text!(
        ja: "接続先ネットワーク（{}）はいずれも真の閉域網", networks.join(", ");
        en: "every network it attaches to ({}) is truly closed", networks.join(", ")
    ))
}

fn media(asset: &Asset) -> Part {
    let Some(m) = &asset.removable_media else {
        return Part::Unknown(text!(
            ja: "外部記憶媒体の制御が記録されていません";
            en: "removable-media control is not recorded"
        ));
    };
    let enforced = matches!(
        m.enforcement,
        Enforcement::Technical | Enforcement::Physical
    );
    match (m.control, enforced) {
        (MediaControl::NoPorts, _) => Part::Yes(text!(
            ja: "外部記憶媒体を挿すポートがない";
            en: "it has no port a medium could be plugged into"
        )),
        (MediaControl::Blocked, true) => Part::Yes(text!(
            ja: "USB等のポートは技術的または物理的に無効化";
            en: "USB and other media ports are disabled technically or physically"
        )),
        (MediaControl::AllowListed, true) if m.enforcement == Enforcement::Technical => {
            Part::Yes(text!(
                ja: "デバイス制御で未承認の媒体を拒否";
                en: "device control refuses unapproved media"
            ))
        }
        (MediaControl::Blocked | MediaControl::AllowListed, false) => Part::No(text!(
            ja: "外部記憶媒体の制限は周知のみで、挿せば使えます（周知は対策になりません）";
            en: "media are restricted only by notice and a medium plugged in would work (a notice is not prevention)"
        )),
        _ => Part::No(text!(
            ja: "外部記憶媒体による感染を技術的に防いでいません";
            en: "infection through removable media is not prevented technically"
        )),
    }
}

fn approved_measure(asset: &Asset, ev: &Evidence<'_>) -> Part {
    let mut unknown = None;
    // Why each recorded measure does not count, said in the finding.
    let mut why_not: Vec<Text> = Vec::new();
    for m in &asset.alternative_measures {
        let what = &m.description;
        if let Some(on) = m.approved_on.filter(|on| *on > ev.as_of) {
            why_not.push(text!(
                ja: "措置「{what}」の承認日 {on} は評価日より後のため数えません";
                en: "measure \"{what}\" was approved on {on}, after the assessment date, so it is not counted"
            ));
            continue;
        }
        if !ev.needs_officer {
            return Part::Yes(text!(
                ja: "不正プログラムの侵入を防ぐ措置「{what}」を記録";
                en: "recorded measure \"{what}\" preventing malware intrusion"
            ));
        }
        let (Some(by), Some(on)) = (&m.approved_by, m.approved_on) else {
            why_not.push(text!(
                ja: "措置「{what}」には承認者と承認日の記録がありません";
                en: "measure \"{what}\" records no approver and date"
            ));
            continue;
        };
        let Some(gov) = ev.governance else {
            unknown = Some(text!(
                ja: "代替措置「{what}」の承認者がサイバーセキュリティ責任者か確認できません（組織統治記録なし）";
                en: "cannot confirm that measure \"{what}\" was approved by the cybersecurity officer (no governance records)"
            ));
            continue;
        };
        let officers: Vec<&str> = gov
            .holders_on(Role::CybersecurityOfficer, on)
            .map(|a| a.person.as_str())
            .collect();
        if officers.contains(&by.as_str()) {
            return Part::Yes(text!(
                ja: "不正プログラムの侵入を防ぐ措置「{what}」を{on}にサイバーセキュリティ責任者が承認";
                en: "measure \"{what}\" preventing malware intrusion, approved by the cybersecurity officer on {on}"
            ));
        }
        why_not.push(if officers.is_empty() {
            text!(
                ja: "措置「{what}」は{on}に{by}が承認しましたが、その日のサイバーセキュリティ責任者の任命が記録されていません";
                en: "measure \"{what}\" was approved by {by} on {on}, but no cybersecurity officer is recorded as appointed that day"
            )
        } else {
            let should = officers.join(", ");
            text!(
                ja: "措置「{what}」は{on}に{by}が承認しましたが、承認すべきはサイバーセキュリティ責任者（{should}）です";
                en: "measure \"{what}\" was approved by {by} on {on}, but the cybersecurity officer ({should}) should have approved it"
            )
        });
    }
    match unknown {
        Some(t) => Part::Unknown(t),
        None if !why_not.is_empty() => Part::No(Text::new(
            why_not
                .iter()
                .map(|t| t.ja.as_str())
                .collect::<Vec<_>>()
                .join("。"),
            why_not
                .iter()
                .map(|t| t.en.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        )),
        None if ev.needs_officer => Part::No(text!(
            ja: "サイバーセキュリティ責任者が承認した代替措置はありません";
            en: "no measure approved by the cybersecurity officer"
        )),
        None => Part::No(text!(
            ja: "代替措置の記録はありません";
            en: "no other measure is recorded"
        )),
    }
}

/// Judges the alternative measure for `asset`.
pub fn assess(asset: &Asset, ev: &Evidence<'_>) -> Verdict {
    let mut refs = vec![
        (SectionKind::Inventory, asset_locator(asset, "networks")),
        (
            SectionKind::Inventory,
            asset_locator(asset, "removable_media"),
        ),
    ];
    let sep = separation(asset, ev);
    let med = media(asset);
    if let (Part::Yes(s), Part::Yes(m)) = (&sep, &med) {
        return Verdict::Met(
            text!(ja: "代替措置: {}、かつ{}", s.ja, m.ja; en: "alternative measure: {}, and {}", s.en, m.en),
            refs,
        );
    }
    let measure = approved_measure(asset, ev);
    refs.push((
        SectionKind::Inventory,
        asset_locator(asset, "alternative_measures"),
    ));
    if let Part::Yes(t) = &measure {
        refs.push((SectionKind::Governance, "appointments".into()));
        return Verdict::Met(
            text!(ja: "代替措置: {}", t.ja; en: "alternative measure: {}", t.en),
            refs,
        );
    }
    let join = |v: Vec<&Text>| {
        Text::new(
            v.iter()
                .map(|t| t.ja.as_str())
                .collect::<Vec<_>>()
                .join("。"),
            v.iter()
                .map(|t| t.en.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        )
    };
    // Separation and media prevention are needed together: one known "no"
    // among them settles that form, whatever the other is.
    let separation_form_fails = matches!(sep, Part::No(_)) || matches!(med, Part::No(_));
    let measure_fails = matches!(measure, Part::No(_));
    let parts = [&sep, &med, &measure];
    if separation_form_fails && measure_fails {
        let reasons = parts
            .iter()
            .filter_map(|p| match p {
                Part::No(t) => Some(t),
                _ => None,
            })
            .collect();
        Verdict::NotMet(join(reasons), refs)
    } else {
        let missing = parts
            .iter()
            .filter_map(|p| match p {
                Part::Unknown(t) => Some(t),
                _ => None,
            })
            .collect();
        Verdict::Unknown(join(missing), refs)
    }
}
