//! A well-behaved rule that reads every kind of evidence and reports what it
//! saw, so that tests can compare the sandbox with the native path.

use std::collections::HashMap;

use mizuchi_sdk::prelude::*;

/// Counts the evidence; always passes.
pub const PROBE: Rule = Rule {
    id: "TEST-PROBE",
    version: "1.0.0",
    title: StaticText {
        ja: "証跡の計数",
        en: "evidence count",
    },
    section: "test",
    force: Force::Recommended,
    needs: &[
        Need::v2(SectionKind::Inventory),
        Need::v2(SectionKind::AuthEvents),
        Need::v2(SectionKind::DoorEvents),
    ],
    params: &[ParamSpec {
        key: "label",
        default: ParamDefault::Text("probe"),
        description: StaticText {
            ja: "表示名",
            en: "label",
        },
    }],
    eval: probe,
};

fn probe(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let label = ctx.text("label")?.to_owned();
    let assets = ctx
        .document::<Inventory>()?
        .map(|i| i.assets.len())
        .unwrap_or(0);
    let (mut auth, mut per_account, mut last) = (0u64, HashMap::new(), String::new());
    if let Some(mut events) = ctx.auth_events()? {
        while let Some(e) = events.next_entry()? {
            auth += 1;
            *per_account.entry(e.account).or_insert(0u64) += 1;
            last = e.origin.locator(events.symbols());
        }
    }
    let mut door = 0u64;
    if let Some(mut events) = ctx.door_events()? {
        while let Some(_e) = events.next_entry()? {
            door += 1;
        }
    }
    let busiest = per_account.values().copied().max().unwrap_or(0);
    let summary = format!(
        "{label}: assets={assets} auth={auth} accounts={} busiest={busiest} door={door} last={last}",
        per_account.len()
    );
    Ok(vec![Finding::pass(
        Subject::organisation(),
        Text::new(summary.clone(), summary),
    )])
}

mizuchi_sdk::export_rules!(PROBE);
