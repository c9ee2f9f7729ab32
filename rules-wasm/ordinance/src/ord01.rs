//! MLIT-ORD-01: subject authentication on every control-system computer
//! (省令 ①, コラム2).
//!
//! Whoever uses a computer that runs water facilities must be identified by
//! the computer itself (「電子計算機にアクセスできる者を識別できるよう」):
//! no computer without an authentication function, none that logs on by
//! itself, accepts an empty password or keeps a vendor's default password.
//! A computer whose only accounts are shared by several people identifies
//! no one and fails (`require_individual_accounts`). Entry control to the
//! room (ORD-04) never substitutes: ① asks what happens once someone has
//! reached the console anyway.

use mizuchi_sdk::prelude::*;
use mlit_common::missing_section;
use mlit_common::scope::{asset_locator, control_assets, nothing_in_scope};

pub const RULE: Rule = Rule {
    id: "MLIT-ORD-01",
    version: "2.0.1",
    title: StaticText {
        ja: "電子計算機の主体認証機能",
        en: "Subject authentication on control-system computers",
    },
    section: "コラム2 ①",
    force: Force::Ordinance,
    needs: &[
        Need::v2(SectionKind::Inventory),
        Need::v2(SectionKind::Accounts),
    ],
    params: &[ParamSpec {
        key: "require_individual_accounts",
        default: ParamDefault::Boolean(true),
        description: StaticText {
            ja: "共有アカウントしかない電子計算機を、利用者を識別できないとして不合格にする",
            en: "Fail a computer whose only accounts are shared by several people, as it identifies no one",
        },
    }],
    eval: evaluate,
};

fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let individual = ctx.flag("require_individual_accounts")?;
    let Some(inventory) = ctx.document::<Inventory>()? else {
        return Ok(vec![missing_section(SectionKind::Inventory)]);
    };
    let accounts: Option<Accounts> = ctx.document()?;
    let scoped = control_assets(&inventory);
    if scoped.is_empty() {
        return Ok(vec![nothing_in_scope()]);
    }
    let index = accounts.as_ref().map(AccountIndex::new);
    let mut out: Vec<Finding> = scoped
        .assets
        .iter()
        .map(|a| judge(a, index.as_ref(), individual))
        .collect();
    out.extend(scoped.unknown_findings());
    Ok(out)
}

/// The most accounts a finding names one by one.
const MAX_ACCOUNT_REFS: usize = 10;

/// The accounts by the system (or asset) they log on to, built once: a
/// utility has thousands of assets and accounts, and scanning every account
/// for every asset ran out of fuel at 20,000 assets.
struct AccountIndex<'a> {
    by_system: FastMap<&'a str, Vec<&'a Account>>,
}

impl<'a> AccountIndex<'a> {
    fn new(accounts: &'a Accounts) -> Self {
        let mut by_system: FastMap<&str, Vec<&Account>> = FastMap::default();
        for a in &accounts.accounts {
            by_system.entry(a.system.as_str()).or_default().push(a);
        }
        AccountIndex { by_system }
    }

    /// The accounts that log on to `asset`: those on the asset itself, else
    /// those of its system, in the order the section lists them; with the
    /// system (or asset) they are recorded under.
    fn of<'s>(&'s self, asset: &'s Asset) -> (&'s str, &'s [&'a Account]) {
        let on = |key: &str| self.by_system.get(key).map_or(&[][..], Vec::as_slice);
        let own = on(&asset.id);
        if !own.is_empty() {
            return (asset.id.as_str(), own);
        }
        match asset.system.as_deref() {
            Some(sys) => (sys, on(sys)),
            None => (asset.id.as_str(), &[]),
        }
    }
}

fn judge(asset: &Asset, accounts: Option<&AccountIndex<'_>>, individual: bool) -> Finding {
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
    if auth.method == AuthMethod::None {
        return Finding::fail(
            subject,
            text!(ja: "{id} には主体認証機能がありません。{}", not_room.ja;
                  en: "{id} has no authentication function; {}", not_room.en),
        )
        .because(SectionKind::Inventory, why);
    }
    // Each weakness the inventory records defeats the function; one not
    // recorded leaves the function unproven.
    let checks = [
        (
            auth.auto_logon,
            text!(ja: "{id} は自動ログオンのため、端末の前に立った誰もが認証済みになります。{}", not_room.ja;
                  en: "{id} logs on automatically, so anyone at the console is authenticated; {}", not_room.en),
            text!(ja: "自動ログオンの有無"; en: "whether it logs on automatically"),
        ),
        (
            auth.blank_password,
            text!(ja: "{id} には空のパスワードでログオンできるアカウントがあります。";
                  en: "{id} has an account that logs on with an empty password"),
            text!(ja: "空のパスワードで入れるアカウントの有無"; en: "whether an account logs on with an empty password"),
        ),
        (
            auth.default_password,
            text!(ja: "{id} はベンダの初期パスワードを変更していません。";
                  en: "{id} still has a vendor's default password"),
            text!(ja: "初期パスワードの変更の有無"; en: "whether a vendor's default password was changed"),
        ),
    ];
    let mut unrecorded = Vec::new();
    for (value, failed, what) in checks {
        match value {
            Some(true) => {
                return Finding::fail(subject, failed).because(SectionKind::Inventory, why);
            }
            Some(false) => {}
            None => unrecorded.push(what),
        }
    }
    if !unrecorded.is_empty() {
        let ja: Vec<&str> = unrecorded.iter().map(|t| t.ja.as_str()).collect();
        let en: Vec<&str> = unrecorded.iter().map(|t| t.en.as_str()).collect();
        return Finding::insufficient(
            subject,
            text!(ja: "{id} の主体認証について、{} が記録されていません。", ja.join("・");
                  en: "{id}: the inventory does not record {}", en.join(", ")),
        )
        .because(SectionKind::Inventory, why);
    }
    let (mja, men) = match auth.method {
        AuthMethod::Password => ("パスワード", "password"),
        AuthMethod::SmartCard => ("ICカード", "smart card"),
        AuthMethod::Biometric => ("生体認証", "biometrics"),
        AuthMethod::MultiFactor => ("多要素認証", "multi-factor authentication"),
        _ => ("認証", "authentication"),
    };
    let Some(accounts) = accounts else {
        return Finding::insufficient(
            subject,
            text!(ja: "{id} は{mja}で認証しますが、アカウントの記録がないため、利用者を個人として識別できるか判定できません。";
                  en: "{id} authenticates by {men}, but with no accounts in the evidence the rule cannot tell whether it identifies individuals"),
        )
        .because(SectionKind::Inventory, why)
        .because(SectionKind::Accounts, "(absent)");
    };
    let (under, mine) = accounts.of(asset);
    if mine.is_empty() {
        return Finding::insufficient(
            subject,
            text!(ja: "{id} は{mja}で認証しますが、そのアカウントが記録されていないため、利用者を個人として識別できるか判定できません。";
                  en: "{id} authenticates by {men}, but none of its accounts is recorded, so the rule cannot tell whether it identifies individuals"),
        )
        .because(SectionKind::Inventory, why)
        .because(SectionKind::Accounts, format!("accounts[system={id}]"));
    }
    let shared_only = mine.iter().all(|a| a.kind == Some(AccountKind::Shared));
    // Each account when there are few; the system's accounts as one
    // reference when there are many (a finding per asset naming every
    // account of a large system made results of tens of megabytes).
    let refs = |f: Finding| {
        let f = f.because(SectionKind::Inventory, why.clone());
        if mine.len() > MAX_ACCOUNT_REFS {
            return f.because(SectionKind::Accounts, format!("accounts[system={under}]"));
        }
        mine.iter().fold(f, |f, a| {
            f.because(SectionKind::Accounts, format!("accounts[id={}]", a.id))
        })
    };
    if shared_only && individual {
        let shown: Vec<&str> = mine
            .iter()
            .take(MAX_ACCOUNT_REFS)
            .map(|a| a.name.as_str())
            .collect();
        let more = mine.len().saturating_sub(MAX_ACCOUNT_REFS);
        let (ja, en) = if more > 0 {
            (
                format!("{} ほか{more}件", shown.join("、")),
                format!("{} and {more} more", shown.join(", ")),
            )
        } else {
            (shown.join("、"), shown.join(", "))
        };
        return refs(Finding::fail(
            subject,
            text!(ja: "{id} のアカウント ({ja}) はすべて複数人の共有で、アクセスした者を識別できません。";
                  en: "{id}: its only accounts ({en}) are shared by several people, so it cannot identify who accessed it"),
        ));
    }
    if mine.iter().any(|a| a.kind.is_none())
        && !mine
            .iter()
            .any(|a| matches!(a.kind, Some(AccountKind::Person)))
        && individual
    {
        return refs(Finding::insufficient(
            subject,
            text!(ja: "{id} は{mja}で認証しますが、アカウントが個人用か共有かが記録されていません。";
                  en: "{id} authenticates by {men}, but its accounts do not record whether they are personal or shared"),
        ));
    }
    refs(Finding::pass(
        subject,
        text!(ja: "{id} は{mja}で利用者を認証し、個人のアカウントで識別します。";
              en: "{id} authenticates users by {men} and identifies them by personal accounts"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};
    use mlit_common::build;

    fn personal(system: &str, name: &str, kind: Option<AccountKind>) -> Account {
        Account {
            id: format!("{system}/{name}"),
            system: system.into(),
            name: name.into(),
            kind,
            person: None,
            privileged: Some(false),
            enabled: Some(true),
            mfa: None,
            purpose: None,
            created_on: None,
            disabled_on: None,
            last_used_on: None,
        }
    }

    fn accounts_for(assets: &[Asset]) -> Accounts {
        Accounts {
            accounts: assets
                .iter()
                .map(|a| personal(&a.id, "op1", Some(AccountKind::Person)))
                .collect(),
        }
    }

    fn run_with(
        assets: Vec<Asset>,
        accounts: &Accounts,
        params: &[(&str, ParamValue)],
    ) -> Vec<Finding> {
        let inv = Inventory {
            assets,
            ..Default::default()
        };
        evaluate(
            &RULE,
            &Evidence::new().with(&inv).with(accounts),
            date(2026, 11, 27),
            params,
        )
        .unwrap()
    }

    fn run(assets: Vec<Asset>) -> Vec<Finding> {
        let accounts = accounts_for(&assets);
        run_with(assets, &accounts, &[])
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
    fn auto_logon_blank_and_default_passwords_fail() {
        let mut a = build::asset("HMI-01");
        a.authentication.as_mut().unwrap().auto_logon = Some(true);
        assert_eq!(status(vec![a]), Status::Fail);
        let mut b = build::asset("HMI-02");
        b.authentication.as_mut().unwrap().blank_password = Some(true);
        assert_eq!(status(vec![b]), Status::Fail);
        let mut c = build::asset("HMI-03");
        c.authentication.as_mut().unwrap().default_password = Some(true);
        let f = run(vec![c]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.en.contains("default password"));
    }

    #[test]
    fn a_weakness_not_recorded_is_insufficient_evidence_never_a_pass() {
        let mut a = build::asset("HMI-01");
        a.authentication.as_mut().unwrap().default_password = None;
        a.authentication.as_mut().unwrap().auto_logon = None;
        let f = run(vec![a]);
        assert_eq!(f[0].status, Status::InsufficientEvidence);
        assert!(
            f[0].message.en.contains(
                "whether it logs on automatically, whether a vendor's default password was changed"
            ),
            "{}",
            f[0].message.en
        );
    }

    #[test]
    fn shared_accounts_only_identify_no_one_unless_the_utility_tailors_it() {
        let a = build::asset("HMI-01");
        let shared = Accounts {
            accounts: vec![personal("HMI-01", "operator", Some(AccountKind::Shared))],
        };
        let f = run_with(vec![a.clone()], &shared, &[]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(f[0].message.en.contains("shared by several people"));
        let f = run_with(
            vec![a.clone()],
            &shared,
            &[("require_individual_accounts", ParamValue::Boolean(false))],
        );
        assert_eq!(f[0].status, Status::Pass);
        let none = Accounts::default();
        assert_eq!(
            run_with(vec![a], &none, &[])[0].status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn a_system_with_many_accounts_is_referenced_once_not_account_by_account() {
        let mut a = build::asset("HMI-01");
        a.system = Some("SCADA".into());
        let many = |kind| Accounts {
            accounts: (0..25)
                .map(|i| personal("SCADA", &format!("op{i}"), Some(kind)))
                .collect(),
        };
        let f = run_with(vec![a.clone()], &many(AccountKind::Person), &[]);
        assert_eq!(f[0].status, Status::Pass);
        let accounts: Vec<&str> = f[0]
            .refs
            .iter()
            .filter(|r| r.section == "accounts")
            .map(|r| r.locator.as_str())
            .collect();
        assert_eq!(accounts, ["accounts[system=SCADA]"]);
        let f = run_with(vec![a], &many(AccountKind::Shared), &[]);
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message
                .en
                .contains("(op0, op1, op2, op3, op4, op5, op6, op7, op8, op9 and 15 more)"),
            "{}",
            f[0].message.en
        );
        assert!(
            f[0].message.ja.contains("op9 ほか15件"),
            "{}",
            f[0].message.ja
        );
    }

    #[test]
    fn accounts_of_the_assets_system_count_for_it() {
        let mut a = build::asset("HMI-01");
        a.system = Some("SCADA".into());
        let acc = Accounts {
            accounts: vec![personal("SCADA", "op7", Some(AccountKind::Person))],
        };
        assert_eq!(run_with(vec![a], &acc, &[])[0].status, Status::Pass);
    }

    #[test]
    fn an_unrecorded_authentication_is_insufficient_evidence() {
        let mut a = build::asset("HMI-01");
        a.authentication = None;
        assert_eq!(status(vec![a]), Status::InsufficientEvidence);
    }

    #[test]
    fn office_computers_are_out_of_scope_and_unknown_scope_is_insufficient() {
        let mut a = build::asset("PC-01");
        a.control_system = Some(false);
        assert_eq!(status(vec![a]), Status::NotApplicable);
        let mut b = build::asset("X-01");
        b.control_system = None;
        assert_eq!(status(vec![b]), Status::InsufficientEvidence);
    }

    #[test]
    fn a_missing_inventory_is_insufficient_evidence() {
        let f = evaluate(&RULE, &Evidence::new(), date(2026, 11, 27), &[]).unwrap();
        assert_eq!(f[0].status, Status::InsufficientEvidence);
        assert_eq!(f[0].subject, Subject::organisation());
    }
}
