//! MLIT-ACC-01: failed logons are recorded, notified and locked out (5.4.2).
//!
//! A burst is `lockout_threshold` or more failed logons for one account on one
//! system within `lockout_window_minutes`; a burst goes on while failures keep
//! coming within the window. Failed logons are every kind the log records: Windows
//! 4625, Kerberos pre-authentication failures (4771), NTLM validation failures
//! (4776), failed sshd attempts (unknown users included). The guideline asks for
//! both a lockout (「アカウントロックされるよう設定する」) and a notification
//! (「セキュリティ担当者に通知されるようにする」): each burst not followed by a lockout of the account
//! fails, and each burst with no alert about the account or its system fails,
//! within the window after its last failure. A successful logon for the account,
//! or from the burst's source, within the window after the burst is flagged too. A
//! source failing against `spray_accounts` or more accounts within the window is a
//! password spray, and fails unless an alert about it was recorded. Each system of
//! the inventory must be covered by authentication events. Past `max_pairs_listed`
//! (system, account) pairs of one kind of finding, the pairs with the most
//! failures are listed one by one and the others counted in one finding.
//!
//! Streaming: state is kept per (system, account) pair, per source and per
//! burst; memory grows with those, not with the number of events. A pair
//! whose last failure is more than a window before the event being read can
//! no longer start, continue or be flagged by anything (a log is read in
//! time order), so its state is dropped: the pairs kept are those active
//! within a window, however many a year of logs names. Lockouts and alerts
//! may come from another log (a domain controller) in any order, so bursts
//! are matched with them at the end.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use mizuchi_sdk::evidence::stream::Origin;
use mizuchi_sdk::prelude::*;
use mlit_common::count;
use mlit_common::hosts::{Hosts, local_time};

pub const RULE: Rule = Rule {
    id: "MLIT-ACC-01",
    version: "2.0.2",
    title: StaticText {
        ja: "ログオン失敗の記録・通知・ロックアウト",
        en: "Failed logons are recorded, notified and locked out",
    },
    section: "5.4.2",
    force: Force::Recommended,
    needs: &[
        Need::v2(SectionKind::AuthEvents),
        Need::v2(SectionKind::Inventory),
    ],
    params: &[
        ParamSpec {
            key: "lockout_threshold",
            default: ParamDefault::Integer(5),
            description: StaticText {
                ja: "ロックアウトすべき連続失敗回数",
                en: "Failed logons that make a burst",
            },
        },
        ParamSpec {
            key: "lockout_window_minutes",
            default: ParamDefault::Integer(10),
            description: StaticText {
                ja: "失敗回数を数える時間幅（分）",
                en: "Window in which failures are counted, in minutes",
            },
        },
        ParamSpec {
            key: "max_pairs_listed",
            default: ParamDefault::Integer(5000),
            description: StaticText {
                ja: "種類ごとに個別に挙げるアカウントとシステムの組の上限（超えた分はまとめて1件で件数を示す）",
                en: "Account/system pairs listed one by one for each kind of finding; the others are counted in one more finding",
            },
        },
        ParamSpec {
            key: "spray_accounts",
            default: ParamDefault::Integer(10),
            description: StaticText {
                ja: "一つの接続元が時間幅内に失敗したアカウント数がこの数以上ならパスワードスプレー",
                en: "Accounts one source fails against within the window that make a password spray",
            },
        },
    ],
    eval: evaluate,
};

#[derive(Debug, Clone, Copy)]
struct Burst {
    key: (Symbol, Symbol),
    start: i64,
    end: i64,
    count: u64,
    first: Origin,
    last: Origin,
    /// A success for the account or from the burst's source within the
    /// window after it, and which of the two it was.
    success: Option<(Origin, SuccessBy)>,
}

/// How a success after a burst is tied to it.
#[derive(Debug, Clone, Copy)]
enum SuccessBy {
    /// The burst's account logged on.
    Account,
    /// Another account logged on from the burst's source.
    Source { source: Symbol, account: Symbol },
}

#[derive(Debug, Default)]
struct KeyState {
    failures: VecDeque<(i64, Origin)>,
    burst: Option<usize>,
    /// The time of the pair's last failure.
    last: i64,
}

/// Fewest pairs at which stale ones are looked for.
const SWEEP_FROM: usize = 4096;

/// A password spray: one source failing against many accounts.
#[derive(Debug, Clone, Copy)]
struct Spray {
    source: Symbol,
    start: i64,
    end: i64,
    /// Most distinct accounts within one window.
    accounts: usize,
    first: Origin,
    last: Origin,
}

#[derive(Debug, Default)]
struct SourceState {
    /// Failures within the window: time and account.
    recent: VecDeque<(i64, Symbol, Origin)>,
    /// How many of `recent` are for each account.
    per_account: FastMap<Symbol, usize>,
    spray: Option<usize>,
}

/// Everything learnt from one pass over the log.
#[derive(Debug, Default)]
struct Scan {
    bursts: Vec<Burst>,
    sprays: Vec<Spray>,
    /// Lockout times by lower-case account name.
    lockouts: HashMap<String, Vec<i64>>,
    /// Alert times by lower-case account name, system name and source.
    alerts_by_account: HashMap<String, Vec<i64>>,
    alerts_by_system: HashMap<String, Vec<i64>>,
    alerts_by_source: HashMap<String, Vec<i64>>,
    /// Events per system name as logged, by symbol (zero for a symbol that
    /// is no system): every event counts here, so the table is a plain
    /// array of counts, half the size of one that also says "none".
    per_system: Vec<u64>,
    events: u64,
}

fn scan(
    events: &mut Events<AuthEntry>,
    threshold: usize,
    window: i64,
    spray_accounts: usize,
) -> Result<(Scan, Symbols), RuleError> {
    let mut s = Scan::default();
    let mut keys: FastMap<(Symbol, Symbol), KeyState> = FastMap::default();
    let mut sources: FastMap<Symbol, SourceState> = FastMap::default();
    let mut by_source: PerSymbol<usize> = PerSymbol::new();
    let mut lockouts: FastMap<Symbol, Vec<i64>> = FastMap::default();
    let mut alert_acc: FastMap<Symbol, Vec<i64>> = FastMap::default();
    let mut alert_sys: FastMap<Symbol, Vec<i64>> = FastMap::default();
    let mut alert_src: FastMap<Symbol, Vec<i64>> = FastMap::default();
    // Stale pairs are dropped whenever the map has doubled since the last
    // look: amortised, each pair is looked at a constant number of times.
    let mut sweep_at = SWEEP_FROM;
    while let Some(e) = events.next_entry()? {
        s.events += 1;
        let system = e.system.0 as usize;
        if system >= s.per_system.len() {
            s.per_system.resize(system + 1, 0);
        }
        s.per_system[system] += 1;
        let key = (e.system, e.account);
        if keys.len() >= sweep_at {
            keys.retain(|_, st| e.time - st.last <= window);
            sweep_at = (keys.len() * 2).max(SWEEP_FROM);
        }
        match e.kind {
            AuthKind::LogonFailure => {
                let st = keys.entry(key).or_default();
                st.last = e.time;
                st.failures.push_back((e.time, e.origin));
                while st
                    .failures
                    .front()
                    .is_some_and(|(t, _)| e.time - t > window)
                {
                    st.failures.pop_front();
                }
                let continuing = st.burst.filter(|&b| e.time - s.bursts[b].end <= window);
                if let Some(b) = continuing {
                    let burst = &mut s.bursts[b];
                    burst.end = e.time;
                    burst.count += 1;
                    burst.last = e.origin;
                } else if st.failures.len() >= threshold {
                    let (start, first) = st.failures[0];
                    s.bursts.push(Burst {
                        key,
                        start,
                        end: e.time,
                        count: st.failures.len() as u64,
                        first,
                        last: e.origin,
                        success: None,
                    });
                    st.burst = Some(s.bursts.len() - 1);
                }
                // Keep the queue short: only the last `threshold` failures matter.
                while st.failures.len() > threshold {
                    st.failures.pop_front();
                }
                if let (Some(src), Some(b)) = (e.source, st.burst) {
                    *by_source.get_or_insert_with(src, || b) = b;
                }
                if let Some(src) = e.source {
                    spray_step(
                        &mut s,
                        sources.entry(src).or_default(),
                        src,
                        &e,
                        window,
                        spray_accounts,
                    );
                }
            }
            AuthKind::LogonSuccess => {
                let mut flag = |b: usize, by: SuccessBy| {
                    let burst = &mut s.bursts[b];
                    if e.time >= burst.end
                        && e.time - burst.end <= window
                        && burst.success.is_none()
                    {
                        burst.success = Some((e.origin, by));
                    }
                };
                let st = keys.get_mut(&key);
                if let Some(b) = st.as_ref().and_then(|st| st.burst) {
                    flag(b, SuccessBy::Account);
                }
                if let Some(src) = e.source
                    && let Some(&b) = by_source.get(src)
                {
                    flag(
                        b,
                        SuccessBy::Source {
                            source: src,
                            account: e.account,
                        },
                    );
                }
                // A successful logon resets the count of bad passwords.
                if let Some(st) = st {
                    st.failures.clear();
                    st.burst = None;
                }
            }
            AuthKind::Lockout => lockouts.entry(e.account).or_default().push(e.time),
            AuthKind::Alert => {
                alert_acc.entry(e.account).or_default().push(e.time);
                alert_sys.entry(e.system).or_default().push(e.time);
                if let Some(src) = e.source {
                    alert_src.entry(src).or_default().push(e.time);
                }
            }
            _ => {}
        }
    }
    let symbols = events.symbols().clone();
    let by_name = |from: FastMap<Symbol, Vec<i64>>, into: &mut HashMap<String, Vec<i64>>| {
        for (sym, times) in from {
            into.entry(symbols.name(sym).to_lowercase())
                .or_default()
                .extend(times);
        }
    };
    by_name(lockouts, &mut s.lockouts);
    by_name(alert_acc, &mut s.alerts_by_account);
    by_name(alert_sys, &mut s.alerts_by_system);
    by_name(alert_src, &mut s.alerts_by_source);
    Ok((s, symbols))
}

/// One failure from `source`: slides its window and starts or extends a spray.
fn spray_step(
    s: &mut Scan,
    st: &mut SourceState,
    source: Symbol,
    e: &AuthEntry,
    window: i64,
    spray_accounts: usize,
) {
    st.recent.push_back((e.time, e.account, e.origin));
    *st.per_account.entry(e.account).or_default() += 1;
    while let Some(&(t, acc, _)) = st.recent.front() {
        if e.time - t <= window {
            break;
        }
        st.recent.pop_front();
        if let Some(n) = st.per_account.get_mut(&acc) {
            *n -= 1;
            if *n == 0 {
                st.per_account.remove(&acc);
            }
        }
    }
    let distinct = st.per_account.len();
    let continuing = st.spray.filter(|&i| e.time - s.sprays[i].end <= window);
    if let Some(i) = continuing {
        let spray = &mut s.sprays[i];
        spray.end = e.time;
        spray.last = e.origin;
        spray.accounts = spray.accounts.max(distinct);
    } else if distinct >= spray_accounts {
        let (start, _, first) = st.recent[0];
        s.sprays.push(Spray {
            source,
            start,
            end: e.time,
            accounts: distinct,
            first,
            last: e.origin,
        });
        st.spray = Some(s.sprays.len() - 1);
    }
}

/// Bursts by (system, account), as logged.
type Pairs<'b> = BTreeMap<(String, String), Vec<&'b Burst>>;

/// The pairs to list one by one and the rest: all are listed when there are
/// at most `max`, else the `max` with the most failures (ties by name). A
/// log where lockout is configured nowhere names a pair for nearly every
/// failure; listing them all would make a result of hundreds of megabytes
/// at a hundred million events that says no more than its count.
fn split_listed(pairs: Pairs<'_>, max: usize) -> (Pairs<'_>, Pairs<'_>) {
    if pairs.len() <= max {
        return (pairs, BTreeMap::new());
    }
    let failures = |bursts: &[&Burst]| bursts.iter().map(|b| b.count).sum::<u64>();
    let mut order: Vec<(&(String, String), u64)> =
        pairs.iter().map(|(k, b)| (k, failures(b))).collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let keep: BTreeSet<(String, String)> = order[..max].iter().map(|(k, _)| (*k).clone()).collect();
    pairs.into_iter().partition(|(k, _)| keep.contains(k))
}

fn handled(times: Option<&Vec<i64>>, from: i64, to: i64) -> bool {
    times.is_some_and(|v| v.iter().any(|&t| t >= from && t <= to))
}

fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let threshold = ctx.int("lockout_threshold")?.max(1) as usize;
    let minutes = ctx.int("lockout_window_minutes")?.max(0);
    let spray_accounts = ctx.int("spray_accounts")?.max(2) as usize;
    let listed = usize::try_from(ctx.int("max_pairs_listed")?.max(1)).unwrap_or(usize::MAX);
    let window = minutes * 60;
    let inventory: Option<Inventory> = ctx.document()?;
    let Some(mut events) = ctx.auth_events()? else {
        return Ok(vec![
            Finding::insufficient(
                Subject::organisation(),
                text!(ja: "認証ログがありません。ログオン失敗への対処を確認できません。";
                      en: "there are no authentication events, so the handling of failed logons cannot be checked"),
            )
            .because(SectionKind::AuthEvents, "(absent)"),
        ]);
    };
    let (scan, symbols) = scan(&mut events, threshold, window, spray_accounts)?;
    let name = |s: Symbol| symbols.name(s).to_owned();

    // Bursts without a lockout, without an alert, and successes after
    // bursts: one finding of each per (system, account).
    let mut no_lockout: Pairs<'_> = BTreeMap::new();
    let mut no_alert: Pairs<'_> = BTreeMap::new();
    let mut succeeded: Pairs<'_> = BTreeMap::new();
    for b in &scan.bursts {
        let (sys, acc) = (name(b.key.0), name(b.key.1));
        let to = b.end + window;
        if !handled(scan.lockouts.get(&acc.to_lowercase()), b.start, to) {
            no_lockout
                .entry((sys.clone(), acc.clone()))
                .or_default()
                .push(b);
        }
        let alerted = handled(scan.alerts_by_account.get(&acc.to_lowercase()), b.start, to)
            || handled(scan.alerts_by_system.get(&sys.to_lowercase()), b.start, to);
        if !alerted {
            no_alert
                .entry((sys.clone(), acc.clone()))
                .or_default()
                .push(b);
        }
        if b.success.is_some() {
            succeeded.entry((sys, acc)).or_default().push(b);
        }
    }
    let mut findings = Vec::new();
    let burst_finding = |key: &(String, String), bursts: &[&Burst], what: (&str, &str)| {
        let (sys, acc) = key;
        let first = bursts[0];
        let total: u64 = bursts.iter().map(|b| b.count).sum();
        Finding::fail(
            Subject::account(format!("{acc}@{sys}")),
            text!(ja: "{sys} のアカウント {acc} で{minutes}分以内に{threshold}回以上のログオン失敗が{}回（計{total}回）ありましたが、{}が記録されていません（初回 {}、{}回連続）。", bursts.len(), what.0, local_time(first.start), first.count;
                  en: "{acc} on {sys} had {} of {threshold} or more failed logons within {minutes} minutes ({}), with no {} recorded (first at {}, {} in a row)", count(bursts.len() as u64, "burst", "bursts"), count(total, "failure", "failures"), what.1, local_time(first.start), first.count),
        )
        .because(SectionKind::AuthEvents, first.first.locator(&symbols))
        .because(SectionKind::AuthEvents, first.last.locator(&symbols))
    };
    // The pairs not listed one by one, counted in one finding: its text is
    // made from the number of pairs, of their systems and of their failures.
    let more = |n: usize| {
        count(
            n as u64,
            "more account/system pair",
            "more account/system pairs",
        )
    };
    let unlisted = |rest: &Pairs<'_>, text: &dyn Fn(usize, u64, u64) -> Text| {
        let first = rest.values().next()?[0];
        let systems = rest.keys().map(|(s, _)| s).collect::<BTreeSet<_>>().len() as u64;
        let failures: u64 = rest.values().flatten().map(|b| b.count).sum();
        Some(
            Finding::fail(Subject::organisation(), text(rest.len(), systems, failures))
                .because(SectionKind::AuthEvents, first.first.locator(&symbols))
                .because(SectionKind::AuthEvents, first.last.locator(&symbols)),
        )
    };
    for (pairs, (ja, en)) in [
        (
            no_lockout,
            ("アカウントのロックアウト", "lockout of the account"),
        ),
        (
            no_alert,
            ("セキュリティ担当者への通知", "alert to a security officer"),
        ),
    ] {
        let (shown, rest) = split_listed(pairs, listed);
        for (key, bursts) in &shown {
            findings.push(burst_finding(key, bursts, (ja, en)));
        }
        findings.extend(unlisted(&rest, &|n, systems, failures| {
            text!(
                ja: "ほかに{n}組のアカウントとシステム（{systems}システム）で{minutes}分以内に{threshold}回以上のログオン失敗（計{failures}回）がありましたが、{ja}が記録されていません。個別に挙げたのは失敗の多い{listed}組です（パラメータ max_pairs_listed）。";
                en: "{} on {} had {threshold} or more failed logons within {minutes} minutes ({}) with no {en} recorded; only the {listed} pairs with the most failures are listed one by one (parameter max_pairs_listed)", more(n), count(systems, "system", "systems"), count(failures, "failure", "failures")
            )
        }));
    }
    let (succeeded, rest) = split_listed(succeeded, listed);
    let after_success = unlisted(&rest, &|n, systems, _| {
        text!(
            ja: "ほかに{n}組のアカウントとシステム（{systems}システム）で、ログオン失敗の連続の直後にログオン成功があります。不正ログオンの可能性を確認してください。個別に挙げたのは失敗の多い{listed}組です（パラメータ max_pairs_listed）。";
            en: "{} on {} had a logon succeed right after a burst of failed logons (check whether they were intrusions); only the {listed} pairs with the most failures are listed one by one (parameter max_pairs_listed)", more(n), count(systems, "system", "systems")
        )
    });
    for ((sys, acc), bursts) in &succeeded {
        let b = bursts[0];
        let Some((origin, by)) = b.success else {
            continue;
        };
        let at = origin.locator(&symbols);
        let (n, start) = (b.count, local_time(b.start));
        let text = match by {
            SuccessBy::Account => text!(
                ja: "{sys} のアカウント {acc} へのログオン失敗の連続（{n}回、{start}）の直後に、同じアカウントのログオン成功があります。不正ログオンの可能性を確認してください。";
                en: "a logon succeeded for {acc} right after a burst of {n} failed logons for it on {sys} ({start}); check whether it was an intrusion"
            ),
            SuccessBy::Source { source, account } => {
                let (src, other) = (symbols.name(source), symbols.name(account));
                text!(
                    ja: "{sys} のアカウント {acc} へのログオン失敗の連続（{n}回、{start}）の直後に、同じ接続元 {src} からアカウント {other} のログオン成功があります。不正ログオンの可能性を確認してください。";
                    en: "right after a burst of {n} failed logons for {acc} on {sys} ({start}), a logon succeeded for {other} from the same source {src}; check whether it was an intrusion"
                )
            }
        };
        findings.push(
            Finding::fail(Subject::account(format!("{acc}@{sys}")), text)
                .because(SectionKind::AuthEvents, b.last.locator(&symbols))
                .because(SectionKind::AuthEvents, at),
        );
    }
    findings.extend(after_success);
    // Password sprays without an alert: one finding per source.
    let mut sprays: BTreeMap<String, Vec<&Spray>> = BTreeMap::new();
    for sp in &scan.sprays {
        let src = name(sp.source);
        if !handled(
            scan.alerts_by_source.get(&src.to_lowercase()),
            sp.start,
            sp.end + window,
        ) {
            sprays.entry(src).or_default().push(sp);
        }
    }
    for (src, list) in &sprays {
        let first = list[0];
        let most = list.iter().map(|s| s.accounts).max().unwrap_or(0);
        findings.push(
            Finding::fail(
                Subject::new("source", src),
                text!(ja: "接続元 {src} が{minutes}分以内に{most}個のアカウントへのログオンに失敗しました（パスワードスプレー、初回 {}）が、通知が記録されていません。", local_time(first.start);
                      en: "source {src} failed to log on to {most} accounts within {minutes} minutes (a password spray, first at {}) with no alert recorded", local_time(first.start)),
            )
            .because(SectionKind::AuthEvents, first.first.locator(&symbols))
            .because(SectionKind::AuthEvents, first.last.locator(&symbols)),
        );
    }

    // Coverage: every system of the inventory must appear in the log.
    match &inventory {
        Some(inv) if !inv.systems.is_empty() => {
            let hosts = Hosts::new(inv);
            let mut covered: HashMap<&str, u64> = HashMap::new();
            let logged = (0u32..)
                .zip(&scan.per_system)
                .filter(|(_, n)| **n > 0)
                .map(|(sym, n)| (Symbol(sym), n));
            for (sym, n) in logged {
                if let Some(system) = hosts.find(symbols.name(sym)).and_then(|a| a.system.as_deref()) {
                    *covered.entry(system).or_default() += n;
                }
            }
            for system in &inv.systems {
                let id = &system.id;
                let subject = Subject::system(id);
                let f = match covered.get(id.as_str()) {
                    Some(n) => Finding::pass(
                        subject,
                        text!(ja: "{id}: 認証ログ{n}件を確認しました。"; en: "{id}: {n} authentication events checked"),
                    ),
                    None => Finding::insufficient(
                        subject,
                        text!(ja: "{id} の認証ログがありません。ログオン失敗への対処を確認できません。";
                              en: "{id}: no authentication events cover this system, so its handling of failed logons cannot be checked"),
                    ),
                };
                findings.push(f.because(SectionKind::Inventory, format!("systems[id={id}]")));
            }
        }
        _ => findings.push(
            Finding::pass(
                Subject::organisation(),
                text!(ja: "認証ログ{}件を確認しました。", scan.events; en: "{} authentication events checked", scan.events),
            )
            .because(SectionKind::AuthEvents, "(all files)"),
        ),
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};

    fn ev(sec: i64, kind: AuthKind, system: &str, account: &str, source: &str) -> AuthEvent {
        AuthEvent {
            time: jiff::Timestamp::from_second(1_775_000_000 + sec).unwrap(),
            kind,
            system: system.into(),
            account: account.into(),
            domain: None,
            source: Some(source.into()),
            logon_type: Some(2),
            status: None,
            sub_status: None,
            method: None,
            actor: None,
            group: None,
            event_id: None,
            record_id: None,
        }
    }

    /// A burst's lockout and alert, so that a test sees only what it is about.
    fn handled(at: i64) -> Vec<AuthEvent> {
        vec![
            ev(at, AuthKind::Lockout, "DC01", "op1", "-"),
            ev(at, AuthKind::Alert, "hmi-01", "op1", "-"),
        ]
    }

    fn failures(n: i64, gap: i64) -> Vec<AuthEvent> {
        (0..n)
            .map(|i| ev(i * gap, AuthKind::LogonFailure, "hmi-01", "op1", "10.0.0.9"))
            .collect()
    }

    fn run(events: Vec<AuthEvent>, params: &[(&str, ParamValue)]) -> Vec<Finding> {
        evaluate(
            &RULE,
            &Evidence::new().with_auth_events(&events),
            date(2026, 11, 27),
            params,
        )
        .unwrap()
    }

    fn fails(f: &[Finding]) -> usize {
        f.iter().filter(|f| f.status == Status::Fail).count()
    }

    #[test]
    fn pairs_left_stale_are_dropped_without_changing_what_is_found() {
        // Ten thousand accounts failing once each, a minute apart, are more
        // pairs than are kept between looks for stale ones; meanwhile op1
        // fails every two minutes throughout: one burst that goes on across
        // every look, and nothing else.
        let mut events: Vec<AuthEvent> = (0..10_000)
            .map(|i| {
                ev(
                    i * 60 + 30,
                    AuthKind::LogonFailure,
                    "hmi-01",
                    &format!("u{i}"),
                    "10.0.0.7",
                )
            })
            .collect();
        events.extend(
            (0..=5_000).map(|i| ev(i * 120, AuthKind::LogonFailure, "hmi-01", "op1", "10.0.0.9")),
        );
        events.sort_by_key(|e| e.time);
        let f = run(events, &[("spray_accounts", ParamValue::Integer(100))]);
        let failed: Vec<&Finding> = f.iter().filter(|f| f.status == Status::Fail).collect();
        assert_eq!(failed.len(), 2, "{failed:?}");
        for f in failed {
            assert_eq!(f.subject.id, "op1@hmi-01");
            assert!(
                f.message
                    .en
                    .contains("had 1 burst of 5 or more failed logons")
                    && f.message.en.contains("(5001 failures)"),
                "{}",
                f.message.en
            );
        }
    }

    #[test]
    fn past_max_pairs_listed_the_pairs_with_fewest_failures_are_counted_not_listed() {
        // Three accounts with a burst each, of 7, 5 and 6 failures; two are
        // listed: op1 and op3, the most failures. The third is counted, for
        // the missing lockout and for the missing alert.
        let mut events = Vec::new();
        for (acc, n) in [("op1", 7), ("op2", 5), ("op3", 6)] {
            events.extend(
                (0..n).map(|i| ev(i * 30, AuthKind::LogonFailure, "hmi-01", acc, "10.0.0.9")),
            );
        }
        events.sort_by_key(|e| e.time);
        let f = run(events, &[("max_pairs_listed", ParamValue::Integer(2))]);
        let failed: Vec<&Finding> = f.iter().filter(|f| f.status == Status::Fail).collect();
        let subjects: Vec<&str> = failed.iter().map(|f| f.subject.id.as_str()).collect();
        assert_eq!(
            subjects,
            [
                "op1@hmi-01",
                "op3@hmi-01",
                "utility",
                "op1@hmi-01",
                "op3@hmi-01",
                "utility"
            ],
            "{failed:?}"
        );
        let counted = failed[2];
        assert!(
            counted.message.en.starts_with(
                "1 more account/system pair on 1 system had 5 or more failed logons within 10 minutes (5 failures) with no lockout of the account recorded; only the 2 pairs"
            ),
            "{}",
            counted.message.en
        );
        assert!(
            counted.message.ja.starts_with("ほかに1組のアカウントとシステム（1システム）で10分以内に5回以上のログオン失敗（計5回）"),
            "{}",
            counted.message.ja
        );
        assert!(
            failed[5]
                .message
                .en
                .contains("with no alert to a security officer recorded")
        );
        // The default lists them all.
        assert_eq!(
            fails(&run(
                {
                    let mut e = Vec::new();
                    for acc in ["op1", "op2", "op3"] {
                        e.extend((0..5).map(|i| {
                            ev(i * 30, AuthKind::LogonFailure, "hmi-01", acc, "10.0.0.9")
                        }));
                    }
                    e.sort_by_key(|e| e.time);
                    e
                },
                &[],
            )),
            6
        );
    }

    #[test]
    fn a_burst_without_lockout_or_alert_fails_twice() {
        let f = run(failures(5, 60), &[]);
        assert_eq!(fails(&f), 2, "{f:?}");
        assert!(
            f[0].message
                .en
                .contains("no lockout of the account recorded"),
            "{}",
            f[0].message.en
        );
        assert!(
            f[0].message.en.contains("5 in a row"),
            "{}",
            f[0].message.en
        );
        assert!(
            f[1].message
                .en
                .contains("no alert to a security officer recorded"),
            "{}",
            f[1].message.en
        );
        assert!(f[1].message.ja.contains("セキュリティ担当者への通知"));
        assert_eq!(f[0].refs[0].locator, "auth-events.jsonl:1");
    }

    #[test]
    fn the_guideline_asks_for_both_a_lockout_and_an_alert() {
        let mut e = failures(6, 30);
        e.push(ev(200, AuthKind::Lockout, "DC01", "OP1", "-"));
        let f = run(e, &[]);
        assert_eq!(fails(&f), 1, "{f:?}");
        assert!(f[0].message.en.contains("no alert"));
        let mut e = failures(6, 30);
        e.push(ev(400, AuthKind::Alert, "hmi-01", "", "-"));
        let f = run(e, &[]);
        assert_eq!(fails(&f), 1);
        assert!(f[0].message.en.contains("no lockout"));
        let mut e = failures(6, 30);
        e.extend(handled(200));
        assert_eq!(fails(&run(e, &[])), 0);
    }

    #[test]
    fn a_password_spray_without_an_alert_fails() {
        // One source, twelve accounts, one failure each, 50 s apart.
        let spray: Vec<AuthEvent> = (0..12)
            .map(|i| {
                ev(
                    i * 50,
                    AuthKind::LogonFailure,
                    "dc01",
                    &format!("user{i}"),
                    "203.0.113.7",
                )
            })
            .collect();
        let f = run(spray.clone(), &[]);
        assert_eq!(fails(&f), 1, "{f:?}");
        assert!(f[0].message.en.contains("source 203.0.113.7 failed to log on to 12 accounts within 10 minutes (a password spray"), "{}", f[0].message.en);
        assert_eq!(f[0].subject.kind, "source");
        // Nine accounts are below the default of ten; the parameter tailors it.
        assert_eq!(fails(&run(spray[..9].to_vec(), &[])), 0);
        assert_eq!(
            fails(&run(
                spray[..9].to_vec(),
                &[("spray_accounts", ParamValue::Integer(9))]
            )),
            1
        );
        // An alert naming the source handles it.
        let mut alerted = spray;
        alerted.push(ev(700, AuthKind::Alert, "siem", "", "203.0.113.7"));
        assert_eq!(fails(&run(alerted, &[])), 0);
    }

    #[test]
    fn the_threshold_is_a_boundary() {
        assert_eq!(fails(&run(failures(4, 60), &[])), 0);
        assert_eq!(fails(&run(failures(5, 60), &[])), 2);
        assert_eq!(
            fails(&run(
                failures(5, 60),
                &[("lockout_threshold", ParamValue::Integer(6))]
            )),
            0
        );
    }

    #[test]
    fn the_window_is_a_boundary() {
        // Five failures 150 s apart span exactly 600 s: inside a 10-minute window.
        assert_eq!(fails(&run(failures(5, 150), &[])), 2);
        // 151 s apart they span 604 s: never five within 10 minutes.
        assert_eq!(fails(&run(failures(5, 151), &[])), 0);
        assert_eq!(
            fails(&run(
                failures(5, 151),
                &[("lockout_window_minutes", ParamValue::Integer(11))]
            )),
            2
        );
    }

    #[test]
    fn a_success_right_after_a_burst_is_flagged() {
        let mut e = failures(5, 10);
        e.push(ev(
            60,
            AuthKind::LogonSuccess,
            "hmi-02",
            "other",
            "10.0.0.9",
        ));
        e.extend(handled(61));
        let f = run(e, &[]);
        assert_eq!(fails(&f), 1, "{f:?}");
        // It says which: another account from the burst's source.
        assert!(
            f[0].message
                .en
                .contains("a logon succeeded for other from the same source 10.0.0.9"),
            "{}",
            f[0].message.en
        );
    }

    #[test]
    fn a_long_attack_is_one_burst_per_account() {
        let f = run(failures(500, 5), &[]);
        assert_eq!(fails(&f), 2);
        assert!(
            f[0].message.en.contains("had 1 burst of")
                && f[0].message.en.contains("(500 failures)"),
            "{}",
            f[0].message.en
        );
    }

    #[test]
    fn systems_without_events_are_insufficient_evidence() {
        let inv = Inventory {
            systems: vec![
                mlit_common::build::system("SCADA", true),
                mlit_common::build::system("BILL", false),
            ],
            assets: vec![{
                let mut a = mlit_common::build::asset("HMI-01");
                a.system = Some("SCADA".into());
                a
            }],
            ..Default::default()
        };
        let ev = Evidence::new()
            .with(&inv)
            .with_auth_events(&failures(2, 60));
        let f = evaluate(&RULE, &ev, date(2026, 11, 27), &[]).unwrap();
        let by: Vec<(String, Status)> =
            f.iter().map(|f| (f.subject.id.clone(), f.status)).collect();
        assert_eq!(
            by,
            [
                ("SCADA".into(), Status::Pass),
                ("BILL".into(), Status::InsufficientEvidence)
            ]
        );
        let none = evaluate(&RULE, &Evidence::new().with(&inv), date(2026, 11, 27), &[]).unwrap();
        assert_eq!(none[0].status, Status::InsufficientEvidence);
    }
}
