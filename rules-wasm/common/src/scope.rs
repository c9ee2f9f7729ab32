//! Which assets and systems the ordinance covers.
//!
//! The ordinance's four requirements apply to computers that run or manage
//! water facilities: the control systems (浄水場の監視制御, ポンプ場の運転,
//! 水運用): servers, terminals, peripherals, and the embedded controllers
//! (PLC, RTU, telemeters) and network appliances that belong to them
//! (「装置全般」). An asset is in scope if it is marked so, or belongs to a
//! system marked so and is not itself marked otherwise; when neither says,
//! its scope is unknown and the ordinance rules say so.

use std::collections::HashMap;

use mizuchi_sdk::prelude::*;

/// The systems of an inventory by id.
pub fn systems(inventory: &Inventory) -> HashMap<&str, &System> {
    inventory
        .systems
        .iter()
        .map(|s| (s.id.as_str(), s))
        .collect()
}

/// Whether the ordinance covers an asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// It runs or manages water facilities.
    In,
    /// It does not.
    Out,
    /// Neither the asset nor its system records which.
    Unknown,
}

/// Whether the ordinance covers `asset`: what the asset records, else what
/// its system records. An asset recorded as not part of the control
/// systems stays out even if its system is one (a printer on the SCADA
/// network's list, for instance); nothing recorded is unknown, never out.
pub fn scope(asset: &Asset, systems: &HashMap<&str, &System>) -> Scope {
    let of_system = asset
        .system
        .as_deref()
        .and_then(|id| systems.get(id))
        .and_then(|s| s.control_system);
    match asset.control_system.or(of_system) {
        Some(true) => Scope::In,
        Some(false) => Scope::Out,
        None => Scope::Unknown,
    }
}

/// The asset is a control-system computer.
pub fn is_control(asset: &Asset, systems: &HashMap<&str, &System>) -> bool {
    scope(asset, systems) == Scope::In
}

/// The assets of an inventory by scope, in inventory order.
#[derive(Debug, Default)]
pub struct Scoped<'a> {
    /// In the ordinance's scope.
    pub assets: Vec<&'a Asset>,
    /// Whose scope is not recorded.
    pub unknown: Vec<&'a Asset>,
}

impl Scoped<'_> {
    /// Nothing is, or might be, in scope.
    pub fn is_empty(&self) -> bool {
        self.assets.is_empty() && self.unknown.is_empty()
    }

    /// One insufficient-evidence finding per asset whose scope is unknown.
    pub fn unknown_findings(&self) -> Vec<Finding> {
        self.unknown.iter().map(|a| unknown_scope(a)).collect()
    }
}

/// The assets the ordinance covers, and those it might.
pub fn control_assets(inventory: &Inventory) -> Scoped<'_> {
    let systems = systems(inventory);
    let mut out = Scoped::default();
    for a in &inventory.assets {
        match scope(a, &systems) {
            Scope::In => out.assets.push(a),
            Scope::Unknown => out.unknown.push(a),
            Scope::Out => {}
        }
    }
    out
}

/// The finding for an asset whose scope is not recorded.
pub fn unknown_scope(asset: &Asset) -> Finding {
    let id = &asset.id;
    Finding::insufficient(
        Subject::asset(id),
        text!(ja: "{id} が水道施設の運転・管理に使う電子計算機 (制御系) かどうかが、資産にもそのシステムにも記録されていません。";
              en: "{id}: neither the asset nor its system records whether it runs water facilities (control system)"),
    )
    .because(SectionKind::Inventory, asset_locator(asset, "control_system"))
}

/// The locator of an asset's field in the inventory, for evidence references.
pub fn asset_locator(asset: &Asset, field: &str) -> String {
    if field.is_empty() {
        format!("assets[id={}]", asset.id)
    } else {
        format!("assets[id={}].{field}", asset.id)
    }
}

/// The finding when nothing is in scope.
pub fn nothing_in_scope() -> Finding {
    Finding::not_applicable(
        Subject::organisation(),
        text!(ja: "資産台帳に制御系システムの電子計算機がありません。";
              en: "the inventory lists no control-system computer"),
    )
    .because(SectionKind::Inventory, "assets")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build;

    #[test]
    fn an_asset_is_in_scope_through_its_system_and_unknown_when_nothing_says() {
        let mut inv = Inventory::default();
        inv.systems.push(build::system("SCADA", true));
        let mut a = build::asset("HMI-01");
        a.control_system = None;
        a.system = Some("SCADA".into());
        let mut b = build::asset("PC-01");
        b.control_system = Some(false);
        b.system = Some("SCADA".into());
        let mut c = build::asset("X-01");
        c.control_system = None;
        inv.assets = vec![a, b, c];
        let scoped = control_assets(&inv);
        let ids: Vec<_> = scoped.assets.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["HMI-01"]);
        let unknown: Vec<_> = scoped.unknown.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(unknown, ["X-01"]);
        assert_eq!(
            scoped.unknown_findings()[0].status,
            Status::InsufficientEvidence
        );
    }
}
