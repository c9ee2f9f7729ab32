//! OpenSSH authentication logs (`/var/log/auth.log`, `/var/log/secure`, or
//! journal output), with syslog or RFC 3339 timestamps.
//!
//! Kept: accepted logons, failed password or key attempts (including for
//! invalid users), and PAM faillock lockouts. A syslog timestamp has no year
//! and no offset: the year comes from the caller (a flag or the bundle's
//! collection date; a line dated after the collection date belongs to the
//! year before) and the offset from the caller too.

use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use mizuchi_evidence::{AuthEvent, AuthKind, Timestamp};

use super::RowProblem;

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

/// Reads the authentication events of an sshd log.
pub(crate) fn read(text: &str, dating: &Dating, problems: &mut Vec<RowProblem>) -> Vec<AuthEvent> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let (time, host, program, msg) = match split_line(line, dating) {
            Ok(p) => p,
            Err(e) => {
                problems.push(RowProblem::new(n, None, e));
                continue;
            }
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
            event_id: None,
            record_id: None,
        };
        if is_sshd && let Some(rest) = msg.strip_prefix("Accepted ") {
            // Accepted publickey for alice from 10.0.0.5 port 5555 ssh2
            let method = rest.split_whitespace().next();
            if let (Some(user), Some(src)) = (after(rest, " for "), after(rest, " from ")) {
                out.push(event(AuthKind::LogonSuccess, user, Some(src), method));
            }
        } else if is_sshd && let Some(rest) = msg.strip_prefix("Failed ") {
            // Failed password for [invalid user ]root from 203.0.113.5 port 51234 ssh2
            let method = rest.split_whitespace().next();
            if method == Some("none") {
                continue;
            }
            let user = match rest.split_once(" for invalid user ") {
                Some((_, r)) => r.split_whitespace().next(),
                None => after(rest, " for "),
            };
            if let (Some(user), Some(src)) = (user, after(rest, " from ")) {
                out.push(event(AuthKind::LogonFailure, user, Some(src), method));
            }
        } else if msg.contains("pam_faillock") && msg.contains("account temporarily locked") {
            // pam_faillock(sshd:auth): Consecutive login failures for user alice account temporarily locked
            if let Some(user) = after(msg, " for user ") {
                out.push(event(AuthKind::Lockout, user, None, None));
            }
        }
    }
    out
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
        let evs = read(log, &dating(), &mut problems);
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
    }

    #[test]
    fn a_timestamp_ending_in_a_multibyte_character_is_a_problem_not_a_panic() {
        // Found by `cargo xtask fuzz` (target sshd): the offset fix-up cut a
        // string inside a character.
        let mut problems = Vec::new();
        let evs = read("2026-\u{ff85}5 host sshd[1]: x\n", &dating(), &mut problems);
        assert!(evs.is_empty());
        assert_eq!(problems.len(), 1);
        let evs = read(
            "2026-01-06T10:00:00+0900 h sshd[1]: Accepted password for a from 10.0.0.1 port 1 ssh2\n",
            &dating(),
            &mut problems,
        );
        assert_eq!(evs[0].time.to_string(), "2026-01-06T01:00:00Z");
    }
}
