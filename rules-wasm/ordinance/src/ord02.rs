//! MLIT-ORD-02: anti-malware, or the alternative measure (省令 ②, コラム2).
//!
//! Anti-malware must be installed, its definitions current and automatic
//! scanning on. Otherwise the computer passes only through the alternative
//! measure of [`crate::alternative`].

use mizuchi_sdk::prelude::*;
use mlit_common::scope::{asset_locator, control_assets, nothing_in_scope};
use mlit_common::{days_between, missing_section};

use crate::alternative::{self, Verdict};

pub const RULE: Rule = Rule {
    id: "MLIT-ORD-02",
    version: "2.0.0",
    title: StaticText {
        ja: "不正プログラム対策（アンチウイルスソフトウェア又は代替措置）",
        en: "Anti-malware, or isolation with disabled media ports",
    },
    section: "コラム2 ②",
    force: Force::Ordinance,
    needs: &[
        Need::v2(SectionKind::Inventory),
        Need::v2(SectionKind::Networks),
        Need::v2(SectionKind::Governance),
    ],
    params: &[
        ParamSpec {
            key: "max_definition_age_days",
            default: ParamDefault::Integer(7),
            description: StaticText {
                ja: "ウイルス定義ファイルを最新とみなす経過日数の上限",
                en: "Most days since the last definition update that still count as current",
            },
        },
        alternative::OFFICER_PARAM,
    ],
    eval: evaluate,
};

/// Whether anti-malware alone meets the requirement.
enum Protection {
    Adequate(Text),
    Inadequate(Text),
    Unrecorded,
}

fn protection(asset: &Asset, as_of: Date, max_age: i64) -> Protection {
    let Some(am) = &asset.anti_malware else {
        return Protection::Unrecorded;
    };
    if !am.installed {
        return Protection::Inadequate(text!(
            ja: "アンチウイルスソフトウェアが導入されていません";
            en: "no anti-malware is installed"
        ));
    }
    let mut gaps = Vec::new();
    match am.definitions_updated_on {
        None => gaps.push(text!(
            ja: "定義ファイルの更新日が記録されていません";
            en: "the definition update date is not recorded"
        )),
        Some(d) if d > as_of => gaps.push(text!(
            ja: "定義ファイルの更新日 {d} が評価日より後のため、存在しないものとして扱いました";
            en: "the definition update date {d} is after the assessment date, so it is ignored"
        )),
        Some(d) => {
            let age = days_between(d, as_of);
            if age > max_age {
                gaps.push(text!(
                    ja: "定義ファイルの更新が{d}で{age}日経過（上限{max_age}日）";
                    en: "definitions last updated {d}, {age} days ago (limit {max_age})"
                ));
            }
        }
    }
    match am.automatic_scan {
        Some(true) => {}
        Some(false) => {
            gaps.push(text!(ja: "自動検査機能が無効です"; en: "automatic scanning is off"))
        }
        None => gaps.push(text!(
            ja: "自動検査機能の有効・無効が記録されていません";
            en: "whether automatic scanning is on is not recorded"
        )),
    }
    if gaps.is_empty() {
        let product = am.product.as_deref().unwrap_or("anti-malware");
        Protection::Adequate(text!(
            ja: "{product} 導入済み、定義ファイル最新、自動検査有効";
            en: "{product} installed, definitions current, automatic scanning on"
        ))
    } else {
        Protection::Inadequate(Text::new(
            gaps.iter()
                .map(|t| t.ja.as_str())
                .collect::<Vec<_>>()
                .join("。"),
            gaps.iter()
                .map(|t| t.en.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        ))
    }
}

fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let max_age = ctx.int("max_definition_age_days")?;
    let needs_officer = ctx.flag(alternative::OFFICER_PARAM.key)?;
    let as_of = ctx.as_of();
    let Some(inventory) = ctx.document::<Inventory>()? else {
        return Ok(vec![missing_section(SectionKind::Inventory)]);
    };
    let networks: Option<Networks> = ctx.document()?;
    let governance: Option<Governance> = ctx.document()?;
    let ev = alternative::Evidence {
        graph: networks.as_ref().map(mlit_common::closure::Graph::new),
        governance: governance.as_ref(),
        as_of,
        needs_officer,
    };
    let scoped = control_assets(&inventory);
    if scoped.is_empty() {
        return Ok(vec![nothing_in_scope()]);
    }
    let mut out: Vec<Finding> = scoped
        .assets
        .iter()
        .map(|a| judge(a, as_of, max_age, &ev))
        .collect();
    out.extend(scoped.unknown_findings());
    Ok(out)
}

fn judge(asset: &Asset, as_of: Date, max_age: i64, ev: &alternative::Evidence<'_>) -> Finding {
    let id = &asset.id;
    let subject = Subject::asset(id);
    let am_ref = asset_locator(asset, "anti_malware");
    let shortfall = match protection(asset, as_of, max_age) {
        Protection::Adequate(t) => {
            return Finding::pass(subject, text!(ja: "{id}: {}", t.ja; en: "{id}: {}", t.en))
                .because(SectionKind::Inventory, am_ref);
        }
        Protection::Inadequate(t) => Some(t),
        Protection::Unrecorded => None,
    };
    let with_refs = |f: Finding, refs: Vec<(SectionKind, String)>| {
        refs.into_iter().fold(
            f.because(SectionKind::Inventory, am_ref.clone()),
            |f, (s, l)| f.because(s, l),
        )
    };
    match (alternative::assess(asset, ev), shortfall) {
        (Verdict::Met(alt, refs), _) => with_refs(
            Finding::pass_alternative(
                subject,
                text!(ja: "{id}: {}", alt.ja; en: "{id}: {}", alt.en),
            ),
            refs,
        ),
        (Verdict::NotMet(alt, refs), Some(gap)) => with_refs(
            Finding::fail(
                subject,
                text!(ja: "{id}: {}。代替措置もありません（{}）。", gap.ja, alt.ja;
                      en: "{id}: {}; and no alternative measure ({})", gap.en, alt.en),
            ),
            refs,
        ),
        (Verdict::NotMet(_, refs), None) => with_refs(
            Finding::insufficient(
                subject,
                text!(ja: "{id}: アンチウイルスソフトウェアの状況が記録されておらず、代替措置もないため判定できません。";
                      en: "{id}: anti-malware is not recorded and there is no alternative measure, so the rule cannot decide"),
            ),
            refs,
        ),
        (Verdict::Unknown(missing, refs), gap) => {
            let gap = gap.unwrap_or_else(|| {
                text!(
                    ja: "アンチウイルスソフトウェアの状況が記録されていません";
                    en: "anti-malware is not recorded"
                )
            });
            with_refs(
                Finding::insufficient(
                    subject,
                    text!(ja: "{id}: {}。代替措置も判定できません（{}）。", gap.ja, missing.ja;
                          en: "{id}: {}; the alternative measure cannot be judged either ({})", gap.en, missing.en),
                ),
                refs,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};
    use mlit_common::build;

    const AS_OF: Date = date(2026, 11, 27);

    fn evidence(asset: Asset, networks: Networks) -> Evidence {
        let inv = Inventory {
            assets: vec![asset],
            ..Default::default()
        };
        Evidence::new()
            .with(&inv)
            .with(&networks)
            .with(&Governance::default())
    }

    fn run(ev: &Evidence, params: &[(&str, ParamValue)]) -> Finding {
        let mut f = evaluate(&RULE, ev, AS_OF, params).unwrap();
        assert_eq!(f.len(), 1, "{f:?}");
        f.remove(0)
    }

    fn stale(mut a: Asset) -> Asset {
        a.anti_malware.as_mut().unwrap().definitions_updated_on = Some(date(2025, 1, 1));
        a
    }

    fn open_network() -> Networks {
        let mut n = build::closed_control_network();
        n.networks.push(build::network(
            "inet",
            "internet",
            NetworkKind::Internet,
            false,
        ));
        n.links
            .push(build::link("FW-1", "ctl", "inet", LinkMedium::Firewall));
        n
    }

    #[test]
    fn current_anti_malware_passes() {
        let f = run(&evidence(build::asset("HMI-01"), open_network()), &[]);
        assert_eq!(f.status, Status::Pass);
    }

    #[test]
    fn definitions_exactly_at_the_limit_are_current_and_one_day_more_is_not() {
        let mut a = build::asset("HMI-01");
        a.anti_malware.as_mut().unwrap().definitions_updated_on = Some(date(2026, 11, 20));
        let ev = evidence(a.clone(), open_network());
        assert_eq!(run(&ev, &[]).status, Status::Pass);
        a.anti_malware.as_mut().unwrap().definitions_updated_on = Some(date(2026, 11, 19));
        let f = run(&evidence(a, open_network()), &[]);
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message.en.contains("8 days ago (limit 7)"),
            "{}",
            f.message.en
        );
    }

    #[test]
    fn the_definition_age_limit_is_a_parameter() {
        let mut a = build::asset("HMI-01");
        a.anti_malware.as_mut().unwrap().definitions_updated_on = Some(date(2026, 11, 19));
        let f = run(
            &evidence(a, open_network()),
            &[("max_definition_age_days", ParamValue::Integer(8))],
        );
        assert_eq!(f.status, Status::Pass);
    }

    #[test]
    fn stale_definitions_on_a_closed_network_with_blocked_ports_pass_via_alternative() {
        let f = run(
            &evidence(
                stale(build::asset("HMI-01")),
                build::closed_control_network(),
            ),
            &[],
        );
        assert_eq!(f.status, Status::PassAlternative);
        assert!(f.message.en.contains("truly closed"), "{}", f.message.en);
    }

    #[test]
    fn a_firewall_is_not_isolation() {
        let f = run(
            &evidence(stale(build::asset("HMI-01")), open_network()),
            &[],
        );
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.en.contains("firewall (FW-1)"), "{}", f.message.en);
    }

    #[test]
    fn a_usb_notice_is_not_port_control() {
        let mut a = stale(build::asset("HMI-01"));
        a.removable_media.as_mut().unwrap().enforcement = Enforcement::Procedural;
        let f = run(&evidence(a, build::closed_control_network()), &[]);
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message.en.contains("a notice is not prevention"),
            "{}",
            f.message.en
        );
    }

    #[test]
    fn isolation_alone_is_not_enough() {
        let mut a = stale(build::asset("HMI-01"));
        a.removable_media.as_mut().unwrap().control = MediaControl::Unrestricted;
        let f = run(&evidence(a, build::closed_control_network()), &[]);
        assert_eq!(f.status, Status::Fail);
    }

    #[test]
    fn an_allow_listing_approved_by_the_cybersecurity_officer_passes_via_alternative() {
        let mut a = stale(build::asset("HMI-01"));
        a.removable_media = None;
        a.alternative_measures.push(AlternativeMeasure {
            kind: MeasureKind::ApplicationAllowListing,
            description: "AppLocker allow-list".into(),
            approved_by: Some("P-CSO".into()),
            approved_on: Some(date(2026, 4, 10)),
        });
        let gov = Governance {
            appointments: vec![Appointment {
                role: Role::CybersecurityOfficer,
                person: "P-CSO".into(),
                appointed_on: date(2025, 4, 1),
                appointed_by: None,
                by_management: Some(true),
                until: None,
            }],
            ..Default::default()
        };
        let inv = Inventory {
            assets: vec![a.clone()],
            ..Default::default()
        };
        let ev = Evidence::new().with(&inv).with(&open_network()).with(&gov);
        assert_eq!(run(&ev, &[]).status, Status::PassAlternative);
        // The same measure approved by someone else does not count.
        a.alternative_measures[0].approved_by = Some("P-OTHER".into());
        let inv = Inventory {
            assets: vec![a],
            ..Default::default()
        };
        let ev = Evidence::new().with(&inv).with(&open_network()).with(&gov);
        let f = run(&ev, &[]);
        assert_eq!(f.status, Status::Fail);
        // The finding says who approved it and who should have.
        assert!(
            f.message.en.contains("measure \"AppLocker allow-list\" was approved by P-OTHER on 2026-04-10, but the cybersecurity officer (P-CSO) should have approved it"),
            "{}",
            f.message.en
        );
        assert!(
            f.message.ja.contains(
                "P-OTHERが承認しましたが、承認すべきはサイバーセキュリティ責任者（P-CSO）です"
            ),
            "{}",
            f.message.ja
        );
        // Unless the utility does not require the officer's approval.
        assert_eq!(
            run(
                &ev,
                &[(
                    "other_measure_needs_officer_approval",
                    ParamValue::Boolean(false)
                )]
            )
            .status,
            Status::PassAlternative
        );
    }

    #[test]
    fn any_technical_prevention_of_media_infection_counts() {
        for (control, enforcement, expected) in [
            (
                MediaControl::NoPorts,
                Enforcement::None,
                Status::PassAlternative,
            ),
            (
                MediaControl::AllowListed,
                Enforcement::Technical,
                Status::PassAlternative,
            ),
            (
                MediaControl::Blocked,
                Enforcement::Physical,
                Status::PassAlternative,
            ),
            (
                MediaControl::AllowListed,
                Enforcement::Procedural,
                Status::Fail,
            ),
            (
                MediaControl::Unrestricted,
                Enforcement::Technical,
                Status::Fail,
            ),
        ] {
            let mut a = stale(build::asset("HMI-01"));
            let m = a.removable_media.as_mut().unwrap();
            m.control = control;
            m.enforcement = enforcement;
            let f = run(&evidence(a, build::closed_control_network()), &[]);
            assert_eq!(
                f.status, expected,
                "{control:?} {enforcement:?}: {}",
                f.message.en
            );
        }
    }

    #[test]
    fn definitions_dated_after_the_as_of_are_ignored() {
        let mut a = build::asset("HMI-01");
        a.anti_malware.as_mut().unwrap().definitions_updated_on = Some(date(2026, 12, 1));
        let f = run(&evidence(a, build::closed_control_network()), &[]);
        // Ignored, so not current; the closed network and blocked ports carry it.
        assert_eq!(f.status, Status::PassAlternative);
    }

    #[test]
    fn a_measure_approved_after_the_as_of_does_not_count_and_the_finding_says_so() {
        let mut a = stale(build::asset("HMI-01"));
        a.removable_media = None;
        a.alternative_measures.push(AlternativeMeasure {
            kind: MeasureKind::ApplicationAllowListing,
            description: "AppLocker allow-list".into(),
            approved_by: Some("P-CSO".into()),
            approved_on: Some(date(2026, 12, 10)),
        });
        let inv = Inventory {
            assets: vec![a],
            ..Default::default()
        };
        let ev = Evidence::new()
            .with(&inv)
            .with(&open_network())
            .with(&Governance::default());
        let f = run(&ev, &[]);
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message.en.contains(
                "was approved on 2026-12-10, after the assessment date, so it is not counted"
            ),
            "{}",
            f.message.en
        );
    }

    #[test]
    fn unrecorded_anti_malware_without_known_isolation_is_insufficient_evidence() {
        let mut a = build::asset("HMI-01");
        a.anti_malware = None;
        a.networks = None;
        let f = run(&evidence(a, build::closed_control_network()), &[]);
        assert_eq!(f.status, Status::InsufficientEvidence);
    }

    #[test]
    fn stale_definitions_with_unknown_networks_are_insufficient_evidence() {
        let mut a = stale(build::asset("HMI-01"));
        a.networks = Some(vec!["nowhere".into()]);
        let f = run(&evidence(a, build::closed_control_network()), &[]);
        assert_eq!(f.status, Status::InsufficientEvidence);
        assert!(f.message.en.contains("nowhere"));
    }

    #[test]
    fn office_computers_are_out_of_scope() {
        let mut a = build::asset("PC-01");
        a.control_system = Some(false);
        assert_eq!(
            run(&evidence(a, open_network()), &[]).status,
            Status::NotApplicable
        );
    }
}
