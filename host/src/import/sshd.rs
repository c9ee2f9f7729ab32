//! OpenSSH authentication logs (`/var/log/auth.log`, `/var/log/secure`, or
//! journal output), with syslog or RFC 3339 timestamps.
//!
//! Kept: accepted logons; failed attempts of any method (`Failed password`,
//! `Failed publickey`, `Failed none`), `Invalid user` probes, each counted
//! once; PAM faillock lockouts. `message repeated N times: [ … ]` stands for
//! N lines and is read as N. Every other line is counted by program and
//! reported as not used. A syslog timestamp has no year and no offset: the
//! year comes from the caller, or else from the bundle's collection date (a
//! line dated after it belongs to the year before), and the report says
//! which year it assumed; the offset comes from the caller.

use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use mizuchi_evidence::{AuthEvent, AuthKind, Text, Timestamp};

use super::{LogRead, RowProblem};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// How to date syslog lines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dating {
    /// The year, if given; otherwise inferred from `collected_on`.
    pub year: Option<i16>,
    pub collected_on: Date,
    pub offset: Offset,
}

/// Splits `TIMESTAMP HOST PROGRAM[PID]: MESSAGE`; returns (time, host, program, message).
fn split_line<'a>(
    line: &'a str,
    dating: &Dating,
) -> Result<(Timestamp, &'a str, &'a str, &'a str), String> {
    let bad = || {
        "not a syslog line (expected `Nov 27 03:12:45 host sshd[123]: …` or an RFC 3339 timestamp)"
            .to_owned()
    };
    let (time, rest) = if line.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        let (ts, rest) = line.split_once(' ').ok_or_else(bad)?;
        // RFC 3339, also with an offset written without a colon (+0900).
        // Only ASCII is looked at or cut: a sign and four digits at the end.
        let b = ts.as_bytes();
        let fixed = if b.len() > 5
            && matches!(b[b.len() - 5], b'+' | b'-')
            && b[b.len() - 4..].iter().all(u8::is_ascii_digit)
        {
            format!("{}:{}", &ts[..ts.len() - 2], &ts[ts.len() - 2..])
        } else {
            ts.to_owned()
        };
        let t: Timestamp = fixed
            .parse()
            .map_err(|e| format!("`{ts}` is not an RFC 3339 time: {e}"))?;
        (t, rest)
    } else {
        let mon = line.get(..3).ok_or_else(bad)?;
        let month = MONTHS.iter().position(|m| *m == mon).ok_or_else(bad)? as i8 + 1;
        let rest = line[3..].trim_start();
        let (day, rest) = rest.split_once(' ').ok_or_else(bad)?;
        let (clock, rest) = rest.trim_start().split_once(' ').ok_or_else(bad)?;
        let day: i8 = day.parse().map_err(|_| bad())?;
        let hms: Vec<i8> = clock.split(':').filter_map(|p| p.parse().ok()).collect();
        let [h, mi, s] = hms[..] else {
            return Err(bad());
        };
        let mut year = dating.year.unwrap_or(dating.collected_on.year());
        let mut date = Date::new(year, month, day).map_err(|_| bad())?;
        if dating.year.is_none()
            && date
                > dating
                    .collected_on
                    .saturating_add(jiff::Span::new().days(1))
        {
            year -= 1;
            date = Date::new(year, month, day).map_err(|_| bad())?;
        }
        let dt = DateTime::from_parts(
            date,
            jiff::civil::Time::new(h, mi, s, 0).map_err(|_| bad())?,
        );
        (dating.offset.to_timestamp(dt).map_err(|_| bad())?, rest)
    };
    let (host, rest) = rest.trim_start().split_once(' ').ok_or_else(bad)?;
    let (program, message) = rest.split_once(": ").ok_or_else(bad)?;
    Ok((time, host, program, message))
}

/// The word after `key` in `s`.
fn after<'a>(s: &'a str, key: &str) -> Option<&'a str> {
    s.split_once(key)
        .and_then(|(_, r)| r.split_whitespace().next())
}

/// An sshd log read: its events, and how it was dated.
#[derive(Debug, Default)]
pub(crate) struct SshdRead {
    pub log: LogRead<AuthEvent>,
    /// The year the importer inferred for year-less lines (no year given).
    pub year_assumed: Option<i16>,
    /// Some line had a syslog timestamp (no offset of its own).
    pub syslog: bool,
}

/// Reads the authentication events of an sshd log.
pub(crate) fn read(
    text: &str,
    input: &str,
    dating: &Dating,
    problems: &mut Vec<RowProblem>,
) -> SshdRead {
    let mut out = SshdRead::default();
    let mut years = std::collections::BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let (time, host, program, msg) = match split_line(line, dating) {
            Ok(p) => p,
            Err(e) => {
                problems.push(RowProblem {
                    input: input.to_owned(),
                    line: n,
                    column: None,
                    message: Text::new(
                        "syslog の行ではありません (`Nov 27 03:12:45 host sshd[123]: …` か RFC 3339 の時刻で始まる行)",
                        e,
                    ),
                });
                continue;
            }
        };
        let year_less = !line.as_bytes().first().is_some_and(u8::is_ascii_digit);
        if year_less {
            out.syslog = true;
            if dating.year.is_none() {
                let local = dating.offset.to_datetime(time);
                years.insert(local.year());
            }
        }
        // `message repeated 3 times: [ Failed password for root from … ]`
        let (repeat, msg) = match msg
            .strip_prefix("message repeated ")
            .and_then(|r| r.split_once(" times: ["))
        {
            Some((count, inner)) => (
                count.trim().parse::<u64>().unwrap_or(1),
                inner.trim().trim_end_matches(']').trim(),
            ),
            None => (1, msg),
        };
        let is_sshd = program.starts_with("sshd");
        let event = |kind, account: &str, source: Option<&str>, method: Option<&str>| AuthEvent {
            time,
            kind,
            system: host.to_owned(),
            account: account.to_owned(),
            domain: None,
            source: source.map(str::to_owned),
            logon_type: None,
            status: None,
            sub_status: None,
            method: method.map(str::to_owned),
            actor: None,
            group: None,
            event_id: None,
            record_id: None,
        };
        let kept = if is_sshd && let Some(rest) = msg.strip_prefix("Accepted ") {
            // Accepted publickey for alice from 10.0.0.5 port 5555 ssh2
            let method = rest.split_whitespace().next();
            match (after(rest, " for "), after(rest, " from ")) {
                (Some(user), Some(src)) => {
                    Some(event(AuthKind::LogonSuccess, user, Some(src), method))
                }
                _ => None,
            }
        } else if is_sshd && let Some(rest) = msg.strip_prefix("Failed ") {
            // Failed password for [invalid user ]root from 203.0.113.5 port 51234 ssh2
            let method = rest.split_whitespace().next();
            let user = match rest.split_once(" for invalid user ") {
                Some((_, r)) => r.split_whitespace().next(),
                None => after(rest, " for "),
            };
            match (user, after(rest, " from ")) {
                (Some(user), Some(src)) => {
                    Some(event(AuthKind::LogonFailure, user, Some(src), method))
                }
                _ => None,
            }
        } else if is_sshd && let Some(rest) = msg.strip_prefix("Invalid user ") {
            // Invalid user admin from 203.0.113.5 port 4242: a probe for a
            // name that does not exist, which fails whatever comes next.
            let user = rest.split(" from ").next().map(str::trim).unwrap_or("");
            after(rest, " from ").map(|src| {
                event(
                    AuthKind::LogonFailure,
                    user,
                    Some(src),
                    Some("invalid-user"),
                )
            })
        } else if msg.contains("pam_faillock") && msg.contains("account temporarily locked") {
            // pam_faillock(sshd:auth): Consecutive login failures for user alice account temporarily locked
            after(msg, " for user ").map(|user| event(AuthKind::Lockout, user, None, None))
        } else {
            None
        };
        match kept {
            Some(e) => {
                for _ in 0..repeat {
                    out.log.records.push(e.clone());
                }
            }
            None => {
                let prog = program.split('[').next().unwrap_or(program).to_owned();
                for _ in 0..repeat {
                    out.log.skip(format!("program {prog}"), || {
                        Text::new(
                            format!("{prog} の行 (ログオン・ログオン失敗・ロックアウト以外): 規則が使いません"),
                            format!("lines of {prog} that record no logon, failure or lockout: no rule uses them"),
                        )
                    });
                }
            }
        }
    }
    // An "Invalid user" probe is followed by a "Failed … for invalid user"
    // line for the same attempt when the client goes on to authenticate:
    // count the attempt once.
    dedupe_invalid_users(&mut out.log);
    if let Some(first) = years.iter().next() {
        out.year_assumed = Some(*first);
        let list: Vec<String> = years.iter().map(i16::to_string).collect();
        out.log.assumed.push(Text::new(
            format!(
                "年のない syslog の時刻を、証拠の収集日 {} から {} 年として読みました (違う場合は年を指定してください)",
                dating.collected_on,
                list.join("・")
            ),
            format!(
                "syslog times have no year: read as {} from the bundle's collection date {} (give the year if that is wrong)",
                list.join(" and "),
                dating.collected_on
            ),
        ));
    }
    out
}

/// Drops an `Invalid user` probe when the same source's next failure for
/// the same name within a minute is its `Failed … for invalid user` line.
fn dedupe_invalid_users(log: &mut LogRead<AuthEvent>) {
    let records = std::mem::take(&mut log.records);
    let mut kept: Vec<AuthEvent> = Vec::with_capacity(records.len());
    for (i, e) in records.iter().enumerate() {
        if e.method.as_deref() == Some("invalid-user") {
            let followed = records[i + 1..]
                .iter()
                .take_while(|n| n.time.as_second() - e.time.as_second() <= 60)
                .any(|n| {
                    n.kind == AuthKind::LogonFailure
                        && n.method.as_deref() != Some("invalid-user")
                        && n.account == e.account
                        && n.source == e.source
                        && n.system == e.system
                });
            if followed {
                continue;
            }
        }
        kept.push(e.clone());
    }
    log.records = kept;
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn dating() -> Dating {
        Dating {
            year: None,
            collected_on: date(2026, 1, 10),
            offset: Offset::from_seconds(9 * 3600).unwrap(),
        }
    }

    #[test]
    fn syslog_and_rfc3339_lines() {
        let log = "\
Jan  5 09:00:01 plant-gw sshd[101]: Accepted publickey for alice from 10.0.0.5 port 5555 ssh2: ED25519 SHA256:abc
Dec 31 23:59:59 plant-gw sshd[102]: Failed password for invalid user admin from 203.0.113.5 port 51234 ssh2
2026-01-06T10:00:00.123456+09:00 plant-gw sshd[103]: Failed password for root from 203.0.113.5 port 51235 ssh2
2026-01-06T10:00:05+0900 plant-gw sshd[104]: pam_faillock(sshd:auth): Consecutive login failures for user root account temporarily locked
Jan  6 10:00:09 plant-gw CRON[1]: pam_unix(cron:session): session opened for user root
garbage
";
        let mut problems = Vec::new();
        let read = read(log, "auth.log", &dating(), &mut problems);
        let evs = &read.log.records;
        assert_eq!(evs.len(), 4);
        assert_eq!(evs[0].time.to_string(), "2026-01-05T00:00:01Z");
        assert_eq!(
            (
                evs[0].kind,
                evs[0].account.as_str(),
                evs[0].method.as_deref()
            ),
            (AuthKind::LogonSuccess, "alice", Some("publickey"))
        );
        // December belongs to the year before a January collection.
        assert_eq!(evs[1].time.to_string(), "2025-12-31T14:59:59Z");
        assert_eq!(
            (evs[1].account.as_str(), evs[1].source.as_deref()),
            ("admin", Some("203.0.113.5"))
        );
        assert_eq!(evs[2].time.to_string(), "2026-01-06T01:00:00.123456Z");
        assert_eq!(
            (evs[3].kind, evs[3].account.as_str()),
            (AuthKind::Lockout, "root")
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 6);
        // The year was inferred, and the report says which.
        assert_eq!(read.year_assumed, Some(2025));
        assert!(
            read.log.assumed[0].en.contains("2025 and 2026"),
            "{:?}",
            read.log.assumed
        );
        // The cron line is counted, not dropped in silence.
        let (n, what) = &read.log.skipped["program CRON"];
        assert_eq!(*n, 1);
        assert!(what.en.contains("CRON"));
    }

    #[test]
    fn repeated_messages_invalid_users_and_failed_none_are_all_failures() {
        let log = "\
Jan  5 09:00:01 gw sshd[1]: message repeated 3 times: [ Failed password for root from 203.0.113.9 port 4000 ssh2]
Jan  5 09:00:02 gw sshd[2]: Invalid user oracle from 203.0.113.9 port 4001
Jan  5 09:00:03 gw sshd[2]: Failed none for invalid user oracle from 203.0.113.9 port 4001 ssh2
Jan  5 09:00:04 gw sshd[3]: Invalid user test from 203.0.113.9 port 4002
";
        let mut problems = Vec::new();
        let read = read(log, "auth.log", &dating(), &mut problems);
        assert!(problems.is_empty());
        let failures: Vec<(&str, Option<&str>)> = read
            .log
            .records
            .iter()
            .map(|e| (e.account.as_str(), e.method.as_deref()))
            .collect();
        assert_eq!(
            failures,
            [
                ("root", Some("password")),
                ("root", Some("password")),
                ("root", Some("password")),
                ("oracle", Some("none")),
                ("test", Some("invalid-user")),
            ]
        );
        assert!(
            read.log
                .records
                .iter()
                .all(|e| e.kind == AuthKind::LogonFailure)
        );
    }

    #[test]
    fn a_given_year_is_used_and_nothing_is_assumed() {
        let mut d = dating();
        d.year = Some(2024);
        let read = read(
            "Dec 31 23:59:59 gw sshd[1]: Failed password for a from 10.0.0.1 port 1 ssh2\n",
            "l",
            &d,
            &mut Vec::new(),
        );
        assert_eq!(read.log.records[0].time.to_string(), "2024-12-31T14:59:59Z");
        assert!(read.log.assumed.is_empty());
        assert_eq!(read.year_assumed, None);
    }

    #[test]
    fn a_timestamp_ending_in_a_multibyte_character_is_a_problem_not_a_panic() {
        // Found by `cargo xtask fuzz` (target sshd): the offset fix-up cut a
        // string inside a character.
        let mut problems = Vec::new();
        let r = read(
            "2026-\u{ff85}5 host sshd[1]: x\n",
            "l",
            &dating(),
            &mut problems,
        );
        assert!(r.log.records.is_empty());
        assert_eq!(problems.len(), 1);
        let r = read(
            "2026-01-06T10:00:00+0900 h sshd[1]: Accepted password for a from 10.0.0.1 port 1 ssh2\n",
            "l",
            &dating(),
            &mut problems,
        );
        assert_eq!(r.log.records[0].time.to_string(), "2026-01-06T01:00:00Z");
    }
}
