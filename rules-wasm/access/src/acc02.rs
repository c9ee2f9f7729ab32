//! MLIT-ACC-02: departed and transferred staff lose their access (5.2.1).
//!
//! An account of a person who left, or who moved away from the department
//! that owns the account's system (as the inventory's systems record it),
//! fails when it is still enabled more than `departure_grace_days` after that
//! date, and for each successful logon after that date. Account-management
//! events count too: an account created, enabled or added to an
//! administrators' group after its owner's cutoff fails. An account
//! that does not record whether it is enabled, and did not log on, is
//! insufficient evidence; one disabled on the very day is said to be.

use std::collections::{BTreeMap, HashMap};

use mizuchi_sdk::prelude::*;
use mlit_common::hosts::{Hosts, local_date, local_time};
use mlit_common::{days_between, missing_section, times};

use crate::acc04::is_admin_group;

pub const RULE: Rule = Rule {
    id: "MLIT-ACC-02",
    version: "2.0.1",
    title: StaticText {
        ja: "退職者・異動者のアクセス権の削除",
        en: "Departed and transferred staff lose their access",
    },
    section: "5.2.1, 5.4.2",
    force: Force::Recommended,
    needs: &[
        Need::v2(SectionKind::People),
        Need::v2(SectionKind::Accounts),
        Need::v2(SectionKind::Inventory),
        Need::v2(SectionKind::AuthEvents),
    ],
    params: &[ParamSpec {
        key: "departure_grace_days",
        default: ParamDefault::Integer(0),
        description: StaticText {
            ja: "退職・異動日からアカウント無効化までの猶予日数",
            en: "Days after leaving or moving within which the account must be disabled",
        },
    }],
    eval: evaluate,
};

/// Why an account must be gone, and from when.
#[derive(Debug, Clone)]
struct Cutoff {
    /// The day of leaving or moving.
    date: Date,
    why: Text,
}

fn cutoff(account: &Account, person: &Person, system_dept: Option<&str>) -> Option<Cutoff> {
    let mut best: Option<Cutoff> = None;
    let mut consider = |date: Date, why: Text| {
        if best.as_ref().is_none_or(|b| date < b.date) {
            best = Some(Cutoff { date, why });
        }
    };
    if let Some(left) = person.left_on {
        consider(left, text!(ja: "{}に退職", left; en: "left on {}", left));
    }
    if let Some(dept) = system_dept {
        for t in &person.transfers {
            if t.from == dept && t.to != dept && account.created_on.is_none_or(|c| c <= t.on) {
                consider(
                    t.on,
                    text!(ja: "{}に{}から{}へ異動", t.on, t.from, t.to; en: "moved from {} to {} on {}", t.from, t.to, t.on),
                );
            }
        }
    }
    best
}

fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let grace = ctx.int("departure_grace_days")?;
    let as_of = ctx.as_of();
    let Some(people) = ctx.document::<People>()? else {
        return Ok(vec![missing_section(SectionKind::People)]);
    };
    let Some(accounts) = ctx.document::<Accounts>()? else {
        return Ok(vec![missing_section(SectionKind::Accounts)]);
    };
    let inventory: Inventory = ctx.document()?.unwrap_or_default();
    let persons: HashMap<&str, &Person> =
        people.people.iter().map(|p| (p.id.as_str(), p)).collect();
    let systems: HashMap<&str, &System> = inventory
        .systems
        .iter()
        .map(|s| (s.id.as_str(), s))
        .collect();
    let assets: HashMap<&str, &Asset> = inventory
        .assets
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    // The system an account's `system` names (directly, or through an asset).
    let system_of = |id: &str| -> Option<&System> {
        systems.get(id).copied().or_else(|| {
            assets
                .get(id)
                .and_then(|a| a.system.as_deref())
                .and_then(|s| systems.get(s).copied())
        })
    };

    // Accounts that must be gone, with their cutoff.
    let mut watched: Vec<(&Account, Cutoff)> = Vec::new();
    for a in &accounts.accounts {
        let Some(p) = a.person.as_deref().and_then(|p| persons.get(p)) else {
            continue;
        };
        let dept = system_of(&a.system).and_then(|s| s.department.as_deref());
        if let Some(c) = cutoff(a, p, dept)
            && c.date <= as_of
        {
            watched.push((a, c));
        }
    }
    if watched.is_empty() {
        return Ok(vec![
            Finding::not_applicable(
                Subject::organisation(),
                text!(ja: "評価日までに退職・異動した者のアカウントはありません。";
                  en: "no account belongs to someone who left or moved before the assessment date"),
            )
            .because(SectionKind::People, "people"),
        ]);
    }

    // Logons after the cutoff: account names are matched without case, and
    // by system where the log's host is in the inventory.
    let hosts = Hosts::new(&inventory);
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (a, _)) in watched.iter().enumerate() {
        by_name.entry(a.name.to_lowercase()).or_default().push(i);
    }
    let mut late: BTreeMap<usize, (u64, String, i64)> = BTreeMap::new();
    // The first account-management event that gave access back after the
    // cutoff: what it did, where it is, when, who did it.
    let mut revived: BTreeMap<usize, (Text, String, i64, Option<String>)> = BTreeMap::new();
    if let Some(mut events) = ctx.auth_events()? {
        // Each account name and each host is looked up once per symbol.
        // Whether an account is watched at all is a byte per symbol, asked
        // first: few accounts are watched, and an event of any other stops
        // there without touching the larger table of candidates.
        let mut watched_symbol: PerSymbol<bool> = PerSymbol::new();
        let mut by_account: PerSymbol<Vec<usize>> = PerSymbol::new();
        let mut host_of: PerSymbol<Option<&Asset>> = PerSymbol::new();
        while let Some(e) = events.next_entry()? {
            let syms = events.symbols();
            let change = match e.kind {
                AuthKind::LogonSuccess => None,
                AuthKind::AccountCreated => Some(text!(ja: "作成", en: "created")),
                AuthKind::AccountEnabled => Some(text!(ja: "有効化", en: "enabled")),
                AuthKind::GroupMemberAdded => match e.group.map(|g| syms.name(g)) {
                    Some(g) if is_admin_group(g) => Some(
                        text!(ja: "管理者グループ {g} に追加", en: "added to the administrators' group {g}"),
                    ),
                    _ => continue,
                },
                _ => continue,
            };
            let watched_account = *watched_symbol.get_or_insert_with(e.account, || {
                by_name.contains_key(&syms.name(e.account).to_lowercase())
            });
            if !watched_account {
                continue;
            }
            let list = by_account.get_or_insert_with(e.account, || {
                by_name
                    .get(&syms.name(e.account).to_lowercase())
                    .cloned()
                    .unwrap_or_default()
            });
            if list.is_empty() {
                continue;
            }
            let host = *host_of.get_or_insert_with(e.system, || hosts.find(syms.name(e.system)));
            let single = list.len() == 1;
            let candidates = list.iter().copied().filter(|&i| match host {
                Some(asset) => {
                    let acc = &watched[i].0.system;
                    acc == &asset.id || asset.system.as_deref() == Some(acc.as_str())
                }
                None => single,
            });
            let day = local_date(e.time);
            for i in candidates {
                if day <= watched[i].1.date {
                    continue;
                }
                match &change {
                    None => {
                        let entry = late
                            .entry(i)
                            .or_insert_with(|| (0, e.origin.locator(syms), e.time));
                        entry.0 += 1;
                    }
                    Some(what) => {
                        revived.entry(i).or_insert_with(|| {
                            let actor = e.actor.map(|a| syms.name(a).to_owned());
                            (what.clone(), e.origin.locator(syms), e.time, actor)
                        });
                    }
                }
            }
        }
    }

    let mut findings = Vec::new();
    for (i, (a, c)) in watched.iter().enumerate() {
        let subject = Subject::account(&a.id);
        let acc = &a.name;
        let why = &c.why;
        let overdue = days_between(c.date, as_of);
        let refs = |f: Finding| {
            f.because(SectionKind::Accounts, format!("accounts[id={}]", a.id))
                .because(
                    SectionKind::People,
                    format!("people[id={}]", a.person.as_deref().unwrap_or("")),
                )
        };
        let still_enabled = overdue > grace && a.enabled == Some(true);
        if still_enabled {
            findings.push(refs(Finding::fail(
                subject.clone(),
                text!(ja: "アカウント {acc}（{}）は、所有者が{}後も{overdue}日間有効のままです（猶予{grace}日）。", a.system, why.ja;
                      en: "account {acc} on {} is still enabled {overdue} days after its owner {} (grace {grace} days)", a.system, why.en),
            )));
        }
        if let Some((what, at, t, actor)) = revived.get(&i) {
            let by = actor
                .as_deref()
                .map(|a| (format!("（実行者 {a}）"), format!(" by {a}")));
            let (by_ja, by_en) = by.unwrap_or_default();
            findings.push(
                refs(Finding::fail(
                    subject.clone(),
                    text!(ja: "アカウント {acc} は、所有者が{}後の {} に{}されました{by_ja}。", why.ja, local_time(*t), what.ja;
                          en: "account {acc} was {} at {}{by_en}, after its owner {}", what.en, local_time(*t), why.en),
                ))
                .because(SectionKind::AuthEvents, at.clone()),
            );
        }
        if let Some((n, first, t)) = late.get(&i) {
            findings.push(
                refs(Finding::fail(
                    subject,
                    text!(ja: "アカウント {acc} は、所有者が{}後に{n}回ログオンしています（初回 {}）。", why.ja, local_time(*t);
                          en: "account {acc} logged on {} after its owner {} (first at {})", times(*n), why.en, local_time(*t)),
                ))
                .because(SectionKind::AuthEvents, first.clone()),
            );
        } else if !still_enabled {
            findings.push(refs(if overdue > grace && a.enabled.is_none() {
                Finding::insufficient(
                    subject,
                    text!(ja: "アカウント {acc}（{}）は所有者が{}が、無効化されたかが記録されていません。", a.system, why.ja;
                          en: "account {acc} on {}: its owner {}, but whether it is still enabled is not recorded", a.system, why.en),
                )
            } else if revived.contains_key(&i) {
                // The account-management finding above says what happened.
                continue;
            } else if a.disabled_on == Some(c.date) {
                Finding::pass(
                    subject,
                    text!(ja: "アカウント {acc} は、所有者が{}その日に無効化され、以後のログオンもありません。", why.ja;
                          en: "account {acc} was disabled on the day its owner {}, and has not logged on since", why.en),
                )
            } else {
                Finding::pass(
                    subject,
                    text!(ja: "アカウント {acc} は、所有者が{}後に無効化され、以後のログオンもありません。", why.ja;
                          en: "account {acc} was disabled after its owner {}, and has not logged on since", why.en),
                )
            }));
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};
    use mlit_common::build;

    fn account(id: &str, person: &str, system: &str, enabled: bool) -> Account {
        Account {
            id: id.into(),
            system: system.into(),
            name: id.to_lowercase(),
            kind: Some(AccountKind::Person),
            person: Some(person.into()),
            privileged: Some(false),
            enabled: Some(enabled),
            mfa: Some(false),
            purpose: None,
            created_on: None,
            disabled_on: None,
            last_used_on: None,
        }
    }

    fn evidence(left: Option<Date>, enabled: bool, logons: &[&str]) -> Evidence {
        let mut p = build::person("P1");
        p.left_on = left;
        let inv = Inventory {
            systems: vec![build::system("SCADA", true)],
            assets: vec![{
                let mut a = build::asset("HMI-01");
                a.system = Some("SCADA".into());
                a
            }],
            ..Default::default()
        };
        let events: Vec<AuthEvent> = logons
            .iter()
            .map(|t| AuthEvent {
                time: t.parse().unwrap(),
                kind: AuthKind::LogonSuccess,
                system: "HMI-01".into(),
                account: "SATO".into(),
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
            })
            .collect();
        Evidence::new()
            .with(&People { people: vec![p] })
            .with(&Accounts {
                accounts: vec![account("SATO", "P1", "SCADA", enabled)],
            })
            .with(&inv)
            .with_auth_events(&events)
    }

    fn statuses(f: &[Finding]) -> Vec<Status> {
        f.iter().map(|f| f.status).collect()
    }

    fn run(ev: &Evidence, params: &[(&str, ParamValue)]) -> Vec<Finding> {
        evaluate(&RULE, ev, date(2026, 11, 27), params).unwrap()
    }

    #[test]
    fn an_account_still_enabled_after_leaving_fails() {
        let f = run(&evidence(Some(date(2026, 10, 1)), true, &[]), &[]);
        assert_eq!(statuses(&f), [Status::Fail]);
        assert!(
            f[0].message
                .en
                .contains("57 days after its owner left on 2026-10-01"),
            "{}",
            f[0].message.en
        );
    }

    #[test]
    fn a_disabled_account_without_later_logons_passes() {
        assert_eq!(
            statuses(&run(
                &evidence(Some(date(2026, 10, 1)), false, &["2026-09-30T05:00:00Z"]),
                &[]
            )),
            [Status::Pass]
        );
    }

    #[test]
    fn a_logon_after_leaving_fails_even_when_now_disabled() {
        // 2026-09-30T16:00Z is 2026-10-01 01:00 in Japan, the day of leaving itself: allowed.
        let f = run(
            &evidence(
                Some(date(2026, 10, 1)),
                false,
                &[
                    "2026-09-30T16:00:00Z",
                    "2026-10-02T01:00:00Z",
                    "2026-10-05T01:00:00Z",
                ],
            ),
            &[],
        );
        assert_eq!(statuses(&f), [Status::Fail]);
        assert!(
            f[0].message.en.contains("logged on 2 times"),
            "{}",
            f[0].message.en
        );
    }

    fn managed(kind: AuthKind, time: &str, group: Option<&str>) -> AuthEvent {
        AuthEvent {
            time: time.parse().unwrap(),
            kind,
            system: "HMI-01".into(),
            account: "sato".into(),
            domain: None,
            source: None,
            logon_type: None,
            status: None,
            sub_status: None,
            method: None,
            actor: Some("admin9".into()),
            group: group.map(Into::into),
            event_id: None,
            record_id: None,
        }
    }

    #[test]
    fn an_account_enabled_or_made_administrator_after_leaving_fails() {
        for (event, said) in [
            (
                managed(AuthKind::AccountEnabled, "2026-10-05T01:00:00Z", None),
                "account sato was enabled at 2026-10-05 10:00 JST by admin9, after its owner left on 2026-10-01",
            ),
            (
                managed(
                    AuthKind::GroupMemberAdded,
                    "2026-10-06T01:00:00Z",
                    Some("Administrators"),
                ),
                "account sato was added to the administrators' group Administrators at 2026-10-06 10:00 JST by admin9",
            ),
            (
                managed(AuthKind::AccountCreated, "2026-11-01T01:00:00Z", None),
                "account sato was created at 2026-11-01 10:00 JST by admin9",
            ),
        ] {
            let ev = evidence(Some(date(2026, 10, 1)), false, &[]).with_auth_events(&[event]);
            let f = run(&ev, &[]);
            assert_eq!(statuses(&f), [Status::Fail]);
            assert!(f[0].message.en.contains(said), "{}", f[0].message.en);
        }
        // Before leaving, or added to an ordinary group: nothing to say.
        for event in [
            managed(AuthKind::AccountEnabled, "2026-09-05T01:00:00Z", None),
            managed(
                AuthKind::GroupMemberAdded,
                "2026-10-06T01:00:00Z",
                Some("Domain Users"),
            ),
        ] {
            let ev = evidence(Some(date(2026, 10, 1)), false, &[]).with_auth_events(&[event]);
            assert_eq!(statuses(&run(&ev, &[])), [Status::Pass]);
        }
    }

    #[test]
    fn whether_an_account_is_enabled_not_recorded_is_insufficient_evidence() {
        let mut a = account("SATO", "P1", "SCADA", false);
        a.enabled = None;
        let ev =
            evidence(Some(date(2026, 10, 1)), false, &[]).with(&Accounts { accounts: vec![a] });
        let f = run(&ev, &[]);
        assert_eq!(statuses(&f), [Status::InsufficientEvidence]);
        assert!(
            f[0].message
                .en
                .contains("whether it is still enabled is not recorded"),
            "{}",
            f[0].message.en
        );
    }

    #[test]
    fn an_account_disabled_on_the_day_of_leaving_is_said_to_be() {
        let mut a = account("SATO", "P1", "SCADA", false);
        a.disabled_on = Some(date(2026, 10, 1));
        let ev =
            evidence(Some(date(2026, 10, 1)), false, &[]).with(&Accounts { accounts: vec![a] });
        let f = run(&ev, &[]);
        assert_eq!(statuses(&f), [Status::Pass]);
        assert!(
            f[0].message
                .en
                .contains("was disabled on the day its owner left on 2026-10-01"),
            "{}",
            f[0].message.en
        );
    }

    #[test]
    fn the_grace_period_is_a_boundary() {
        // Left 2026-11-20, assessed 2026-11-27: 7 days.
        let ev = evidence(Some(date(2026, 11, 20)), true, &[]);
        assert_eq!(
            statuses(&run(
                &ev,
                &[("departure_grace_days", ParamValue::Integer(7))]
            )),
            [Status::Pass]
        );
        assert_eq!(
            statuses(&run(
                &ev,
                &[("departure_grace_days", ParamValue::Integer(6))]
            )),
            [Status::Fail]
        );
    }

    #[test]
    fn moving_away_from_the_systems_department_counts_as_leaving_it() {
        let mut p = build::person("P1");
        p.transfers.push(Transfer {
            on: date(2026, 4, 1),
            from: "浄水課".into(),
            to: "営業課".into(),
        });
        let mut sys = build::system("SCADA", true);
        sys.department = Some("浄水課".into());
        let inv = Inventory {
            systems: vec![sys],
            ..Default::default()
        };
        let ev = Evidence::new()
            .with(&People { people: vec![p] })
            .with(&Accounts {
                accounts: vec![account("SATO", "P1", "SCADA", true)],
            })
            .with(&inv);
        let f = run(&ev, &[]);
        assert_eq!(statuses(&f), [Status::Fail]);
        assert!(f[0].message.en.contains("moved from 浄水課 to 営業課"));
    }

    #[test]
    fn nobody_left_is_not_applicable_and_missing_people_is_insufficient() {
        assert_eq!(
            statuses(&run(&evidence(None, true, &[]), &[])),
            [Status::NotApplicable]
        );
        let ev = Evidence::new().with(&Accounts::default());
        assert_eq!(statuses(&run(&ev, &[])), [Status::InsufficientEvidence]);
    }
}
