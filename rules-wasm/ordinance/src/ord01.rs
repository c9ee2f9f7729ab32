//! MLIT-ORD-01: subject authentication on every control-system computer
//! (省令 ①, コラム2).
//!
//! Whoever uses a computer that runs water facilities must be identified by
//! the computer itself. Entry control to the room (ORD-04) never substitutes:
//! ① asks what happens once someone has reached the console anyway.

use mizuchi_sdk::prelude::*;
use mlit_common::missing_section;
use mlit_common::scope::{asset_locator, control_assets, nothing_in_scope};

pub const RULE: Rule = Rule {
    id: "MLIT-ORD-01",
    version: "1.0.0",
    title: StaticText {
        ja: "電子計算機の主体認証機能",
        en: "Subject authentication on control-system computers",
    },
    section: "コラム2 ①",
    force: Force::Ordinance,
    needs: &[Need::v1(SectionKind::Inventory)],
    params: &[],
    eval: evaluate,
};

fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let Some(inventory) = ctx.document::<Inventory>()? else {
        return Ok(vec![missing_section(SectionKind::Inventory)]);
    };
    let assets = control_assets(&inventory);
    if assets.is_empty() {
        return Ok(vec![nothing_in_scope()]);
    }
    Ok(assets.into_iter().map(judge).collect())
}

fn judge(asset: &Asset) -> Finding {
    let subject = Subject::asset(&asset.id);
    let id = &asset.id;
    let why = asset_locator(asset, "authentication");
    let Some(auth) = &asset.authentication else {
        return Finding::insufficient(
            subject,
            text!(ja: "{id} の主体認証機能が資産台帳に記録されていません。";
                  en: "{id}: the inventory does not record how users are authenticated"),
        )
        .because(SectionKind::Inventory, why);
    };
    let not_room = Text::new(
        "入退室管理は主体認証の代替になりません。",
        "entry control to the room does not replace it",
    );
    let finding = if auth.method == AuthMethod::None {
        Finding::fail(
            subject,
            text!(ja: "{id} には主体認証機能がありません。{}", not_room.ja;
                  en: "{id} has no authentication function; {}", not_room.en),
        )
    } else if auth.auto_logon {
        Finding::fail(
            subject,
            text!(ja: "{id} は自動ログオンのため、端末の前に立った誰もが認証済みになります。{}", not_room.ja;
                  en: "{id} logs on automatically, so anyone at the console is authenticated; {}", not_room.en),
        )
    } else if auth.blank_password {
        Finding::fail(
            subject,
            text!(ja: "{id} には空のパスワードでログオンできるアカウントがあります。";
                  en: "{id} has an account that logs on with an empty password"),
        )
    } else {
        let (ja, en) = match auth.method {
            AuthMethod::Password => ("パスワード", "password"),
            AuthMethod::SmartCard => ("ICカード", "smart card"),
            AuthMethod::Biometric => ("生体認証", "biometrics"),
            AuthMethod::MultiFactor => ("多要素認証", "multi-factor authentication"),
            _ => ("認証", "authentication"),
        };
        Finding::pass(
            subject,
            text!(ja: "{id} は{ja}で利用者を認証します。"; en: "{id} authenticates users by {en}"),
        )
    };
    finding.because(SectionKind::Inventory, why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};
    use mlit_common::build;

    fn run(assets: Vec<Asset>) -> Vec<Finding> {
        let inv = Inventory {
            assets,
            ..Default::default()
        };
        evaluate(&RULE, &Evidence::new().with(&inv), date(2026, 11, 27), &[]).unwrap()
    }

    fn status(assets: Vec<Asset>) -> Status {
        let f = run(assets);
        assert_eq!(f.len(), 1, "{f:?}");
        f[0].status
    }

    #[test]
    fn a_password_passes() {
        assert_eq!(status(vec![build::asset("HMI-01")]), Status::Pass);
    }

    #[test]
    fn no_authentication_fails() {
        let mut a = build::asset("HMI-01");
        a.authentication.as_mut().unwrap().method = AuthMethod::None;
        assert_eq!(status(vec![a]), Status::Fail);
    }

    #[test]
    fn room_entry_control_does_not_replace_authentication() {
        // The asset stands in a walled, locked, card-controlled room, and still fails.
        let mut a = build::asset("HMI-01");
        a.authentication.as_mut().unwrap().method = AuthMethod::None;
        let f = run(vec![a]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message
                .en
                .contains("entry control to the room does not replace it")
        );
        assert!(
            f[0].message
                .ja
                .contains("入退室管理は主体認証の代替になりません")
        );
    }

    #[test]
    fn auto_logon_and_blank_passwords_fail() {
        let mut a = build::asset("HMI-01");
        a.authentication.as_mut().unwrap().auto_logon = true;
        assert_eq!(status(vec![a]), Status::Fail);
        let mut b = build::asset("HMI-02");
        b.authentication.as_mut().unwrap().blank_password = true;
        assert_eq!(status(vec![b]), Status::Fail);
    }

    #[test]
    fn an_unrecorded_authentication_is_insufficient_evidence() {
        let mut a = build::asset("HMI-01");
        a.authentication = None;
        assert_eq!(status(vec![a]), Status::InsufficientEvidence);
    }

    #[test]
    fn office_computers_are_out_of_scope() {
        let mut a = build::asset("PC-01");
        a.control_system = false;
        assert_eq!(status(vec![a]), Status::NotApplicable);
    }

    #[test]
    fn a_missing_inventory_is_insufficient_evidence() {
        let f = evaluate(&RULE, &Evidence::new(), date(2026, 11, 27), &[]).unwrap();
        assert_eq!(f[0].status, Status::InsufficientEvidence);
        assert_eq!(f[0].subject, Subject::organisation());
    }
}
