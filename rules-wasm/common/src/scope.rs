//! Which assets and systems the ordinance covers.
//!
//! The ordinance's four requirements apply to computers that run or manage
//! water facilities: the control systems (浄水場の監視制御, ポンプ場の運転,
//! 水運用), their servers, terminals and peripherals. An asset is in scope if
//! it is marked so or belongs to a system marked so.

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

/// The asset is a control-system computer.
pub fn is_control(asset: &Asset, systems: &HashMap<&str, &System>) -> bool {
    asset.control_system
        || asset
            .system
            .as_deref()
            .and_then(|id| systems.get(id))
            .is_some_and(|s| s.control_system)
}

/// The assets in the ordinance's scope, in inventory order.
pub fn control_assets(inventory: &Inventory) -> Vec<&Asset> {
    let systems = systems(inventory);
    inventory
        .assets
        .iter()
        .filter(|a| is_control(a, &systems))
        .collect()
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
    fn an_asset_is_in_scope_through_its_system() {
        let mut inv = Inventory::default();
        inv.systems.push(build::system("SCADA", true));
        let mut a = build::asset("HMI-01");
        a.control_system = false;
        a.system = Some("SCADA".into());
        let mut b = build::asset("PC-01");
        b.control_system = false;
        inv.assets = vec![a, b];
        let ids: Vec<_> = control_assets(&inv).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["HMI-01"]);
    }
}
