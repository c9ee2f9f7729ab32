//! A third party's rule that needs evidence the official model has no place
//! for: the idle time after which an operator terminal (HMI) locks its
//! screen. ACME's pack defines the section `x-acme.screen-lock` with a JSON
//! Schema (`screen-lock.schema.json`, named in `pack.json`); the host checks
//! a bundle's file against it before this rule reads it, and results vouch
//! for the file like any other.
//!
//! The rule reads the official inventory too: an HMI the inventory lists
//! but the screen-lock record does not is "not recorded", never a pass.

use mizuchi_sdk::prelude::*;
use serde::Deserialize;

/// The extension section this rule reads.
pub const SCREEN_LOCK: &str = "x-acme.screen-lock";

/// `x-acme.screen-lock`, as the pack's schema defines it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenLocks {
    /// When the settings were read off the terminals.
    #[serde(default)]
    pub checked_on: Option<String>,
    /// One entry per HMI.
    pub hmis: Vec<ScreenLock>,
}

/// The screen lock of one HMI.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenLock {
    /// The asset id in the inventory.
    pub asset: String,
    /// Idle minutes before the screen locks; `None` when it never locks.
    pub lock_after_minutes: Option<i64>,
}

/// Every HMI locks its screen after at most `max_minutes` idle minutes.
pub const SCREEN_LOCKED: Rule = Rule {
    id: "ACME-LOCK-01",
    version: "1.0.0",
    title: StaticText {
        ja: "HMIの画面ロックが一定時間内に働く",
        en: "HMI screens lock after a short idle time",
    },
    section: "ACME guidance 3.2",
    force: Force::Recommended,
    needs: &[
        Need::v2(SectionKind::Inventory),
        Need::extension(SCREEN_LOCK),
    ],
    params: &[ParamSpec {
        key: "max_minutes",
        default: ParamDefault::Integer(15),
        description: StaticText {
            ja: "画面ロックまでの最長の放置時間（分）",
            en: "Most idle minutes before the screen locks",
        },
    }],
    eval: screen_locked,
};

fn screen_locked(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let max = ctx.int("max_minutes")?;
    let Some(inventory) = ctx.document::<Inventory>()? else {
        return Ok(vec![Finding::insufficient(
            Subject::organisation(),
            Text::new("資産台帳がありません", "there is no asset inventory"),
        )]);
    };
    let locks: Option<ScreenLocks> = ctx.extension(SCREEN_LOCK)?;
    let hmis: Vec<&Asset> = inventory
        .assets
        .iter()
        .filter(|a| a.kind == AssetKind::Hmi)
        .collect();
    if hmis.is_empty() {
        return Ok(vec![Finding::not_applicable(
            Subject::organisation(),
            Text::new("HMIがありません", "there is no HMI"),
        )]);
    }
    let findings = hmis
        .into_iter()
        .map(|a| {
            let record = locks
                .as_ref()
                .and_then(|l| l.hmis.iter().find(|h| h.asset == a.id));
            let subject = Subject::asset(&a.id);
            let id = &a.id;
            let finding = match record.map(|r| r.lock_after_minutes) {
                None => Finding::insufficient(
                    subject,
                    text!(ja: "{id} の画面ロックの設定が記録されていません", en: "the screen lock of {id} is not recorded"),
                ),
                Some(None) => Finding::fail(
                    subject,
                    text!(ja: "{id} の画面はロックされません", en: "the screen of {id} never locks"),
                ),
                Some(Some(m)) if m > max => Finding::fail(
                    subject,
                    text!(ja: "{id} の画面は {m} 分でロックされます（上限 {max} 分）", en: "the screen of {id} locks after {m} minutes (at most {max} minutes)"),
                ),
                Some(Some(m)) => Finding::pass(
                    subject,
                    text!(ja: "{id} の画面は {m} 分でロックされます", en: "the screen of {id} locks after {m} minutes"),
                ),
            };
            let finding = finding.because(SectionKind::Inventory, format!("assets[id={id}]"));
            match record {
                Some(_) => finding.citing(SCREEN_LOCK, format!("hmis[asset={id}]")),
                None => finding,
            }
        })
        .collect();
    Ok(findings)
}

mizuchi_sdk::export_rules!(SCREEN_LOCKED);

#[cfg(test)]
mod tests {
    use super::*;
    use mizuchi_sdk::testing::{Evidence, evaluate};

    fn run(locks: Option<&str>) -> Vec<(String, Status)> {
        let inventory = r#"{"assets": [
            {"id": "HMI-01", "name": "a", "kind": "hmi"},
            {"id": "HMI-02", "name": "b", "kind": "hmi"},
            {"id": "HMI-03", "name": "c", "kind": "hmi"},
            {"id": "HMI-04", "name": "d", "kind": "hmi"},
            {"id": "PLC-01", "name": "p", "kind": "plc"}]}"#;
        let mut evidence = Evidence::new().with_json(SectionKind::Inventory, inventory);
        if let Some(locks) = locks {
            evidence = evidence.with_extension(SCREEN_LOCK, locks);
        }
        let as_of = "2026-11-27".parse().unwrap_or_default();
        evaluate(&SCREEN_LOCKED, &evidence, as_of, &[])
            .unwrap_or_default()
            .into_iter()
            .map(|f| (f.subject.id, f.status))
            .collect()
    }

    #[test]
    fn each_hmi_passes_fails_or_is_not_recorded() {
        let found = run(Some(
            r#"{"hmis": [
                {"asset": "HMI-01", "lock_after_minutes": 15},
                {"asset": "HMI-02", "lock_after_minutes": 16},
                {"asset": "HMI-03", "lock_after_minutes": null}]}"#,
        ));
        let want = [
            ("HMI-01", Status::Pass),
            ("HMI-02", Status::Fail),
            ("HMI-03", Status::Fail),
            ("HMI-04", Status::InsufficientEvidence),
        ];
        let want: Vec<(String, Status)> = want.iter().map(|(i, s)| ((*i).to_owned(), *s)).collect();
        assert_eq!(found, want);
    }

    #[test]
    fn without_the_section_every_hmi_is_not_recorded() {
        let found = run(None);
        assert_eq!(found.len(), 4);
        assert!(
            found
                .iter()
                .all(|(_, s)| *s == Status::InsufficientEvidence)
        );
    }
}
