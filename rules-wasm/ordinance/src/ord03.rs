//! MLIT-ORD-03: no end-of-support operating system, or the alternative measure
//! (省令 ③, コラム2).
//!
//! The OS is looked up in [`crate::lifecycle`] as of the assessment date; a
//! device whose OS or firmware the table does not hold (a controller, an
//! appliance) is decided by the vendor's support record for it, and is
//! insufficient evidence without one, never a pass. Paid extended support
//! counts only with a contract record that lists the asset and covers the
//! date; a lapsed or foreign contract means no extended support, and the
//! alternative measure is then assessed (recording a true fact never makes
//! the result worse). An edition the inventory leaves open is insufficient
//! evidence. An unsupported OS passes only through the alternative measure
//! shared with ORD-02. Support, a covered paid extension included, ending
//! within `eol_warning_days` gives a separate warning; support that has
//! already ended gives none.

use mizuchi_sdk::prelude::*;
use mlit_common::scope::{asset_locator, control_assets, nothing_in_scope};
use mlit_common::{days_between, missing_section};

use crate::alternative::{self, Verdict};
use crate::lifecycle::{self, DATA_VERSION, Lookup, Release};

pub const RULE: Rule = Rule {
    id: "MLIT-ORD-03",
    version: "2.0.0",
    title: StaticText {
        ja: "サポート終了OSの不使用（又は代替措置）",
        en: "No end-of-support operating system, or isolation with disabled media ports",
    },
    section: "コラム2 ③",
    force: Force::Ordinance,
    needs: &[
        Need::v2(SectionKind::Inventory),
        Need::v2(SectionKind::Networks),
        Need::v2(SectionKind::Governance),
        Need::v2(SectionKind::Contracts),
    ],
    params: &[
        ParamSpec {
            key: "eol_warning_days",
            default: ParamDefault::Integer(365),
            description: StaticText {
                ja: "サポート終了が近いと警告する残り日数",
                en: "Warn when security support ends within this many days",
            },
        },
        alternative::OFFICER_PARAM,
    ],
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
    let needs_officer = ctx.flag(alternative::OFFICER_PARAM.key)?;
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
            as_of,
            needs_officer,
        },
    };
    let scoped = control_assets(&inventory);
    if scoped.is_empty() {
        return Ok(vec![nothing_in_scope()]);
    }
    let mut findings = Vec::new();
    for asset in &scoped.assets {
        judge(asset, &input, &mut findings);
    }
    findings.extend(scoped.unknown_findings());
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
            vendor_supported(asset, &described, input, out);
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
    let cite = |f: Finding| cite_table(f, release);
    let left = days_between(input.as_of, release.ends);
    if left >= 0 {
        out.push(cite(
            Finding::pass(
                subject.clone(),
                text!(ja: "{id}: {} のセキュリティ更新は{}まで提供されます。", release.name, release.ends;
                      en: "{id}: {} receives security updates until {}", release.name, release.ends),
            )
            .because(SectionKind::Inventory, os_ref.clone()),
        ));
        if let Some(w) = warning(asset, release.name, release.ends, input) {
            out.push(cite(w));
        }
        return;
    }
    let (extended, note) = extended_support(asset, release, input);
    if let Some((f, ends)) = extended {
        out.push(cite(f));
        if let Some(w) = warning(asset, &format!("{} (extended)", release.name), ends, input) {
            out.push(cite(w));
        }
        return;
    }
    let ended = text!(ja: "{} のサポートは{}に終了しています{}", release.name, release.ends, note.ja;
                      en: "support for {} ended on {}{}", release.name, release.ends, note.en);
    out.push(cite(
        unsupported(asset, ended, input).because(SectionKind::Inventory, os_ref),
    ));
}

/// The warning that support ends within `eol_warning_days`; none for
/// support that has already ended.
fn warning(asset: &Asset, name: &str, ends: Date, input: &Input<'_>) -> Option<Finding> {
    let left = days_between(input.as_of, ends);
    if left < 0 || left > input.warn_days {
        return None;
    }
    let id = &asset.id;
    Some(
        Finding::warn(
            Subject::asset(id),
            text!(ja: "{id}: {name} のサポートは{ends}に終了します（残り{left}日）。更新を計画してください（推奨事項）。";
                  en: "{id}: support for {name} ends on {ends} ({left} days left); plan the upgrade (recommendation)"),
        )
        .because(SectionKind::Inventory, asset_locator(asset, "os")),
    )
}

/// An OS whose support has ended: the alternative measure decides.
fn unsupported(asset: &Asset, ended: Text, input: &Input<'_>) -> Finding {
    let id = &asset.id;
    let subject = Subject::asset(id);
    match alternative::assess(asset, &input.alt) {
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
    }
}

/// A device the lifecycle table does not hold: its vendor's support record
/// decides; without one the rule cannot.
fn vendor_supported(asset: &Asset, described: &str, input: &Input<'_>, out: &mut Vec<Finding>) {
    let id = &asset.id;
    let subject = Subject::asset(id);
    let os_ref = asset_locator(asset, "os");
    let Some(vs) = &asset.vendor_support else {
        out.push(
            Finding::insufficient(
                subject,
                text!(ja: "{id} のOS・ファームウェア「{described}」はサポート期限表（{DATA_VERSION}）になく、ベンダのサポート期限も記録されていません。";
                      en: "{id}: OS or firmware \"{described}\" is not in the lifecycle table ({DATA_VERSION}) and no vendor support record gives its end"),
            )
            .because(SectionKind::Inventory, os_ref),
        );
        return;
    };
    let vs_ref = asset_locator(asset, "vendor_support");
    let reference = vs
        .reference
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    if vs.until >= input.as_of {
        out.push(
            Finding::pass(
                subject,
                text!(ja: "{id}: {described} はベンダが{}までサポートします{reference}。", vs.until;
                      en: "{id}: the vendor supports {described} until {}{reference}", vs.until),
            )
            .because(SectionKind::Inventory, vs_ref),
        );
        if let Some(w) = warning(asset, described, vs.until, input) {
            out.push(w);
        }
        return;
    }
    let ended = text!(ja: "{described} のベンダサポートは{}に終了しています{reference}", vs.until;
                      en: "the vendor's support for {described} ended on {}{reference}", vs.until);
    out.push(unsupported(asset, ended, input).because(SectionKind::Inventory, vs_ref));
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

/// Paid extended support that covers the date, proven by a contract that
/// lists the asset: the pass and the day it ends. A recorded extension that
/// does not count comes back as a note for the finding, and the rule goes
/// on to the alternative measure.
fn extended_support(
    asset: &Asset,
    release: &Release,
    input: &Input<'_>,
) -> (Option<(Finding, Date)>, Text) {
    let none = Text::default();
    let Some(es) = asset.extended_support.as_ref() else {
        return (None, none);
    };
    let id = &asset.id;
    let as_of = input.as_of;
    let locator = asset_locator(asset, "extended_support");
    let Some(until) = release.extended else {
        return (
            None,
            text!(ja: "（{} には有償延長サポートがないため、記録された延長サポートは数えません）", release.name;
                  en: " ({} has no paid extended support, so the recorded one does not count)", release.name),
        );
    };
    let contract = input
        .contracts
        .and_then(|c| c.contracts.iter().find(|c| c.id == es.contract));
    let why_not = match contract {
        None => Some(
            text!(ja: "契約 {} の記録がありません", es.contract; en: "contract {} is not recorded", es.contract),
        ),
        Some(c) if !c.assets.iter().any(|a| a == id) => Some(
            text!(ja: "契約 {} は {id} を対象資産に挙げていません", es.contract; en: "contract {} does not list {id}", es.contract),
        ),
        Some(c) if !c.is_current_on(as_of) => Some(
            text!(ja: "契約 {} は評価日（{as_of}）に有効ではありません", es.contract; en: "contract {} is not in force on the assessment date ({as_of})", es.contract),
        ),
        Some(_) if as_of > es.ends_on || as_of > until => Some(
            text!(ja: "延長サポートは{}に終了しています", es.ends_on.min(until); en: "the extended support ended on {}", es.ends_on.min(until)),
        ),
        Some(_) => None,
    };
    if let Some(why) = why_not {
        return (
            None,
            text!(ja: "（有償延長サポートは数えません: {}）", why.ja;
                  en: " (paid extended support does not count: {})", why.en),
        );
    }
    let ends = contract
        .and_then(|c| c.ends_on)
        .map_or(es.ends_on.min(until), |c| c.min(es.ends_on).min(until));
    let f = Finding::pass(
        Subject::asset(id),
        text!(ja: "{id}: {} の有償延長サポートを契約 {} により{ends}まで受けています。", release.name, es.contract;
              en: "{id}: {} is under paid extended support until {ends} by contract {}", release.name, es.contract),
    )
    .because(SectionKind::Inventory, locator)
    .because(SectionKind::Contracts, format!("contracts[id={}]", es.contract));
    (Some((f, ends)), none)
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
                personal_data: Some(false),
                starts_on: date(2025, 10, 1),
                ends_on: Some(ends_on),
                clauses: Clauses::default(),
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
    fn paid_extended_support_counts_only_with_a_contract_that_lists_the_asset() {
        // Covered until the contract ends (2027-09-30, 307 days away): a
        // pass, and the warning that the paid extension ends soon.
        let f = run_with(esu_asset(), esu_contract(date(2027, 9, 30)), &[]);
        assert_eq!(statuses(&f), [Status::Pass, Status::Warn]);
        assert!(f[0].message.en.contains("contract C-ESU"));
        assert!(
            f[1].message.en.contains("307 days left"),
            "{}",
            f[1].message.en
        );
        // The same claim with no contract record is not evidence.
        let f = run_with(esu_asset(), Contracts::default(), &[]);
        assert_eq!(statuses(&f), [Status::Fail]);
        assert!(
            f[0].message.en.contains("contract C-ESU is not recorded"),
            "{}",
            f[0].message.en
        );
        // A lapsed contract means no extended support; no warning for
        // support that has ended.
        let f = run_with(esu_asset(), esu_contract(date(2026, 9, 30)), &[]);
        assert_eq!(statuses(&f), [Status::Fail]);
        assert!(
            f[0].message
                .en
                .contains("not in force on the assessment date"),
            "{}",
            f[0].message.en
        );
        // A foreign contract (not listing the asset) does not count either.
        let mut foreign = esu_contract(date(2027, 9, 30));
        foreign.contracts[0].assets = vec!["SV-99".into()];
        let f = run_with(esu_asset(), foreign, &[]);
        assert!(
            f[0].message.en.contains("does not list SV-01"),
            "{}",
            f[0].message.en
        );
    }

    #[test]
    fn a_lapsed_extension_on_an_isolated_machine_still_passes_via_alternative() {
        // Recording a true fact (a lapsed contract) never makes the result worse.
        let mut a = esu_asset();
        a.removable_media.as_mut().unwrap().control = MediaControl::Blocked;
        let f = run_with(a, esu_contract(date(2026, 9, 30)), &[]);
        assert_eq!(statuses(&f), [Status::PassAlternative]);
    }

    #[test]
    fn firmware_outside_the_table_is_decided_by_the_vendors_support_record() {
        let mut plc = with_os("MELSEC iQ-R firmware", None, Some("38"));
        plc.kind = AssetKind::Plc;
        assert_eq!(statuses(&run(plc.clone())), [Status::InsufficientEvidence]);
        plc.vendor_support = Some(VendorSupport {
            until: date(2030, 3, 31),
            reference: Some("vendor notice 2024-05".into()),
        });
        let f = run(plc.clone());
        assert_eq!(statuses(&f), [Status::Pass]);
        assert!(
            f[0].message
                .en
                .contains("until 2030-03-31 (vendor notice 2024-05)"),
            "{}",
            f[0].message.en
        );
        plc.vendor_support.as_mut().unwrap().until = date(2026, 3, 31);
        // Ended: the alternative decides (closed network, blocked ports).
        assert_eq!(statuses(&run(plc.clone())), [Status::PassAlternative]);
        assert_eq!(statuses(&run(open(plc))), [Status::Fail]);
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
        a.control_system = Some(false);
        assert_eq!(statuses(&run(a)), [Status::NotApplicable]);
    }
}
