//! A third party's rule, as a consultancy (here "ACME") would write one: its
//! own namespace `ACME-`, the SDK's types, shipped in a pack ACME signs. The
//! tests install it beside the official pack, and show that ACME cannot sign
//! rules in the regulator's `MLIT-` namespace.

use mizuchi_sdk::prelude::*;

/// Every control-system asset is assigned to a system, so that a finding on
/// the asset reaches the people who run that system.
pub const SYSTEM_ASSIGNED: Rule = Rule {
    id: "ACME-CS-01",
    version: "1.0.0",
    title: StaticText {
        ja: "制御系資産がシステムに割り当てられている",
        en: "Control-system assets are assigned to a system",
    },
    section: "ACME guidance 2.1",
    force: Force::Recommended,
    needs: &[Need::v2(SectionKind::Inventory)],
    params: &[],
    eval: system_assigned,
};

fn system_assigned(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let Some(inventory) = ctx.document::<Inventory>()? else {
        return Ok(vec![Finding::insufficient(
            Subject::organisation(),
            Text::new("資産台帳がありません", "there is no asset inventory"),
        )]);
    };
    let findings: Vec<Finding> = inventory
        .assets
        .iter()
        .filter(|a| inventory.control_system(a) == Some(true))
        .map(|a| {
            let finding = match &a.system {
                Some(system) => Finding::pass(
                    Subject::asset(&a.id),
                    Text::new(
                        format!("{}はシステム{system}に属します", a.id),
                        format!("{} belongs to system {system}", a.id),
                    ),
                ),
                None => Finding::fail(
                    Subject::asset(&a.id),
                    Text::new(
                        format!("{}はどのシステムにも割り当てられていません", a.id),
                        format!("{} is assigned to no system", a.id),
                    ),
                ),
            };
            finding.because(SectionKind::Inventory, format!("assets[id={}]", a.id))
        })
        .collect();
    if findings.is_empty() {
        return Ok(vec![Finding::not_applicable(
            Subject::organisation(),
            Text::new("制御系資産がありません", "there is no control-system asset"),
        )]);
    }
    Ok(findings)
}

mizuchi_sdk::export_rules!(SYSTEM_ASSIGNED);

#[cfg(test)]
mod tests {
    use super::*;
    use mizuchi_sdk::testing::{Evidence, evaluate};

    fn run(assets: &str) -> Vec<(String, Status)> {
        let inventory = format!(r#"{{"reviewed_on": "2026-04-01", "assets": [{assets}]}}"#);
        let evidence = Evidence::new().with_json(SectionKind::Inventory, inventory);
        let as_of = "2026-11-27".parse().unwrap_or_default();
        evaluate(&SYSTEM_ASSIGNED, &evidence, as_of, &[])
            .unwrap_or_default()
            .into_iter()
            .map(|f| (f.subject.id, f.status))
            .collect()
    }

    #[test]
    fn a_control_system_asset_without_a_system_fails_and_one_with_passes() {
        let found = run(r#"
            {"id": "HMI-01", "name": "h", "kind": "hmi", "system": "SCADA", "control_system": true},
            {"id": "PLC-01", "name": "p", "kind": "plc", "control_system": true},
            {"id": "PC-01", "name": "o", "kind": "workstation", "control_system": false}"#);
        assert_eq!(
            found,
            vec![
                ("HMI-01".to_owned(), Status::Pass),
                ("PLC-01".to_owned(), Status::Fail)
            ]
        );
    }

    #[test]
    fn without_control_system_assets_the_rule_does_not_apply() {
        let found =
            run(r#"{"id": "PC-01", "name": "o", "kind": "workstation", "control_system": false}"#);
        assert_eq!(found, vec![("utility".to_owned(), Status::NotApplicable)]);
    }
}
