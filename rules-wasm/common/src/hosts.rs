//! Which inventoried asset a host name or address in a log refers to.
//!
//! Logs name hosts loosely: `HMI-01`, `hmi-01.plant.local`, `10.10.1.21`.
//! Names are compared without case and without a domain suffix; addresses as
//! written.

use std::collections::HashMap;

use mizuchi_sdk::prelude::*;

pub use mizuchi_sdk::prelude::host_key;

/// The text is an IPv4 or IPv6 address.
pub fn is_ip(s: &str) -> bool {
    s.parse::<std::net::IpAddr>().is_ok()
}

/// The text is an address of a private, loopback or link-local network.
pub fn is_internal_ip(s: &str) -> bool {
    match s.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
        Ok(std::net::IpAddr::V6(v6)) => {
            v6.is_loopback()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

/// The assets of an inventory by every name and address they go by.
#[derive(Debug, Default)]
pub struct Hosts<'a> {
    by_key: HashMap<String, &'a Asset>,
}

impl<'a> Hosts<'a> {
    pub fn new(inventory: &'a Inventory) -> Self {
        let mut by_key = HashMap::new();
        for a in &inventory.assets {
            for name in a.names() {
                by_key.entry(host_key(name)).or_insert(a);
            }
        }
        Hosts { by_key }
    }

    /// The asset a host name or address refers to.
    pub fn find(&self, name: &str) -> Option<&'a Asset> {
        self.by_key.get(&host_key(name)).copied()
    }
}

/// The UTC offset of the utilities' local time (Japan Standard Time), used to
/// turn event instants into the calendar dates that evidence records use.
pub const LOCAL_OFFSET_SECONDS: i64 = 9 * 3600;

/// The local calendar date of an instant given in seconds since the epoch
/// (`Date::MIN` outside the years -9999..=9999).
///
/// Log rules call this for every event, so it is plain integer arithmetic
/// (the days-to-civil algorithm of H. Hinnant) rather than a time-zone
/// conversion.
pub fn local_date(seconds: i64) -> Date {
    let days = seconds
        .saturating_add(LOCAL_OFFSET_SECONDS)
        .div_euclid(86_400);
    // Shift the epoch to 0000-03-01, so that a leap day ends each 4-year cycle.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    match (i16::try_from(year), i8::try_from(month), i8::try_from(day)) {
        (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).unwrap_or(Date::MIN),
        _ => Date::MIN,
    }
}

/// [`local_date`] for a stream of instants, recomputed only when an instant
/// falls outside the day of the one before: logs come in time order, so a
/// log rule pays for the calendar arithmetic once a day, not once an event.
#[derive(Debug, Default, Clone)]
pub struct LocalDays {
    /// The last day number (local midnight, in days since the epoch) and its
    /// date.
    last: Option<(i64, Date)>,
}

impl LocalDays {
    /// A cache that knows no day yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The local calendar date of `seconds`, as [`local_date`] gives it.
    pub fn date(&mut self, seconds: i64) -> Date {
        let day = seconds
            .saturating_add(LOCAL_OFFSET_SECONDS)
            .div_euclid(86_400);
        match self.last {
            Some((d, date)) if d == day => date,
            _ => {
                let date = local_date(seconds);
                self.last = Some((day, date));
                date
            }
        }
    }
}

/// An instant as local date and time, for messages (`2026-04-01 09:00 JST`).
pub fn local_time(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds + LOCAL_OFFSET_SECONDS)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::UTC)
                .strftime("%Y-%m-%d %H:%M JST")
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build;

    #[test]
    fn hosts_match_without_case_or_domain() {
        let mut inv = Inventory::default();
        let mut a = build::asset("HMI-01");
        a.addresses = vec!["10.10.1.21".into()];
        inv.assets.push(a);
        let h = Hosts::new(&inv);
        assert!(h.find("hmi-01.plant.local").is_some());
        assert!(h.find("HMI-01").is_some());
        assert!(h.find("10.10.1.21").is_some());
        assert!(h.find("10.10.1.22").is_none());
        assert!(
            is_internal_ip("192.168.1.5")
                && !is_internal_ip("203.0.113.5")
                && !is_internal_ip("host")
        );
    }

    #[test]
    fn local_dates_are_japan_time() {
        // 2026-03-31T15:30Z is 2026-04-01 00:30 in Japan.
        let t = jiff::Timestamp::from_second(1_774_971_000).unwrap();
        assert_eq!(t.to_string(), "2026-03-31T15:30:00Z");
        assert_eq!(local_date(t.as_second()), jiff::civil::date(2026, 4, 1));
        assert_eq!(local_time(t.as_second()), "2026-04-01 00:30 JST");
    }

    #[test]
    fn the_day_cache_gives_what_local_date_gives_in_any_order() {
        let mut days = LocalDays::new();
        // Around local midnight, the same day again, back in time, and far.
        let midnight = jiff::Timestamp::from_second(1_774_969_200).unwrap(); // 2026-04-01 00:00 JST
        let m = midnight.as_second();
        for t in [
            m - 1,
            m,
            m + 1,
            m + 86_399,
            m + 86_400,
            m - 1,
            m - 86_400 * 400,
            i64::MIN,
            i64::MAX,
            m,
        ] {
            assert_eq!(days.date(t), local_date(t), "{t}");
        }
    }

    #[test]
    fn local_dates_agree_with_a_time_zone_conversion() {
        let slow = |seconds: i64| {
            jiff::Timestamp::from_second(seconds + LOCAL_OFFSET_SECONDS)
                .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
                .unwrap_or(Date::MIN)
        };
        // Every 9 hours 17 minutes over 1960..2100, the edges of days, and
        // the ends of the range.
        let mut t = -315_619_200;
        while t < 4_102_444_800 {
            assert_eq!(local_date(t), slow(t), "{t}");
            t += 33_420;
        }
        for t in [
            -32_400,
            -32_401,
            0,
            86_399 - 32_400,
            951_782_400,
            4_107_542_400,
        ] {
            assert_eq!(local_date(t), slow(t), "{t}");
        }
        assert_eq!(local_date(i64::MAX), Date::MIN);
        assert_eq!(local_date(-400_000_000_000), Date::MIN);
    }
}
