//! The asset-management module of the official MLIT water rule pack
//! (guideline 5.1.1).
//!
//! | rule | requirement |
//! | --- | --- |
//! | MLIT-AST-01 | the inventory is complete: every host seen is inventoried, contractors' devices included; a host is counted once per event it appears in |
//! | MLIT-AST-02 | the inventory is current: reviewed within a year |

use std::collections::BTreeMap;

use mizuchi_sdk::evidence::stream::Origin;
use mizuchi_sdk::prelude::*;
use mlit_common::hosts::{Hosts, host_key, is_internal_ip, is_ip};
use mlit_common::{count, days_between, missing_section};

pub const AST_01: Rule = Rule {
    id: "MLIT-AST-01",
    version: "2.0.0",
    title: StaticText {
        ja: "資産台帳の網羅性（未登録機器がないこと）",
        en: "The inventory is complete",
    },
    section: "5.1.1",
    force: Force::Recommended,
    needs: &[
        Need::v2(SectionKind::Inventory),
        Need::v2(SectionKind::AuthEvents),
        Need::v2(SectionKind::Networks),
    ],
    params: &[ParamSpec {
        key: "max_hosts_listed",
        default: ParamDefault::Integer(200),
        description: StaticText {
            ja: "個別に指摘する未登録ホストの上限（超えた分は件数でまとめて指摘）",
            en: "Most unlisted hosts reported one by one; the rest are reported together",
        },
    }],
    eval: ast_01,
};

pub const AST_02: Rule = Rule {
    id: "MLIT-AST-02",
    version: "2.0.0",
    title: StaticText {
        ja: "資産台帳の最新性",
        en: "The inventory is current",
    },
    section: "5.1.1",
    force: Force::Recommended,
    needs: &[Need::v2(SectionKind::Inventory)],
    params: &[ParamSpec {
        key: "inventory_max_age_days",
        default: ParamDefault::Integer(365),
        description: StaticText {
            ja: "資産台帳の最終見直しからの日数の上限",
            en: "Most days since the inventory was last reviewed",
        },
    }],
    eval: ast_02,
};

struct Seen {
    count: u64,
    first: Origin,
}

fn ast_01(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let max_listed = usize::try_from(ctx.int("max_hosts_listed")?.max(0)).unwrap_or(usize::MAX);
    let Some(inv) = ctx.document::<Inventory>()? else {
        return Ok(vec![missing_section(SectionKind::Inventory)]);
    };
    let nets: Networks = ctx.document()?.unwrap_or_default();
    let hosts = Hosts::new(&inv);
    let mut unknown: BTreeMap<String, (String, Seen)> = BTreeMap::new();
    // Distinct hosts (as logged) seen that the inventory lists.
    let mut seen_hosts = 0usize;
    let mut checked = false;
    let mut symbols = None;
    if let Some(mut events) = ctx.auth_events()? {
        checked = true;
        // The unknown-or-not answer per symbol, so that each name is looked up once.
        let mut verdict: PerSymbol<bool> = PerSymbol::new();
        // Whether a source names a machine of the utility's own, per symbol.
        let mut countable: PerSymbol<bool> = PerSymbol::new();
        while let Some(e) = events.next_entry()? {
            let syms = events.symbols();
            // The host that recorded the event, and the machine a successful
            // logon came from when it is on an internal network. The source of
            // a failure can be anything an attacker typed, so it is not counted.
            let source = e
                .source
                .filter(|_| e.kind == AuthKind::LogonSuccess)
                .filter(|s| {
                    *countable.get_or_insert_with(*s, || {
                        let n = syms.name(*s);
                        is_internal_ip(n) && !n.starts_with("127.") && n != "::1"
                            || (!is_ip(n) && !n.is_empty() && n != "-")
                    })
                });
            // Count events, not fields: a host named as both the system
            // and the source of one event counts once.
            let mut counted: Option<String> = None;
            for sym in std::iter::once(e.system).chain(source) {
                let missing = *verdict.get_or_insert_with(sym, || {
                    let name = syms.name(sym);
                    !name.is_empty() && hosts.find(name).is_none()
                });
                if missing {
                    let name = syms.name(sym);
                    let key = host_key(name);
                    if counted.as_deref() == Some(key.as_str()) {
                        continue;
                    }
                    unknown
                        .entry(key.clone())
                        .and_modify(|(_, s)| s.count += 1)
                        .or_insert((
                            name.to_owned(),
                            Seen {
                                count: 1,
                                first: e.origin,
                            },
                        ));
                    counted = Some(key);
                }
            }
        }
        seen_hosts = verdict.iter().filter(|(_, missing)| !**missing).count();
        symbols = Some(events.symbols().clone());
    }
    let mut findings = Vec::new();
    // A network full of unlisted machines would bury the report: the most
    // active are named one by one, the rest counted together.
    let mut ranked: Vec<&(String, Seen)> = unknown.values().collect();
    ranked.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(&b.0)));
    let rest = ranked.split_off(max_listed.min(ranked.len()));
    ranked.sort_by_key(|r| host_key(&r.0));
    let locate = |s: &Seen| {
        symbols
            .as_ref()
            .map(|y| s.first.locator(y))
            .unwrap_or_default()
    };
    for (name, s) in ranked {
        let loc = locate(s);
        findings.push(
            Finding::fail(
                Subject::new("host", name),
                text!(ja: "ホスト {name} は認証ログに{}回現れますが、資産台帳にありません（未登録機器の可能性）。", s.count;
                      en: "host {name} appears in {} but is not in the inventory (possible shadow IT)", count(s.count, "authentication event", "authentication events")),
            )
            .because(SectionKind::AuthEvents, loc),
        );
    }
    if let Some(first) = rest
        .iter()
        .min_by_key(|(_, s)| (s.first.file, s.first.line))
    {
        let hosts = rest.len();
        let events: u64 = rest.iter().map(|(_, s)| s.count).sum();
        findings.push(
            Finding::fail(
                Subject::organisation(),
                text!(ja: "ほかに{hosts}台のホストが認証ログに計{events}回現れますが、資産台帳にありません（上位{max_listed}台のみ個別に指摘）。";
                      en: "{} not in the inventory, seen in {} (only the {max_listed} most active hosts are listed one by one)", count(hosts as u64, "more host", "more hosts"), count(events, "authentication event", "authentication events")),
            )
            .because(SectionKind::AuthEvents, locate(&first.1)),
        );
    }
    for r in &nets.remote_access {
        checked = true;
        for d in &r.devices {
            if hosts.find(&d.id).is_none() {
                findings.push(
                    Finding::fail(
                        Subject::new("host", &d.id),
                        text!(ja: "リモートアクセス {} で使われる端末 {} が資産台帳にありません。", r.id, d.id;
                              en: "device {} used for remote access {} is not in the inventory", d.id, r.id),
                    )
                    .because(SectionKind::Networks, format!("remote_access[id={}]", r.id)),
                );
            }
        }
    }
    if !checked {
        return Ok(vec![Finding::insufficient(
            Subject::organisation(),
            text!(ja: "認証ログもリモートアクセスの記録もないため、未登録機器を確認できません。";
                  en: "there are no authentication events and no remote-access records to find unlisted hosts in"),
        )
        .because(SectionKind::AuthEvents, "(absent)")]);
    }
    if findings.is_empty() {
        findings.push(
            Finding::pass(
                Subject::organisation(),
                text!(ja: "ログ等に現れる{}台の機器はすべて資産台帳にあります。", seen_hosts; en: "all {} hosts seen in the logs and records are in the inventory", seen_hosts),
            )
            .because(SectionKind::AuthEvents, "(all files)")
            .because(SectionKind::Inventory, "assets"),
        );
    }
    Ok(findings)
}

fn ast_02(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let max = ctx.int("inventory_max_age_days")?;
    let as_of = ctx.as_of();
    let Some(inv) = ctx.document::<Inventory>()? else {
        return Ok(vec![missing_section(SectionKind::Inventory)]);
    };
    let f = match inv.reviewed_on.filter(|d| *d <= as_of) {
        None if inv.reviewed_on.is_some() => Finding::insufficient(
            Subject::organisation(),
            text!(ja: "資産台帳の最終見直し日が評価日より後のため、存在しないものとして扱いました。", en: "the inventory's review date is after the assessment date, so it is ignored"),
        ),
        None => Finding::insufficient(
            Subject::organisation(),
            text!(ja: "資産台帳の最終見直し日が記録されていません。", en: "when the inventory was last reviewed is not recorded"),
        ),
        Some(d) => {
            let age = days_between(d, as_of);
            if age <= max {
                Finding::pass(
                    Subject::organisation(),
                    text!(ja: "資産台帳は{d}に見直されています（{age}日前）。", en: "the inventory was reviewed on {d}, {age} days ago"),
                )
            } else {
                Finding::fail(
                    Subject::organisation(),
                    text!(ja: "資産台帳の最終見直しは{d}で、{age}日経過しています（上限{max}日）。", en: "the inventory was last reviewed on {d}, {age} days ago (limit {max})"),
                )
            }
        }
    };
    Ok(vec![f.because(SectionKind::Inventory, "reviewed_on")])
}

mizuchi_sdk::export_rules!(AST_01, AST_02);

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};
    use mlit_common::build;

    fn logon(kind: AuthKind, system: &str, source: &str) -> AuthEvent {
        AuthEvent {
            time: "2026-11-01T00:00:00Z".parse().unwrap(),
            kind,
            system: system.into(),
            account: "op".into(),
            domain: None,
            source: Some(source.into()),
            logon_type: Some(3),
            status: None,
            sub_status: None,
            method: None,
            actor: None,
            group: None,
            event_id: None,
            record_id: None,
        }
    }

    fn inventory() -> Inventory {
        let mut a = build::asset("HMI-01");
        a.addresses = vec!["10.0.0.5".into()];
        Inventory {
            assets: vec![a],
            reviewed_on: Some(date(2025, 11, 27)),
            ..Default::default()
        }
    }

    fn run(events: &[AuthEvent]) -> Vec<(String, Status)> {
        let ev = Evidence::new().with(&inventory()).with_auth_events(events);
        evaluate(&AST_01, &ev, date(2026, 11, 27), &[])
            .unwrap()
            .into_iter()
            .map(|f| (f.subject.id, f.status))
            .collect()
    }

    #[test]
    fn inventoried_hosts_pass() {
        assert_eq!(
            run(&[logon(
                AuthKind::LogonSuccess,
                "hmi-01.plant.local",
                "10.0.0.5"
            )]),
            [("utility".into(), Status::Pass)]
        );
    }

    #[test]
    fn a_host_missing_from_the_inventory_fails() {
        let r = run(&[
            logon(AuthKind::LogonSuccess, "HMI-01", "10.0.0.99"),
            logon(AuthKind::LogonSuccess, "NAS-TEMP", "10.0.0.5"),
            logon(AuthKind::LogonFailure, "NAS-TEMP", "kali"),
        ]);
        assert_eq!(
            r,
            [
                ("10.0.0.99".into(), Status::Fail),
                ("NAS-TEMP".into(), Status::Fail)
            ]
        );
    }

    #[test]
    fn beyond_the_listing_limit_unlisted_hosts_are_counted_together() {
        let events = [
            logon(AuthKind::LogonSuccess, "NAS-A", "10.0.0.5"),
            logon(AuthKind::LogonSuccess, "NAS-A", "10.0.0.5"),
            logon(AuthKind::LogonSuccess, "NAS-B", "10.0.0.5"),
            logon(AuthKind::LogonSuccess, "NAS-C", "10.0.0.5"),
        ];
        let ev = Evidence::new().with(&inventory()).with_auth_events(&events);
        let at = |max: i64| {
            evaluate(
                &AST_01,
                &ev,
                date(2026, 11, 27),
                &[("max_hosts_listed", ParamValue::Integer(max))],
            )
            .unwrap()
        };
        // Exactly at the limit: every host is named.
        let three = at(3);
        let named: Vec<&str> = three.iter().map(|f| f.subject.id.as_str()).collect();
        assert_eq!(named, ["NAS-A", "NAS-B", "NAS-C"]);
        // One over: the most active are named, the rest counted.
        let two = at(2);
        let named: Vec<&str> = two.iter().map(|f| f.subject.id.as_str()).collect();
        assert_eq!(named, ["NAS-A", "NAS-B", "utility"]);
        assert_eq!(two[2].status, Status::Fail);
        assert!(
            two[2]
                .message
                .en
                .starts_with("1 more host not in the inventory, seen in 1 authentication event"),
            "{}",
            two[2].message.en
        );
    }

    #[test]
    fn attackers_and_the_internet_are_not_shadow_it() {
        let r = run(&[
            logon(AuthKind::LogonFailure, "HMI-01", "kali"),
            logon(AuthKind::LogonSuccess, "HMI-01", "203.0.113.9"),
            logon(AuthKind::LogonSuccess, "HMI-01", "127.0.0.1"),
        ]);
        assert_eq!(r, [("utility".into(), Status::Pass)]);
    }

    #[test]
    fn nothing_to_look_in_is_insufficient_evidence() {
        let ev = Evidence::new().with(&inventory());
        assert_eq!(
            evaluate(&AST_01, &ev, date(2026, 11, 27), &[]).unwrap()[0].status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn the_review_age_is_a_boundary() {
        let ev = Evidence::new().with(&inventory());
        let at = |days| {
            evaluate(
                &AST_02,
                &ev,
                date(2026, 11, 27),
                &[("inventory_max_age_days", ParamValue::Integer(days))],
            )
            .unwrap()[0]
                .status
        };
        assert_eq!(at(365), Status::Pass);
        assert_eq!(at(364), Status::Fail);
        let ev = Evidence::new().with(&Inventory::default());
        assert_eq!(
            evaluate(&AST_02, &ev, date(2026, 11, 27), &[]).unwrap()[0].status,
            Status::InsufficientEvidence
        );
    }

    #[test]
    fn a_host_named_twice_in_one_event_counts_once() {
        let ev = Evidence::new().with(&inventory()).with_auth_events(&[logon(
            AuthKind::LogonSuccess,
            "ghost-pc",
            "ghost-pc",
        )]);
        let f = evaluate(&AST_01, &ev, date(2026, 11, 27), &[]).unwrap();
        assert_eq!(f[0].status, Status::Fail);
        assert!(
            f[0].message
                .en
                .contains("appears in 1 authentication event "),
            "{}",
            f[0].message.en
        );
    }
}
