//! Logic shared by the modules of the official MLIT water rule pack.
//!
//! Each rule module of the pack is a separate component so that the regulator
//! can ship a fix to one area without touching the others. What more than one
//! module must decide the same way lives here, once: which assets the
//! ordinance covers ([`scope`]) and whether a network is truly closed
//! ([`closure`]), which NET-01 reports and ORD-02/03 rely on for their
//! alternative measure.

pub mod closure;
pub mod hosts;
pub mod scope;

#[cfg(feature = "test-support")]
pub mod build;

use mizuchi_sdk::prelude::*;

/// Whole days from `from` to `to` (negative if `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    // A span between two civil dates has days as its largest unit; it cannot
    // overflow for dates jiff can hold.
    from.until(to).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// `1 burst`, `5 bursts`: a count with its noun in English.
pub fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `once`, `5 times`.
pub fn times(n: u64) -> String {
    if n == 1 {
        "once".into()
    } else {
        format!("{n} times")
    }
}

/// A finding for the whole utility when a section the rule cannot do without is missing.
pub fn missing_section(section: SectionKind) -> Finding {
    let title = section.title();
    Finding::insufficient(
        Subject::organisation(),
        text!(ja: "証跡に「{}」がありません。判定できません。", title.ja;
              en: "the evidence holds no {}; the rule cannot decide", title.en),
    )
    .because(section, "(absent)")
}
