//! MLIT-ORD-04: physical isolation and entry control (省令 ④, コラム2).
//!
//! A fixed control-system computer stands in an area set apart by barriers,
//! locks or the like (「障壁、施錠等」) whose entry is managed (card,
//! biometrics, key with a ledger, a staffed reception, or another recorded
//! means that records who enters: the lists are open). A portable one (a
//! laptop or tablet, or an asset recorded as portable) is kept in lockable
//! storage or always carried. What the evidence does not record is
//! insufficient evidence, never a pass or a fail.

use std::collections::HashMap;

use mizuchi_sdk::prelude::*;
use mlit_common::missing_section;
use mlit_common::scope::{asset_locator, control_assets, nothing_in_scope};

pub const RULE: Rule = Rule {
    id: "MLIT-ORD-04",
    version: "2.0.0",
    title: StaticText {
        ja: "電子計算機の設置場所の隔離と入退出管理",
        en: "Physical isolation and entry control for control-system computers",
    },
    section: "コラム2 ④",
    force: Force::Ordinance,
    needs: &[
        Need::v2(SectionKind::Inventory),
        Need::v2(SectionKind::Sites),
    ],
    params: &[],
    eval: evaluate,
};

fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let Some(inventory) = ctx.document::<Inventory>()? else {
        return Ok(vec![missing_section(SectionKind::Inventory)]);
    };
    let sites: Option<Sites> = ctx.document()?;
    let areas: HashMap<&str, &Area> = sites
        .iter()
        .flat_map(|s| &s.areas)
        .map(|a| (a.id.as_str(), a))
        .collect();
    let scoped = control_assets(&inventory);
    if scoped.is_empty() {
        return Ok(vec![nothing_in_scope()]);
    }
    let mut out: Vec<Finding> = scoped
        .assets
        .iter()
        .map(|a| judge(a, sites.is_some(), &areas))
        .collect();
    out.extend(scoped.unknown_findings());
    Ok(out)
}

fn entry_name(e: EntryControl) -> Text {
    let (ja, en) = match e {
        EntryControl::Card => ("ICカード", "card reader"),
        EntryControl::Biometric => ("生体認証", "biometrics"),
        EntryControl::KeyWithLedger => ("鍵と鍵管理台帳", "key with a ledger"),
        EntryControl::Guard => ("受付・警備員", "staffed reception"),
        EntryControl::OtherRecorded => (
            "入室者を記録するその他の手段",
            "another means that records who enters",
        ),
        EntryControl::Key => ("台帳のない鍵", "key without a ledger"),
        _ => ("管理なし", "no entry control"),
    };
    Text::new(ja, en)
}

fn judge(asset: &Asset, have_sites: bool, areas: &HashMap<&str, &Area>) -> Finding {
    let id = &asset.id;
    let subject = Subject::asset(id);
    let portable = matches!(asset.kind, AssetKind::Laptop | AssetKind::Tablet)
        || (asset.portable == Some(true));
    if portable {
        let why = asset_locator(asset, "storage");
        let (locked, carried) = asset
            .storage
            .as_ref()
            .map_or((None, None), |s| (s.lockable_storage, s.always_carried));
        let f = match (locked, carried) {
            (Some(true), _) => Finding::pass(
                subject,
                text!(ja: "{id} は可搬型で、施錠できる保管庫で保管しています。";
                      en: "{id} is portable and kept in lockable storage"),
            ),
            (_, Some(true)) => Finding::pass(
                subject,
                text!(ja: "{id} は可搬型で、常に携帯しています。"; en: "{id} is portable and always carried"),
            ),
            (Some(false), Some(false)) => Finding::fail(
                subject,
                text!(ja: "{id} は可搬型ですが、施錠保管も常時携帯もされていません。";
                      en: "{id} is portable but neither kept locked away nor always carried"),
            ),
            _ => Finding::insufficient(
                subject,
                text!(ja: "{id} は可搬型ですが、施錠保管か常時携帯かが記録されていません。";
                      en: "{id} is portable but whether it is kept locked away or always carried is not recorded"),
            ),
        };
        return f.because(SectionKind::Inventory, why);
    }
    let why = asset_locator(asset, "location");
    let Some(area_id) = asset.location.as_ref().and_then(|l| l.area.as_deref()) else {
        // Say what is missing: the whole location, or only its area.
        let text = match asset.location.as_ref().map(|l| l.site.as_str()) {
            Some(site) => {
                text!(ja: "{id} の拠点（{site}）は記録されていますが、設置場所（区域）が記録されていません。";
                                en: "{id}: its site ({site}) is recorded but not the area where it stands")
            }
            None => text!(ja: "{id} の設置場所（拠点・区域とも）が記録されていません。";
                          en: "{id}: where it stands (neither site nor area) is not recorded"),
        };
        return Finding::insufficient(subject, text).because(SectionKind::Inventory, why);
    };
    let Some(area) = areas.get(area_id) else {
        let (ja, en) = if have_sites {
            (
                "拠点・管理区域の記録にありません",
                "is not in the sites section",
            )
        } else {
            (
                "を確認できません（拠点・管理区域の記録なし）",
                "cannot be checked (no sites section)",
            )
        };
        return Finding::insufficient(
            subject,
            text!(ja: "{id} の設置区域 {area_id} {ja}。"; en: "{id}: area {area_id} {en}"),
        )
        .because(SectionKind::Inventory, why);
    };
    // Barriers, locks or the like: a recorded barrier, or a lock.
    let separated = match (area.separation, area.locked) {
        (Separation::None, None) => None,
        (Separation::None, Some(l)) => Some(l),
        _ => Some(true),
    };
    let managed = area.entry_control.is_managed();
    let entry = entry_name(area.entry_control);
    let note = area
        .note
        .as_deref()
        .map(|n| format!("（{n}）"))
        .unwrap_or_default();
    let name = &area.name;
    let f = match (separated, managed) {
        (Some(true), true) => Finding::pass(
            subject,
            text!(ja: "{id} は隔離された区域「{name}」に設置され、入退出は{}{note}で管理されています。", entry.ja;
                  en: "{id} stands in the separated area \"{name}\" whose entry is managed by {}{note}", entry.en),
        ),
        (Some(false), _) => Finding::fail(
            subject,
            text!(ja: "{id} の設置区域「{name}」は障壁や施錠で他の区域から隔離されていません。";
                  en: "{id} stands in \"{name}\", which no barrier or lock separates from other areas"),
        ),
        (_, false) => Finding::fail(
            subject,
            text!(ja: "{id} の設置区域「{name}」の入退出が管理されていません（{}）。", entry.ja;
                  en: "{id} stands in \"{name}\", whose entry is not managed ({})", entry.en),
        ),
        (None, true) => Finding::insufficient(
            subject,
            text!(ja: "{id} の設置区域「{name}」は、障壁がなく施錠できるかも記録されていません。";
                  en: "{id} stands in \"{name}\", which has no barrier and does not record whether it locks"),
        ),
    };
    f.because(SectionKind::Inventory, why)
        .because(SectionKind::Sites, format!("areas[id={area_id}]"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};
    use mlit_common::build;

    fn run(asset: Asset, sites: Option<Sites>) -> Finding {
        let inv = Inventory {
            assets: vec![asset],
            ..Default::default()
        };
        let mut ev = Evidence::new().with(&inv);
        if let Some(s) = sites {
            ev = ev.with(&s);
        }
        let mut f = evaluate(&RULE, &ev, date(2026, 11, 27), &[]).unwrap();
        assert_eq!(f.len(), 1);
        f.remove(0)
    }

    fn room(f: impl FnOnce(&mut Area)) -> Option<Sites> {
        let mut s = build::control_room();
        f(&mut s.areas[0]);
        Some(s)
    }

    #[test]
    fn a_card_controlled_control_room_passes() {
        assert_eq!(
            run(build::asset("HMI-01"), room(|_| {})).status,
            Status::Pass
        );
    }

    #[test]
    fn a_key_with_a_ledger_passes_and_a_bare_key_fails() {
        let ledger = room(|a| a.entry_control = EntryControl::KeyWithLedger);
        assert_eq!(run(build::asset("HMI-01"), ledger).status, Status::Pass);
        let bare = room(|a| a.entry_control = EntryControl::Key);
        assert_eq!(run(build::asset("HMI-01"), bare).status, Status::Fail);
    }

    #[test]
    fn an_open_space_fails() {
        let open = room(|a| {
            a.separation = Separation::None;
            a.locked = Some(false);
        });
        let f = run(build::asset("HMI-01"), open);
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.en.contains("no barrier or lock"));
        let unknown = room(|a| {
            a.separation = Separation::None;
            a.locked = None;
        });
        assert_eq!(
            run(build::asset("HMI-01"), unknown).status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn the_lists_are_open_another_barrier_or_recorded_means_counts() {
        let other = room(|a| {
            a.separation = Separation::Other;
            a.entry_control = EntryControl::OtherRecorded;
            a.note = Some("生体認証付き監視カメラ記録".into());
        });
        let f = run(build::asset("HMI-01"), other);
        assert_eq!(f.status, Status::Pass);
        assert!(f.message.ja.contains("生体認証付き監視カメラ記録"));
    }

    #[test]
    fn an_unknown_location_is_insufficient_evidence() {
        let mut a = build::asset("HMI-01");
        a.location = None;
        let f = run(a.clone(), room(|_| {}));
        assert_eq!(f.status, Status::InsufficientEvidence);
        assert!(
            f.message
                .en
                .contains("where it stands (neither site nor area) is not recorded"),
            "{}",
            f.message.en
        );
        a.location = Some(Location {
            site: "plant".into(),
            area: None,
        });
        let f = run(a, room(|_| {}));
        assert!(
            f.message
                .en
                .contains("its site (plant) is recorded but not the area where it stands"),
            "{}",
            f.message.en
        );
        assert_eq!(
            run(build::asset("HMI-01"), None).status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn a_portable_computer_needs_locked_storage_or_carrying() {
        let mut a = build::asset("TAB-01");
        a.portable = Some(true);
        a.location = None;
        assert_eq!(run(a.clone(), None).status, Status::InsufficientEvidence);
        a.storage = Some(PortableStorage {
            lockable_storage: Some(true),
            always_carried: Some(false),
        });
        assert_eq!(run(a.clone(), None).status, Status::Pass);
        a.storage = Some(PortableStorage {
            lockable_storage: Some(false),
            always_carried: Some(true),
        });
        assert_eq!(run(a.clone(), None).status, Status::Pass);
        a.storage = Some(PortableStorage {
            lockable_storage: Some(false),
            always_carried: Some(false),
        });
        assert_eq!(run(a.clone(), None).status, Status::Fail);
        a.storage = Some(PortableStorage {
            lockable_storage: Some(false),
            always_carried: None,
        });
        assert_eq!(run(a.clone(), None).status, Status::InsufficientEvidence);
        // A tablet is portable whatever the flag says.
        a.portable = None;
        a.kind = AssetKind::Tablet;
        assert_eq!(run(a, None).status, Status::InsufficientEvidence);
    }

    #[test]
    fn office_computers_are_out_of_scope() {
        let mut a = build::asset("PC-01");
        a.control_system = Some(false);
        assert_eq!(run(a, room(|_| {})).status, Status::NotApplicable);
    }
}
