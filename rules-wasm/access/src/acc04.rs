//! MLIT-ACC-04: no unnecessary administrator accounts (5.4.2).
//!
//! Each enabled privileged account belongs to a current person, or is a
//! service, shared or built-in account with a recorded purpose, and has been
//! used within `admin_dormant_days` (by the account record or the log): more
//! than that many days unused fails. The guideline says to delete such an
//! account (「削除する」): one that is disabled but still exists, with no
//! owner or purpose recorded, is a warning; a disabled account with a
//! recorded purpose (a built-in one Windows cannot delete) passes, however
//! long unused.
//! Accounts that do not record whether they hold administrator rights are
//! listed as insufficient evidence. The log's group changes count: an
//! account whose latest change added it to an administrators' group is an
//! administrator, and a record that says otherwise is a finding.

use std::collections::HashMap;

use mizuchi_sdk::prelude::*;
use mlit_common::hosts::LocalDays;
use mlit_common::{days_between, missing_section};

pub const RULE: Rule = Rule {
    id: "MLIT-ACC-04",
    version: "2.0.1",
    title: StaticText {
        ja: "不要な管理者アカウントがないこと",
        en: "No unnecessary administrator accounts",
    },
    section: "5.4.2",
    force: Force::Recommended,
    needs: &[
        Need::v2(SectionKind::Accounts),
        Need::v2(SectionKind::People),
        Need::v2(SectionKind::AuthEvents),
    ],
    params: &[ParamSpec {
        key: "admin_dormant_days",
        default: ParamDefault::Integer(90),
        description: StaticText {
            ja: "管理者アカウントを未使用とみなす日数",
            en: "Days without use after which an administrator account is dormant",
        },
    }],
    eval: evaluate,
};

/// A group whose members administer: Windows' Administrators, Domain,
/// Enterprise and Schema Admins, their Japanese names, `wheel`, `sudo`.
pub(crate) fn is_admin_group(name: &str) -> bool {
    let n = name.to_lowercase();
    n.contains("admin") || n.contains("管理者") || n == "wheel" || n == "sudo" || n == "root"
}

fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let dormant = ctx.int("admin_dormant_days")?;
    let as_of = ctx.as_of();
    let Some(accounts) = ctx.document::<Accounts>()? else {
        return Ok(vec![missing_section(SectionKind::Accounts)]);
    };
    let people: Option<People> = ctx.document()?;
    // From the log: the last successful logon of each account, and whether
    // its latest change of membership in an administrators' group added it
    // (a record that says "not privileged" is then out of date).
    let mut last_seen: HashMap<String, Date> = HashMap::new();
    let mut made_admin: HashMap<String, (String, String)> = HashMap::new();
    let known: std::collections::HashSet<String> = accounts
        .accounts
        .iter()
        .map(|a| a.name.to_lowercase())
        .collect();
    if let Some(mut events) = ctx.auth_events()? {
        // Whether each account symbol is a known name, decided once; the
        // local date of the latest logon per symbol (the latest date is the
        // date of the latest logon: dates never go back as time goes on),
        // turned into names at the end.
        let mut watched: PerSymbol<bool> = PerSymbol::new();
        let mut latest: PerSymbol<Date> = PerSymbol::new();
        let mut membership: PerSymbol<Option<(String, String)>> = PerSymbol::new();
        let mut days = LocalDays::new();
        while let Some(e) = events.next_entry()? {
            let admin_change = matches!(
                e.kind,
                AuthKind::GroupMemberAdded | AuthKind::GroupMemberRemoved
            );
            if e.kind != AuthKind::LogonSuccess && !admin_change {
                continue;
            }
            let syms = events.symbols();
            let wanted = *watched.get_or_insert_with(e.account, || {
                known.contains(&syms.name(e.account).to_lowercase())
            });
            let day = days.date(e.time);
            if !wanted || day > as_of {
                continue;
            }
            if admin_change {
                let Some(group) = e.group.map(|g| syms.name(g)).filter(|g| is_admin_group(g))
                else {
                    continue;
                };
                let state = (e.kind == AuthKind::GroupMemberAdded)
                    .then(|| (group.to_owned(), e.origin.locator(syms)));
                *membership.get_or_insert_with(e.account, || None) = state;
            } else {
                let slot = latest.get_or_insert_with(e.account, || day);
                *slot = (*slot).max(day);
            }
        }
        let syms = events.symbols();
        for (account, &d) in latest.iter() {
            let slot = last_seen
                .entry(syms.name(account).to_lowercase())
                .or_insert(d);
            *slot = (*slot).max(d);
        }
        for (account, state) in membership.iter() {
            if let Some(s) = state {
                made_admin.insert(syms.name(account).to_lowercase(), s.clone());
            }
        }
    }
    let admins: Vec<&Account> = accounts
        .accounts
        .iter()
        .filter(|a| a.privileged == Some(true) || made_admin.contains_key(&a.name.to_lowercase()))
        .collect();
    let unrecorded: Vec<&Account> = accounts
        .accounts
        .iter()
        .filter(|a| {
            a.privileged.is_none()
                && a.enabled != Some(false)
                && !made_admin.contains_key(&a.name.to_lowercase())
        })
        .collect();
    let unrecorded_finding = (!unrecorded.is_empty()).then(|| {
        let n = unrecorded.len();
        let mut names: Vec<&str> = unrecorded.iter().take(10).map(|a| a.id.as_str()).collect();
        if n > 10 {
            names.push("…");
        }
        let list = names.join(", ");
        unrecorded.iter().take(10).fold(
            Finding::insufficient(
                Subject::organisation(),
                text!(ja: "{n} 個のアカウントに管理者権限の有無が記録されていません: {list}";
                      en: "accounts that do not record whether they hold administrator rights ({n}): {list}"),
            ),
            |f, a| f.because(SectionKind::Accounts, format!("accounts[id={}]", a.id)),
        )
    });
    if admins.is_empty() {
        if let Some(f) = unrecorded_finding {
            return Ok(vec![f]);
        }
        return Ok(vec![Finding::not_applicable(
            Subject::organisation(),
            text!(ja: "管理者アカウントはありません。", en: "there is no administrator account"),
        )
        .because(SectionKind::Accounts, "accounts")]);
    }
    let persons: HashMap<&str, &Person> = people
        .iter()
        .flat_map(|p| &p.people)
        .map(|p| (p.id.as_str(), p))
        .collect();
    let mut findings = Vec::new();
    for a in admins {
        let id = &a.id;
        let subject = Subject::account(id);
        let mut problems: Vec<Text> = Vec::new();
        let mut unknown: Vec<Text> = Vec::new();
        let logged = made_admin
            .get(&a.name.to_lowercase())
            .filter(|_| a.privileged != Some(true));
        if let Some((group, _)) = logged {
            problems.push(match a.privileged {
                Some(_) => text!(ja: "記録では管理者権限がありませんが、ログでは管理者グループ {group} に追加されています";
                                  en: "the account record says it holds no administrator rights, but the log shows it added to the administrators' group {group}"),
                None => text!(ja: "管理者権限の有無が記録されていませんが、ログでは管理者グループ {group} に追加されています";
                              en: "the account record does not say whether it holds administrator rights, and the log shows it added to the administrators' group {group}"),
            });
        }
        let personal = match a.kind {
            Some(k) => k == AccountKind::Person,
            None => a.person.is_some(),
        };
        if personal {
            match a.person.as_deref() {
                None => problems.push(text!(ja: "所有者が記録されていません", en: "no owner is recorded")),
                Some(p) if people.is_none() => unknown.push(text!(ja: "職員名簿がなく所有者{p}を確認できません", en: "owner {p} cannot be checked without a people section")),
                Some(p) => match persons.get(p) {
                    None => problems.push(text!(ja: "所有者{p}は職員名簿にいません", en: "owner {p} is not on the roster")),
                    Some(person) if !person.is_active_on(as_of) => {
                        problems.push(text!(ja: "所有者{p}は在籍していません", en: "owner {p} no longer works here"))
                    }
                    Some(_) => {}
                },
            }
        } else if a.purpose.as_deref().is_none_or(|p| p.trim().is_empty()) {
            problems.push(text!(ja: "所有者も用途も記録されていません", en: "neither an owner nor a purpose is recorded"));
        }
        let last = [
            a.last_used_on,
            last_seen.get(&a.name.to_lowercase()).copied(),
        ]
        .into_iter()
        .flatten()
        .max();
        // A disabled account cannot be used: how long it has been idle does
        // not matter, only whether it should exist at all.
        let disabled = a.enabled == Some(false);
        match last {
            _ if disabled => {}
            Some(d) => {
                let idle = days_between(d, as_of);
                if idle > dormant {
                    problems.push(text!(ja: "{d}以降{idle}日間使われていません（上限{dormant}日）", en: "unused for {idle} days since {d} (limit {dormant})"));
                }
            }
            None => unknown.push(
                text!(ja: "最終使用日を確認できません", en: "when it was last used cannot be told"),
            ),
        }
        let join = |v: &[Text]| {
            Text::new(
                v.iter()
                    .map(|t| t.ja.as_str())
                    .collect::<Vec<_>>()
                    .join("。"),
                v.iter()
                    .map(|t| t.en.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        };
        let f = if !problems.is_empty() {
            let why = join(&problems);
            match a.enabled {
                Some(true) => Finding::fail(
                    subject,
                    text!(ja: "管理者アカウント {id}（{}）: {}。", a.system, why.ja; en: "administrator account {id} on {}: {}", a.system, why.en),
                ),
                Some(false) => Finding::warn(
                    subject,
                    text!(ja: "管理者アカウント {id}（{}）は無効ですが残っています: {}。不要なアカウントは削除してください。", a.system, why.ja;
                          en: "administrator account {id} on {} is disabled but still exists: {}; an unnecessary account should be deleted", a.system, why.en),
                ),
                None => Finding::insufficient(
                    subject,
                    text!(ja: "管理者アカウント {id}（{}）: {}。有効かどうかが記録されていません。", a.system, why.ja;
                          en: "administrator account {id} on {}: {}; whether it is enabled is not recorded", a.system, why.en),
                ),
            }
        } else if !unknown.is_empty() {
            let why = join(&unknown);
            Finding::insufficient(
                subject,
                text!(ja: "管理者アカウント {id}: {}。", why.ja; en: "administrator account {id}: {}", why.en),
            )
        } else if disabled {
            Finding::pass(
                subject,
                text!(ja: "管理者アカウント {id} は無効にされており、所有者または用途が記録されています。", en: "administrator account {id} is disabled, and its owner or purpose is recorded"),
            )
        } else {
            Finding::pass(
                subject,
                text!(ja: "管理者アカウント {id} は必要性と利用が確認できます。", en: "administrator account {id} has an owner or purpose and is in use"),
            )
        };
        let f = match logged {
            Some((_, at)) => f.because(SectionKind::AuthEvents, at.clone()),
            None => f,
        };
        findings.push(f.because(SectionKind::Accounts, format!("accounts[id={id}]")));
    }
    findings.extend(unrecorded_finding);
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};
    use mlit_common::build;

    fn admin(
        kind: AccountKind,
        person: Option<&str>,
        purpose: Option<&str>,
        last: Option<Date>,
    ) -> Account {
        Account {
            id: "ADM".into(),
            system: "SCADA".into(),
            name: "adm".into(),
            kind: Some(kind),
            person: person.map(Into::into),
            privileged: Some(true),
            enabled: Some(true),
            mfa: Some(true),
            purpose: purpose.map(Into::into),
            created_on: None,
            disabled_on: None,
            last_used_on: last,
        }
    }

    fn run(a: Account, people: Vec<Person>, params: &[(&str, ParamValue)]) -> Finding {
        let ev = Evidence::new()
            .with(&Accounts { accounts: vec![a] })
            .with(&People { people });
        evaluate(&RULE, &ev, date(2026, 11, 27), params)
            .unwrap()
            .remove(0)
    }

    #[test]
    fn an_admin_of_a_current_person_in_use_passes() {
        let f = run(
            admin(
                AccountKind::Person,
                Some("P1"),
                None,
                Some(date(2026, 11, 1)),
            ),
            vec![build::person("P1")],
            &[],
        );
        assert_eq!(f.status, Status::Pass);
    }

    #[test]
    fn an_admin_of_someone_who_left_fails() {
        let mut p = build::person("P1");
        p.left_on = Some(date(2026, 3, 31));
        let f = run(
            admin(
                AccountKind::Person,
                Some("P1"),
                None,
                Some(date(2026, 11, 1)),
            ),
            vec![p],
            &[],
        );
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.en.contains("no longer works here"));
    }

    #[test]
    fn a_service_admin_needs_a_purpose() {
        let f = run(
            admin(AccountKind::Service, None, None, Some(date(2026, 11, 1))),
            vec![],
            &[],
        );
        assert_eq!(f.status, Status::Fail);
        let f = run(
            admin(
                AccountKind::Service,
                None,
                Some("SCADA historian"),
                Some(date(2026, 11, 1)),
            ),
            vec![],
            &[],
        );
        assert_eq!(f.status, Status::Pass);
    }

    #[test]
    fn dormancy_is_a_boundary() {
        // Last used 2026-08-29: exactly 90 days before 2026-11-27.
        let a = admin(
            AccountKind::Person,
            Some("P1"),
            None,
            Some(date(2026, 8, 29)),
        );
        assert_eq!(
            run(a.clone(), vec![build::person("P1")], &[]).status,
            Status::Pass
        );
        assert_eq!(
            run(
                a,
                vec![build::person("P1")],
                &[("admin_dormant_days", ParamValue::Integer(89))]
            )
            .status,
            Status::Fail
        );
    }

    #[test]
    fn a_logon_in_the_log_counts_as_use_and_no_record_of_use_is_insufficient() {
        let a = admin(AccountKind::Person, Some("P1"), None, None);
        let ev = Evidence::new()
            .with(&Accounts {
                accounts: vec![a.clone()],
            })
            .with(&People {
                people: vec![build::person("P1")],
            });
        assert_eq!(
            evaluate(&RULE, &ev, date(2026, 11, 27), &[]).unwrap()[0].status,
            Status::InsufficientEvidence
        );
        let logon = AuthEvent {
            time: "2026-11-20T01:00:00Z".parse().unwrap(),
            kind: AuthKind::LogonSuccess,
            system: "HMI-01".into(),
            account: "ADM".into(),
            domain: None,
            source: None,
            logon_type: Some(2),
            status: None,
            sub_status: None,
            method: None,
            actor: None,
            group: None,
            event_id: None,
            record_id: None,
        };
        let ev = ev.with_auth_events(&[logon]);
        assert_eq!(
            evaluate(&RULE, &ev, date(2026, 11, 27), &[]).unwrap()[0].status,
            Status::Pass
        );
    }

    #[test]
    fn an_account_the_log_adds_to_an_administrators_group_is_an_administrator() {
        let mut a = admin(
            AccountKind::Person,
            Some("P1"),
            None,
            Some(date(2026, 11, 20)),
        );
        a.privileged = Some(false);
        let change = |kind: AuthKind, time: &str| AuthEvent {
            time: time.parse().unwrap(),
            kind,
            system: "DC01".into(),
            account: "adm".into(),
            domain: None,
            source: None,
            logon_type: None,
            status: None,
            sub_status: None,
            method: None,
            actor: Some("p20".into()),
            group: Some("Domain Admins".into()),
            event_id: Some(4728),
            record_id: None,
        };
        let ev = |events: &[AuthEvent]| {
            Evidence::new()
                .with(&Accounts {
                    accounts: vec![a.clone()],
                })
                .with(&People {
                    people: vec![build::person("P1")],
                })
                .with_auth_events(events)
        };
        let added = change(AuthKind::GroupMemberAdded, "2026-11-10T01:00:00Z");
        let f = evaluate(
            &RULE,
            &ev(std::slice::from_ref(&added)),
            date(2026, 11, 27),
            &[],
        )
        .unwrap();
        assert_eq!(f[0].status, Status::Fail, "{}", f[0].message.en);
        assert!(
            f[0].message.en.contains("the account record says it holds no administrator rights, but the log shows it added to the administrators' group Domain Admins"),
            "{}",
            f[0].message.en
        );
        assert!(
            f[0].refs
                .iter()
                .any(|r| r.section == SectionKind::AuthEvents.as_str()),
            "{:?}",
            f[0].refs
        );
        // Removed again later, or added after the assessment date: not an
        // administrator.
        let removed = change(AuthKind::GroupMemberRemoved, "2026-11-12T01:00:00Z");
        let later = change(AuthKind::GroupMemberAdded, "2026-11-28T01:00:00Z");
        for events in [vec![added, removed], vec![later]] {
            let f = evaluate(&RULE, &ev(&events), date(2026, 11, 27), &[]).unwrap();
            assert_eq!(f[0].status, Status::NotApplicable, "{}", f[0].message.en);
        }
    }

    #[test]
    fn a_disabled_but_unnecessary_admin_is_a_warning_and_none_at_all_is_not_applicable() {
        let mut a = admin(
            AccountKind::Person,
            Some("P1"),
            None,
            Some(date(2026, 11, 1)),
        );
        a.enabled = Some(false);
        let f = run(a.clone(), vec![], &[]);
        assert_eq!(f.status, Status::Warn);
        assert!(
            f.message.en.contains("disabled but still exists"),
            "{}",
            f.message.en
        );
        a.privileged = Some(false);
        assert_eq!(run(a, vec![], &[]).status, Status::NotApplicable);
    }

    #[test]
    fn a_disabled_built_in_admin_with_a_purpose_passes_however_long_unused() {
        let mut a = admin(
            AccountKind::BuiltIn,
            None,
            Some("Built-in account for administering the domain"),
            None,
        );
        a.enabled = Some(false);
        let f = run(a.clone(), vec![], &[]);
        assert_eq!(f.status, Status::Pass, "{}", f.message.en);
        assert!(f.message.en.contains("is disabled"), "{}", f.message.en);
        // Enabled, the same account's unknown last use is insufficient.
        a.enabled = Some(true);
        assert_eq!(run(a, vec![], &[]).status, Status::InsufficientEvidence);
    }

    #[test]
    fn accounts_without_a_recorded_privilege_are_listed() {
        let mut a = admin(
            AccountKind::Person,
            Some("P1"),
            None,
            Some(date(2026, 11, 1)),
        );
        a.privileged = None;
        let f = run(a, vec![build::person("P1")], &[]);
        assert_eq!(f.status, Status::InsufficientEvidence);
        assert!(
            f.message.en.contains(
                "accounts that do not record whether they hold administrator rights (1): ADM"
            ),
            "{}",
            f.message.en
        );
    }
}
