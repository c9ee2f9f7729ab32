//! MLIT-ORD-03: no end-of-support operating system, or the alternative measure
//! (省令 ③, コラム2).
//!
//! The OS is looked up in [`crate::lifecycle`] as of the assessment date. Paid
//! extended support counts only with a contract record covering the asset and
//! the date. An edition the inventory leaves open is insufficient evidence.
//! An unsupported OS passes only through the alternative measure shared with
//! ORD-02. Support ending within `eol_warning_days` gives a separate warning.

use mizuchi_sdk::prelude::*;
use mlit_common::scope::{asset_locator, control_assets, nothing_in_scope};
use mlit_common::{days_between, missing_section};

use crate::alternative::{self, Verdict};
use crate::lifecycle::{self, DATA_VERSION, Lookup, Release};

pub const RULE: Rule = Rule {
    id: "MLIT-ORD-03",
    version: "1.0.0",
    title: StaticText {
        ja: "サポート終了OSの不使用（又は代替措置）",
        en: "No end-of-support operating system, or isolation with disabled media ports",
    },
    section: "コラム2 ③",
    force: Force::Ordinance,
    needs: &[
        Need::v1(SectionKind::Inventory),
        Need::v1(SectionKind::Networks),
        Need::v1(SectionKind::Governance),
        Need::v1(SectionKind::Contracts),
    ],
    params: &[ParamSpec {
        key: "eol_warning_days",
        default: ParamDefault::Integer(365),
        description: StaticText {
            ja: "サポート終了が近いと警告する残り日数",
            en: "Warn when security support ends within this many days",
        },
    }],
    eval: evaluate,
};

struct Input<'a> {
    as_of: Date,
    warn_days: i64,
    contracts: Option<&'a Contracts>,
    alt: alternative::Evidence<'a>,
}

fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let warn_days = ctx.int("eol_warning_days")?;
    let as_of = ctx.as_of();
    let Some(inventory) = ctx.document::<Inventory>()? else {
        return Ok(vec![missing_section(SectionKind::Inventory)]);
    };
    let networks: Option<Networks> = ctx.document()?;
    let governance: Option<Governance> = ctx.document()?;
    let contracts: Option<Contracts> = ctx.document()?;
    let input = Input {
        as_of,
        warn_days,
        contracts: contracts.as_ref(),
        alt: alternative::Evidence {
            graph: networks.as_ref().map(mlit_common::closure::Graph::new),
            governance: governance.as_ref(),
        },
    };
    let assets = control_assets(&inventory);
    if assets.is_empty() {
        return Ok(vec![nothing_in_scope()]);
    }
    let mut findings = Vec::new();
    for asset in assets {
        judge(asset, &input, &mut findings);
    }
    Ok(findings)
}

/// Cites the lifecycle table shipped with the pack.
fn cite_table(f: Finding, release: &Release) -> Finding {
    f.citing("os-lifecycle", format!("{} ({DATA_VERSION})", release.name))
}

fn judge(asset: &Asset, input: &Input<'_>, out: &mut Vec<Finding>) {
    let id = &asset.id;
    let subject = Subject::asset(id);
    let os_ref = asset_locator(asset, "os");
    let Some(os) = &asset.os else {
        out.push(
            Finding::insufficient(
                subject,
                text!(ja: "{id} のOSが資産台帳に記録されていません。"; en: "{id}: the inventory does not record the OS"),
            )
            .because(SectionKind::Inventory, os_ref),
        );
        return;
    };
    let described = describe(os);
    let release = match lifecycle::lookup(os) {
        Lookup::Known(r) => r,
        Lookup::Unknown => {
            out.push(
                Finding::insufficient(
                    subject,
                    text!(ja: "{id} のOS「{described}」はサポート期限表（{DATA_VERSION}）にありません。エディション・バージョン・ビルドを確認してください。";
                          en: "{id}: OS \"{described}\" is not in the lifecycle table ({DATA_VERSION}); check its edition, version and build"),
                )
                .because(SectionKind::Inventory, os_ref),
            );
            return;
        }
        Lookup::Ambiguous(candidates) => {
            let list: Vec<String> = candidates
                .iter()
                .map(|r| format!("{} ({})", r.name, r.ends))
                .collect();
            out.push(
                Finding::insufficient(
                    subject,
                    text!(ja: "{id} のOS「{described}」はサポート期限の異なる複数の製品に該当します: {}。エディションを記録してください。", list.join("、");
                          en: "{id}: OS \"{described}\" matches releases with different support end dates: {}; record the edition", list.join(", ")),
                )
                .because(SectionKind::Inventory, os_ref),
            );
            return;
        }
    };
    let left = days_between(input.as_of, release.ends);
    if left >= 0 {
        out.push(cite_table(
            Finding::pass(
                subject.clone(),
                text!(ja: "{id}: {} のセキュリティ更新は{}まで提供されます。", release.name, release.ends;
                      en: "{id}: {} receives security updates until {}", release.name, release.ends),
            )
            .because(SectionKind::Inventory, os_ref.clone()),
            release,
        ));
        if left <= input.warn_days {
            out.push(cite_table(
                Finding::warn(
                    subject,
                    text!(ja: "{id}: {} のサポートは{}に終了します（残り{left}日）。更新を計画してください（推奨事項）。", release.name, release.ends;
                          en: "{id}: support for {} ends on {} ({left} days left); plan the upgrade (recommendation)", release.name, release.ends),
                )
                .because(SectionKind::Inventory, os_ref),
                release,
            ));
        }
        return;
    }
    if let Some(f) = extended_support(asset, release, input) {
        out.push(cite_table(f, release));
        return;
    }
    let ended = text!(ja: "{} のサポートは{}に終了しています", release.name, release.ends;
                      en: "support for {} ended on {}", release.name, release.ends);
    let finding = match alternative::assess(asset, &input.alt) {
        Verdict::Met(alt, refs) => with(
            Finding::pass_alternative(
                subject,
                text!(ja: "{id}: {}。{}", ended.ja, alt.ja; en: "{id}: {}; {}", ended.en, alt.en),
            ),
            refs,
        ),
        Verdict::NotMet(why, refs) => with(
            Finding::fail(
                subject,
                text!(ja: "{id}: {}。代替措置もありません（{}）。", ended.ja, why.ja;
                      en: "{id}: {}, and there is no alternative measure ({})", ended.en, why.en),
            ),
            refs,
        ),
        Verdict::Unknown(missing, refs) => with(
            Finding::insufficient(
                subject,
                text!(ja: "{id}: {}。代替措置を判定できません（{}）。", ended.ja, missing.ja;
                      en: "{id}: {}; the alternative measure cannot be judged ({})", ended.en, missing.en),
            ),
            refs,
        ),
    };
    out.push(cite_table(
        finding.because(SectionKind::Inventory, os_ref),
        release,
    ));
}

fn with(f: Finding, refs: Vec<(SectionKind, String)>) -> Finding {
    refs.into_iter().fold(f, |f, (s, l)| f.because(s, l))
}

fn describe(os: &OperatingSystem) -> String {
    [
        Some(os.product.as_str()),
        os.edition.as_deref(),
        os.version.as_deref(),
        os.build.as_deref().map(|b| b.trim()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
}

/// Paid extended support that covers the date, proven by a contract.
fn extended_support(asset: &Asset, release: &Release, input: &Input<'_>) -> Option<Finding> {
    let es = asset.extended_support.as_ref()?;
    let id = &asset.id;
    let subject = Subject::asset(id);
    let until = release.extended?;
    let as_of = input.as_of;
    let locator = asset_locator(asset, "extended_support");
    let contract = input
        .contracts
        .and_then(|c| c.contracts.iter().find(|c| c.id == es.contract));
    let covered = contract.is_some_and(|c| {
        c.is_current_on(as_of)
            && (c.assets.iter().any(|a| a == id)
                || c.scope.contains(&ContractScope::ExtendedSupport))
    });
    let f = if covered && as_of <= es.ends_on && as_of <= until {
        Finding::pass(
            subject,
            text!(ja: "{id}: {} の有償延長サポートを契約 {} により{}まで受けています。", release.name, es.contract, es.ends_on.min(until);
                  en: "{id}: {} is under paid extended support until {} by contract {}", release.name, es.ends_on.min(until), es.contract),
        )
    } else if contract.is_none() {
        // A claim without a contract record is not evidence; let the rule go on.
        return None;
    } else {
        Finding::fail(
            subject,
            text!(ja: "{id}: 延長サポート契約 {} は評価日（{as_of}）をカバーしていません。", es.contract;
                  en: "{id}: extended-support contract {} does not cover the assessment date ({as_of})", es.contract),
        )
    };
    Some(f.because(SectionKind::Inventory, locator).because(
        SectionKind::Contracts,
        format!("contracts[id={}]", es.contract),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};
    use mlit_common::build;

    const AS_OF: Date = date(2026, 11, 27);

    fn with_os(product: &str, edition: Option<&str>, build_no: Option<&str>) -> Asset {
        let mut a = build::asset("SV-01");
        a.os = Some(OperatingSystem {
            product: product.into(),
            edition: edition.map(Into::into),
            version: None,
            build: build_no.map(Into::into),
        });
        a
    }

    fn open(mut a: Asset) -> Asset {
        a.removable_media.as_mut().unwrap().control = MediaControl::Unrestricted;
        a
    }

    fn run_with(asset: Asset, contracts: Contracts, params: &[(&str, ParamValue)]) -> Vec<Finding> {
        let inv = Inventory {
            assets: vec![asset],
            ..Default::default()
        };
        let ev = Evidence::new()
            .with(&inv)
            .with(&build::closed_control_network())
            .with(&Governance::default())
            .with(&contracts);
        evaluate(&RULE, &ev, AS_OF, params).unwrap()
    }

    fn run(asset: Asset) -> Vec<Finding> {
        run_with(asset, Contracts::default(), &[])
    }

    fn statuses(f: &[Finding]) -> Vec<Status> {
        f.iter().map(|f| f.status).collect()
    }

    #[test]
    fn a_supported_os_passes() {
        let f = run(with_os("Windows Server", None, None));
        assert_eq!(
            statuses(&f),
            [Status::InsufficientEvidence],
            "an unknown product cannot pass"
        );
        let f = run(with_os("Windows Server 2022", None, Some("20348")));
        assert_eq!(statuses(&f), [Status::Pass]);
    }

    #[test]
    fn windows_10_build_17763_without_an_edition_is_not_a_pass() {
        let f = run(with_os("Windows 10", None, Some("17763")));
        assert_eq!(statuses(&f), [Status::InsufficientEvidence]);
        assert!(
            f[0].message.en.contains("record the edition"),
            "{}",
            f[0].message.en
        );
        let f = run(with_os(
            "Windows 10",
            Some("Enterprise LTSC 2019"),
            Some("17763"),
        ));
        assert_eq!(statuses(&f), [Status::Pass]);
    }

    #[test]
    fn an_ended_os_on_an_open_machine_fails() {
        let f = run(open(with_os(
            "Windows 7",
            Some("Professional"),
            Some("6.1.7601"),
        )));
        assert_eq!(statuses(&f), [Status::Fail]);
        assert!(f[0].message.en.contains("ended on 2020-01-14"));
    }

    #[test]
    fn an_ended_os_isolated_with_blocked_ports_passes_via_alternative() {
        let f = run(with_os("Windows 7", Some("Professional"), Some("6.1.7601")));
        assert_eq!(statuses(&f), [Status::PassAlternative]);
    }

    #[test]
    fn support_ending_on_the_assessment_date_still_counts() {
        // Windows 11 23H2 Enterprise ends 2026-11-10: pass on that day, not the day after.
        let a = open(with_os("Windows 11", Some("Enterprise"), Some("22631")));
        let inv = Inventory {
            assets: vec![a],
            ..Default::default()
        };
        let ev = Evidence::new()
            .with(&inv)
            .with(&build::closed_control_network())
            .with(&Governance::default())
            .with(&Contracts::default());
        let on = evaluate(&RULE, &ev, date(2026, 11, 10), &[]).unwrap();
        assert_eq!(on[0].status, Status::Pass);
        let after = evaluate(&RULE, &ev, date(2026, 11, 11), &[]).unwrap();
        assert_eq!(after[0].status, Status::Fail);
    }

    #[test]
    fn support_ending_within_the_warning_window_adds_a_warning() {
        // Windows Server 2016 ends 2027-01-12: 46 days after the assessment date.
        let a = with_os("Windows Server 2016", None, Some("14393"));
        let f = run_with(a.clone(), Contracts::default(), &[]);
        assert_eq!(statuses(&f), [Status::Pass, Status::Warn]);
        assert!(
            f[1].message.en.contains("46 days left"),
            "{}",
            f[1].message.en
        );
        let f = run_with(
            a.clone(),
            Contracts::default(),
            &[("eol_warning_days", ParamValue::Integer(46))],
        );
        assert_eq!(statuses(&f), [Status::Pass, Status::Warn]);
        let f = run_with(
            a,
            Contracts::default(),
            &[("eol_warning_days", ParamValue::Integer(45))],
        );
        assert_eq!(statuses(&f), [Status::Pass]);
    }

    fn esu_contract(ends_on: Date) -> Contracts {
        Contracts {
            contracts: vec![Contract {
                id: "C-ESU".into(),
                contractor: "Vendor KK".into(),
                title: "Windows 10 ESU".into(),
                scope: vec![ContractScope::ExtendedSupport],
                assets: vec!["SV-01".into()],
                personal_data: false,
                starts_on: date(2025, 10, 1),
                ends_on: Some(ends_on),
                clauses: vec![],
                data_disposition: vec![],
            }],
        }
    }

    fn esu_asset() -> Asset {
        let mut a = open(with_os("Windows 10", None, Some("19045")));
        a.extended_support = Some(ExtendedSupport {
            contract: "C-ESU".into(),
            ends_on: date(2028, 10, 10),
        });
        a
    }

    #[test]
    fn paid_extended_support_counts_only_with_a_contract() {
        let f = run_with(esu_asset(), esu_contract(date(2027, 9, 30)), &[]);
        assert_eq!(statuses(&f), [Status::Pass]);
        assert!(f[0].message.en.contains("contract C-ESU"));
        // The same claim with no contract record is not evidence.
        let f = run_with(esu_asset(), Contracts::default(), &[]);
        assert_eq!(statuses(&f), [Status::Fail]);
        // A contract that ended before the assessment date does not cover it.
        let f = run_with(esu_asset(), esu_contract(date(2026, 9, 30)), &[]);
        assert_eq!(statuses(&f), [Status::Fail]);
        assert!(f[0].message.en.contains("does not cover"));
    }

    #[test]
    fn an_unrecorded_os_is_insufficient_evidence() {
        let mut a = build::asset("SV-01");
        a.os = None;
        assert_eq!(statuses(&run(a)), [Status::InsufficientEvidence]);
    }

    #[test]
    fn office_computers_are_out_of_scope() {
        let mut a = build::asset("PC-01");
        a.control_system = false;
        assert_eq!(statuses(&run(a)), [Status::NotApplicable]);
    }
}
