//! The physical-security module of the official MLIT water rule pack
//! (guideline 5.3.1).
//!
//! MLIT-PHY-01: every granted entry to a controlled area is by a known person
//! authorised for that area on that day who had not left, or by a visitor
//! with a recorded escort; and no authorisation stays active more than
//! `departure_grace_days` after its holder left, or transferred away from
//! the department whose work needs the area (「異動、退職により入室が不要と
//! なった者の登録削除」). Areas that do not record whether they are
//! controlled are listed as insufficient evidence.
//!
//! Door logs are streamed; findings are grouped by person (or card) and
//! reason, so memory grows with the distinct offenders, not the entries.

use std::collections::BTreeMap;

use mizuchi_sdk::evidence::stream::Origin;
use mizuchi_sdk::prelude::*;
use mlit_common::hosts::{LocalDays, local_time};
use mlit_common::{days_between, missing_section, times};

pub const PHY_01: Rule = Rule {
    id: "MLIT-PHY-01",
    version: "2.0.1",
    title: StaticText {
        ja: "管理区域への入室の記録と許可",
        en: "Entries to controlled areas are recorded and authorised",
    },
    section: "5.3.1",
    force: Force::Recommended,
    needs: &[
        Need::v2(SectionKind::DoorEvents),
        Need::v2(SectionKind::Sites),
        Need::v2(SectionKind::AreaAccess),
        Need::v2(SectionKind::People),
    ],
    params: &[ParamSpec {
        key: "departure_grace_days",
        default: ParamDefault::Integer(0),
        description: StaticText {
            ja: "退職・異動日から入室許可の取消しまでの猶予日数",
            en: "Days after leaving or moving within which an area authorisation must be revoked",
        },
    }],
    eval: evaluate,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Reason {
    UnknownPerson,
    /// Authorised for the area, but not on that day.
    NotAuthorised,
    /// Never authorised for the area.
    NeverAuthorised,
    HadLeft,
    NoEscort,
}

impl Reason {
    fn text(self, who: &str, area: &str) -> Text {
        match self {
            Reason::UnknownPerson => {
                text!(ja: "{who} は職員名簿・入室許可にない者として管理区域 {area} に入室しています";
                                           en: "{who}, known to neither the roster nor the authorisations, entered controlled area {area}")
            }
            Reason::NotAuthorised => {
                text!(ja: "{who} は許可のない日に管理区域 {area} に入室しています";
                                           en: "{who} entered controlled area {area} on days without an authorisation")
            }
            Reason::NeverAuthorised => {
                text!(ja: "{who} は入室許可を一度も受けていない管理区域 {area} に入室しています";
                      en: "{who}, never authorised for controlled area {area}, entered it")
            }
            Reason::HadLeft => text!(ja: "{who} は退職後に管理区域 {area} に入室しています";
                                     en: "{who} entered controlled area {area} after leaving"),
            Reason::NoEscort => {
                text!(ja: "来訪者 {who} が付添者の記録なしに管理区域 {area} に入室しています";
                                      en: "visitor {who} entered controlled area {area} with no escort recorded")
            }
        }
    }
}

struct Offence {
    count: u64,
    first_time: i64,
    first: Origin,
}

/// Who made a granted entry, decided once per name: a person of the roster
/// (their index) or someone unknown (the number findings give them in
/// [`Names`]), in four bytes, so that the table of names stays small.
#[derive(Debug, Clone, Copy)]
struct Who(std::num::NonZeroU32);

impl Who {
    /// Set on the unknown; a known person is their index plus one.
    const UNKNOWN: u32 = 1 << 31;

    fn known(person: u32) -> Who {
        // A roster cannot hold 2^31 people in a rule's memory.
        let n = person.saturating_add(1).min(Self::UNKNOWN - 1);
        Who(std::num::NonZeroU32::new(n).unwrap_or(std::num::NonZeroU32::MIN))
    }

    fn unknown(who: u32) -> Who {
        let n = who | Self::UNKNOWN;
        Who(std::num::NonZeroU32::new(n).unwrap_or(std::num::NonZeroU32::MIN))
    }

    /// The person's index, or the unknown's number.
    fn person(self) -> Result<u32, u32> {
        let n = self.0.get();
        if n & Self::UNKNOWN == 0 {
            Ok(n - 1)
        } else {
            Err(n & !Self::UNKNOWN)
        }
    }
}

/// A person's authorisation for a controlled area (its number): the dates
/// of [`AreaAuthorisation::is_valid_on`], copied out of the document.
#[derive(Debug, Clone, Copy)]
struct Held {
    area: u32,
    from: Date,
    until: Option<Date>,
    revoked_on: Option<Date>,
}

impl Held {
    fn of(area: u32, a: &AreaAuthorisation) -> Held {
        Held {
            area,
            from: a.from,
            until: a.until,
            revoked_on: a.revoked_on,
        }
    }

    /// As [`AreaAuthorisation::is_valid_on`].
    fn is_valid_on(&self, date: Date) -> bool {
        self.from <= date
            && self.until.is_none_or(|u| date <= u)
            && self.revoked_on.is_none_or(|r| date < r)
    }
}

/// A person of the roster, as an entry needs them: the day they left and
/// where their authorisations are in the list of all ([`Held`]).
#[derive(Debug, Clone)]
struct Holder {
    left: Option<Date>,
    held: std::ops::Range<u32>,
}

impl Holder {
    /// What is wrong with their entry to `area` on `day`, if anything.
    fn offence(&self, held: &[Held], area: u32, day: Date) -> Option<Reason> {
        if self.left.is_some_and(|l| l <= day) {
            return Some(Reason::HadLeft);
        }
        let mine = held.get(self.held.start as usize..self.held.end as usize)?;
        let mut for_area = mine.iter().filter(|h| h.area == area).peekable();
        if for_area.peek().is_none() {
            return Some(Reason::NeverAuthorised);
        }
        (!for_area.any(|h| h.is_valid_on(day))).then_some(Reason::NotAuthorised)
    }
}

/// Names of offenders, numbered in order of first appearance.
#[derive(Debug, Default)]
struct Names {
    index: FastMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.index.get(name) {
            return n;
        }
        let n = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), n);
        n
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("?", String::as_str)
    }
}

fn evaluate(ctx: &mut Ctx<'_>) -> Result<Vec<Finding>, RuleError> {
    let grace = ctx.int("departure_grace_days")?;
    let as_of = ctx.as_of();
    let Some(sites) = ctx.document::<Sites>()? else {
        return Ok(vec![missing_section(SectionKind::Sites)]);
    };
    let controlled: FastMap<&str, &Area> = sites
        .areas
        .iter()
        .filter(|a| a.controlled == Some(true))
        .map(|a| (a.id.as_str(), a))
        .collect();
    let unrecorded: Vec<&str> = sites
        .areas
        .iter()
        .filter(|a| a.controlled.is_none())
        .map(|a| a.id.as_str())
        .collect();
    let unrecorded_finding = (!unrecorded.is_empty()).then(|| {
        let list = unrecorded.join(", ");
        unrecorded.iter().fold(
            Finding::insufficient(
                Subject::organisation(),
                text!(ja: "区域 {list} は管理区域かどうかが記録されていません。"; en: "areas {list} do not record whether they are controlled"),
            ),
            |f, a| f.because(SectionKind::Sites, format!("areas[id={a}]")),
        )
    });
    if controlled.is_empty() {
        if let Some(f) = unrecorded_finding {
            return Ok(vec![f]);
        }
        return Ok(vec![
            Finding::not_applicable(
                Subject::organisation(),
                text!(ja: "管理区域はありません。", en: "there is no controlled area"),
            )
            .because(SectionKind::Sites, "areas"),
        ]);
    }
    let access: AreaAccess = ctx.document()?.unwrap_or_default();
    let Some(people) = ctx.document::<People>()? else {
        return Ok(vec![missing_section(SectionKind::People)]);
    };
    let persons: FastMap<&str, &Person> =
        people.people.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut findings = Vec::new();

    findings.extend(unrecorded_finding);

    // Authorisations that outlive their holder's need: leaving, or moving
    // away from the department whose work needs the area.
    let area_dept: FastMap<&str, &str> = sites
        .areas
        .iter()
        .filter_map(|a| a.department.as_deref().map(|d| (a.id.as_str(), d)))
        .collect();
    for (i, au) in access.authorisations.iter().enumerate() {
        let Some(person) = persons.get(au.person.as_str()) else {
            continue;
        };
        let mut cutoff: Option<(Date, Text)> = person
            .left_on
            .filter(|l| *l <= as_of)
            .map(|l| (l, text!(ja: "{l}の退職", en: "leaving on {l}")));
        if let Some(dept) = area_dept.get(au.area.as_str()) {
            for t in &person.transfers {
                if t.from == *dept
                    && t.to != *dept
                    && t.on >= au.from
                    && t.on <= as_of
                    && cutoff.as_ref().is_none_or(|(c, _)| t.on < *c)
                {
                    cutoff = Some((
                        t.on,
                        text!(ja: "{}の{}から{}への異動", t.on, t.from, t.to; en: "moving from {} to {} on {}", t.from, t.to, t.on),
                    ));
                }
            }
        }
        let Some((date, why)) = cutoff else {
            continue;
        };
        let ended = [
            au.revoked_on,
            au.until
                .map(|u| u.saturating_add(jiff::Span::new().days(1))),
        ]
        .into_iter()
        .flatten()
        .min();
        let late = match ended {
            Some(end) => days_between(date, end) > grace,
            None => days_between(date, as_of) > grace,
        };
        if late {
            let (p, area) = (&au.person, &au.area);
            findings.push(
                Finding::fail(
                    Subject::person(p),
                    text!(ja: "{p} の区域 {area} への入室許可が、{}後{grace}日を過ぎても取り消されていません。", why.ja;
                          en: "{p}'s authorisation for area {area} was not revoked within {grace} days of {}", why.en),
                )
                .because(SectionKind::AreaAccess, format!("authorisations[{i}]"))
                .because(SectionKind::People, format!("people[id={p}]")),
            );
        }
    }

    let Some(mut events) = ctx.door_events()? else {
        findings.push(
            Finding::insufficient(
                Subject::organisation(),
                text!(ja: "入退室ログがないため、管理区域への入室を確認できません。";
                      en: "there are no door events, so entries to controlled areas cannot be checked"),
            )
            .because(SectionKind::DoorEvents, "(absent)"),
        );
        return Ok(findings);
    };
    let card_holder: FastMap<&str, &str> = access
        .authorisations
        .iter()
        .filter_map(|a| a.card.as_deref().map(|c| (c, a.person.as_str())))
        .collect();
    let visits: FastMap<(&str, Date), Vec<&Visit>> = {
        let mut m: FastMap<(&str, Date), Vec<&Visit>> = FastMap::default();
        for v in &access.visitors {
            m.entry((v.id.as_str(), v.date)).or_default().push(v);
            if let Some(b) = &v.badge {
                m.entry((b.as_str(), v.date)).or_default().push(v);
            }
        }
        m
    };
    let badges: FastSet<&str> = access
        .visitors
        .iter()
        .flat_map(|v| std::iter::once(v.id.as_str()).chain(v.badge.as_deref()))
        .collect();
    // Controlled areas in id order; an area is its index here, a person
    // their index in the roster, an offender a number in `whos`.
    let mut areas: Vec<&Area> = controlled.values().copied().collect();
    areas.sort_by(|a, b| a.id.cmp(&b.id));
    let area_index: FastMap<&str, u32> = (0u32..)
        .zip(&areas)
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let person_index: FastMap<&str, u32> = (0u32..)
        .zip(&people.people)
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    // Each person's authorisations for controlled areas, side by side and
    // copied out of the document (area number and dates only), so that an
    // entry is checked with one index into `holders` and a scan of a few
    // small records next to each other. Door logs are large and people
    // many: what an entry touches must stay in the processor's cache, not be
    // reached through pointers into the document.
    let mut held: Vec<(u32, Held)> = access
        .authorisations
        .iter()
        .filter_map(|a| {
            let person = *person_index.get(a.person.as_str())?;
            let area = *area_index.get(a.area.as_str())?;
            Some((person, Held::of(area, a)))
        })
        .collect();
    held.sort_by_key(|(person, held)| (*person, held.area));
    let mut holders: Vec<Holder> = people
        .people
        .iter()
        .map(|p| Holder {
            left: p.left_on,
            held: 0..0,
        })
        .collect();
    let mut at = 0u32;
    for chunk in held.chunk_by(|a, b| a.0 == b.0) {
        let end = at.saturating_add(u32::try_from(chunk.len()).unwrap_or(u32::MAX));
        if let Some(h) = holders.get_mut(chunk[0].0 as usize) {
            h.held = at..end;
        }
        at = end;
    }
    let held: Vec<Held> = held.into_iter().map(|(_, h)| h).collect();
    let mut whos = Names::default();
    // Offenders' numbers in `whos`, found when a person first offends.
    let mut who_of_person: Vec<Option<u32>> = vec![None; people.people.len()];
    let resolve = |whos: &mut Names, name: Option<&str>, fallback: Option<&str>| match name
        .and_then(|n| person_index.get(n))
    {
        Some(&person) => Who::known(person),
        None => Who::unknown(whos.id(name.or(fallback).unwrap_or("?"))),
    };

    // What an event's strings mean, decided once per symbol, so that an
    // event costs array indexing, not string hashing.
    let mut area_of: PerSymbol<Option<u32>> = PerSymbol::new();
    let mut is_badge: PerSymbol<bool> = PerSymbol::new();
    let mut by_person: PerSymbol<Who> = PerSymbol::new();
    let mut by_card: PerSymbol<Who> = PerSymbol::new();
    let nobody = resolve(&mut whos, None, None);
    let mut entries = vec![0u64; areas.len()];
    let mut offences: FastMap<(Reason, u32, u32), Offence> = FastMap::default();
    let mut days = LocalDays::new();
    while let Some(e) = events.next_entry()? {
        if e.result != DoorResult::Granted || e.direction == Direction::Exit {
            continue;
        }
        let syms = events.symbols();
        let Some(area) =
            *area_of.get_or_insert_with(e.area, || area_index.get(syms.name(e.area)).copied())
        else {
            continue;
        };
        entries[area as usize] += 1;
        let area_id = areas[area as usize].id.as_str();
        let day = days.date(e.time);
        let card = e.card.map(|c| syms.name(c));
        let badge = e
            .card
            .is_some_and(|c| *is_badge.get_or_insert_with(c, || badges.contains(syms.name(c))));
        let visitor = e
            .visitor
            .map(|v| syms.name(v))
            .or_else(|| card.filter(|c| badge && visits.contains_key(&(*c, day))));
        let offence = if let Some(v) = visitor {
            let escorted = visits
                .get(&(v, day))
                .is_some_and(|vs| vs.iter().any(|x| x.area == area_id && x.escort.is_some()));
            (!escorted).then(|| (Reason::NoEscort, whos.id(v)))
        } else {
            // The person the controller names, else the holder of the card.
            let who = match (e.person, e.card) {
                (Some(p), _) => *by_person
                    .get_or_insert_with(p, || resolve(&mut whos, Some(syms.name(p)), None)),
                (None, Some(c)) => *by_card.get_or_insert_with(c, || {
                    let name = syms.name(c);
                    resolve(&mut whos, card_holder.get(name).copied(), Some(name))
                }),
                (None, None) => nobody,
            };
            match who.person() {
                Err(who) => Some((Reason::UnknownPerson, who)),
                Ok(person) => holders
                    .get(person as usize)
                    .and_then(|h| h.offence(&held, area, day))
                    .map(|reason| {
                        let who = *who_of_person[person as usize]
                            .get_or_insert_with(|| whos.id(&people.people[person as usize].id));
                        (reason, who)
                    }),
            }
        };
        if let Some((reason, who)) = offence {
            offences
                .entry((reason, who, area))
                .and_modify(|o| o.count += 1)
                .or_insert(Offence {
                    count: 1,
                    first_time: e.time,
                    first: e.origin,
                });
        }
    }
    let syms = events.symbols();
    // Offenders and areas are numbered one to one with their names.
    let offences: BTreeMap<(Reason, &str, &str), Offence> = offences
        .into_iter()
        .map(|((reason, who, area), o)| {
            (
                (reason, whos.name(who), areas[area as usize].id.as_str()),
                o,
            )
        })
        .collect();
    for (&(reason, who, area), o) in &offences {
        let what = reason.text(who, area);
        let subject = match reason {
            Reason::NoEscort => Subject::new("visitor", who),
            Reason::UnknownPerson => Subject::new("card", who),
            _ => Subject::person(who),
        };
        findings.push(
            Finding::fail(
                subject,
                text!(ja: "{}（{}回、初回 {}）。", what.ja, o.count, local_time(o.first_time);
                      en: "{} ({}, first at {})", what.en, times(o.count), local_time(o.first_time)),
            )
            .because(SectionKind::DoorEvents, o.first.locator(syms)),
        );
    }
    for (area, n) in areas.iter().zip(entries) {
        let id = &area.id;
        let bad = offences.keys().any(|&(_, _, a)| a == id);
        if bad {
            continue;
        }
        let finding = if n == 0 {
            // Nothing to check is not "all were authorised": whether the
            // area's entries were authorised cannot be told without them.
            Finding::insufficient(
                Subject::area(id),
                text!(ja: "管理区域 {id} への入室は入退室記録に1件もないため、許可された者の入室かを確認できません。入室を記録する手段の記録（入退室記録・鍵の貸出簿）を取り込んでください。";
                      en: "the door-entry log holds no entry to controlled area {id}, so whether its entries were authorised cannot be checked; import the record of its entries (door log, key ledger)"),
            )
        } else {
            Finding::pass(
                Subject::area(id),
                text!(ja: "管理区域 {id} への入室{n}件はすべて許可された者によるものです。"; en: "all {n} entries to controlled area {id} were by authorised people"),
            )
        };
        findings.push(finding.because(SectionKind::Sites, format!("areas[id={id}]")));
    }
    Ok(findings)
}

mizuchi_sdk::export_rules!(PHY_01);

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use mizuchi_sdk::testing::{Evidence, evaluate};
    use mlit_common::build;

    fn entry(time: &str, card: Option<&str>, visitor: Option<&str>) -> DoorEvent {
        DoorEvent {
            time: time.parse().unwrap(),
            area: "control-room".into(),
            door: None,
            person: None,
            card: card.map(Into::into),
            visitor: visitor.map(Into::into),
            result: DoorResult::Granted,
            direction: Direction::Entry,
        }
    }

    fn evidence(
        people: Vec<Person>,
        revoked: Option<Date>,
        events: &[DoorEvent],
        visits: Vec<Visit>,
    ) -> Evidence {
        let access = AreaAccess {
            authorisations: vec![AreaAuthorisation {
                person: "P1".into(),
                area: "control-room".into(),
                card: Some("C1".into()),
                from: date(2025, 4, 1),
                until: None,
                revoked_on: revoked,
            }],
            visitors: visits,
        };
        Evidence::new()
            .with(&build::control_room())
            .with(&access)
            .with(&People { people })
            .with_door_events(events)
    }

    fn run(ev: &Evidence) -> Vec<(String, Status)> {
        evaluate(&PHY_01, ev, date(2026, 11, 27), &[])
            .unwrap()
            .into_iter()
            .map(|f| (f.subject.id, f.status))
            .collect()
    }

    #[test]
    fn authorised_entries_pass() {
        let ev = evidence(
            vec![build::person("P1")],
            None,
            &[entry("2026-11-02T00:00:00Z", Some("C1"), None)],
            vec![],
        );
        assert_eq!(run(&ev), [("control-room".into(), Status::Pass)]);
    }

    #[test]
    fn unknown_cards_and_unauthorised_days_fail() {
        let ev = evidence(
            vec![build::person("P1")],
            Some(date(2026, 11, 1)),
            &[
                entry("2026-11-02T00:00:00Z", Some("C1"), None),
                entry("2026-11-02T01:00:00Z", Some("C9"), None),
            ],
            vec![],
        );
        assert_eq!(
            run(&ev),
            [("C9".into(), Status::Fail), ("P1".into(), Status::Fail)]
        );
        let f = evaluate(&PHY_01, &ev, date(2026, 11, 27), &[]).unwrap();
        assert!(f.iter().any(|f| {
            f.message.en.contains(
                "P1 entered controlled area control-room on days without an authorisation",
            )
        }));
        // Someone on the roster who never held an authorisation for it.
        let mut e = entry("2026-11-02T00:00:00Z", None, None);
        e.person = Some("P2".into());
        let ev = evidence(
            vec![build::person("P1"), build::person("P2")],
            None,
            &[e],
            vec![],
        );
        let f = evaluate(&PHY_01, &ev, date(2026, 11, 27), &[]).unwrap();
        assert!(
            f.iter().any(|f| f
                .message
                .en
                .contains("P2, never authorised for controlled area control-room, entered it")),
            "{:?}",
            f.iter().map(|f| &f.message.en).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_held_authorisation_is_valid_on_the_days_the_document_says() {
        // `Held` copies the dates out of the document for speed; it must
        // judge every day exactly as the document's own method does.
        let d = |day: i8| date(2026, 4, day);
        let days = [None, Some(d(1)), Some(d(2)), Some(d(3)), Some(d(4))];
        for from in days.iter().flatten() {
            for until in days {
                for revoked_on in days {
                    let a = AreaAuthorisation {
                        person: "P1".into(),
                        area: "control-room".into(),
                        card: None,
                        from: *from,
                        until,
                        revoked_on,
                    };
                    let held = Held::of(0, &a);
                    for day in 1..=5 {
                        assert_eq!(
                            held.is_valid_on(d(day)),
                            a.is_valid_on(d(day)),
                            "{a:?} on day {day}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn each_entry_is_judged_by_the_authorisations_for_its_own_area() {
        // P1 holds two authorisations for room-a (one ended, one current),
        // one ended for room-b and none for room-c; P2 holds one for room-c. An
        // area with an offence has no passing finding.
        let mut sites = build::control_room();
        let room = sites.areas[0].clone();
        sites.areas = ["room-a", "room-b", "room-c"]
            .iter()
            .map(|id| Area {
                id: (*id).into(),
                ..room.clone()
            })
            .collect();
        let au = |person: &str, area: &str, from, until| AreaAuthorisation {
            person: person.into(),
            area: area.into(),
            card: None,
            from,
            until,
            revoked_on: None,
        };
        let access = AreaAccess {
            authorisations: vec![
                au("P2", "room-c", date(2025, 1, 1), None),
                au("P1", "room-a", date(2025, 1, 1), Some(date(2025, 12, 31))),
                au("P1", "room-b", date(2025, 1, 1), Some(date(2025, 12, 31))),
                au("P1", "room-a", date(2026, 6, 1), None),
            ],
            visitors: vec![],
        };
        let at = |time: &str, person: &str, area: &str| DoorEvent {
            person: Some(person.into()),
            area: area.into(),
            ..entry(time, None, None)
        };
        let ev = Evidence::new()
            .with(&sites)
            .with(&access)
            .with(&People {
                people: vec![build::person("P1"), build::person("P2")],
            })
            .with_door_events(&[
                at("2026-11-02T00:00:00Z", "P1", "room-a"),
                at("2026-11-02T01:00:00Z", "P1", "room-b"),
                at("2026-11-02T02:00:00Z", "P1", "room-c"),
                at("2026-11-02T03:00:00Z", "P2", "room-c"),
                at("2026-11-03T00:00:00Z", "P1", "room-a"),
            ]);
        let f = evaluate(&PHY_01, &ev, date(2026, 11, 27), &[]).unwrap();
        let mut seen: Vec<(String, Status, String)> = f
            .into_iter()
            .map(|f| (f.subject.id, f.status, f.message.en))
            .collect();
        seen.sort();
        let expected = [
            (
                "P1",
                Status::Fail,
                "P1 entered controlled area room-b on days without an authorisation (once",
            ),
            (
                "P1",
                Status::Fail,
                "P1, never authorised for controlled area room-c, entered it (once",
            ),
            (
                "room-a",
                Status::Pass,
                "all 2 entries to controlled area room-a",
            ),
        ];
        assert_eq!(seen.len(), expected.len(), "{seen:?}");
        for ((id, status, message), (eid, estatus, eprefix)) in seen.iter().zip(expected) {
            assert_eq!((id.as_str(), *status), (eid, estatus), "{seen:?}");
            assert!(message.starts_with(eprefix), "{message}");
        }
    }

    #[test]
    fn entry_after_leaving_and_a_lingering_authorisation_fail() {
        let mut p = build::person("P1");
        p.left_on = Some(date(2026, 10, 31));
        let ev = evidence(
            vec![p],
            None,
            &[entry("2026-11-02T00:00:00Z", Some("C1"), None)],
            vec![],
        );
        let f = evaluate(&PHY_01, &ev, date(2026, 11, 27), &[]).unwrap();
        let msgs: Vec<&str> = f.iter().map(|f| f.message.en.as_str()).collect();
        assert_eq!(f.len(), 2, "{msgs:?}");
        assert!(msgs[0].contains("was not revoked within 0 days of leaving"));
        assert!(msgs[1].contains("after leaving (once"));
    }

    #[test]
    fn an_area_the_log_never_mentions_is_not_an_empty_pass() {
        let ev = evidence(vec![build::person("P1")], None, &[], vec![]);
        let f = evaluate(&PHY_01, &ev, date(2026, 11, 27), &[]).unwrap();
        assert_eq!(f[0].status, Status::InsufficientEvidence);
        assert!(
            f[0].message
                .en
                .contains("the door-entry log holds no entry to controlled area control-room"),
            "{}",
            f[0].message.en
        );
    }

    #[test]
    fn the_grace_period_for_revoking_is_a_boundary() {
        let mut p = build::person("P1");
        p.left_on = Some(date(2026, 10, 31));
        // Revoked two days after leaving: late with a grace of 1, in time with 2.
        let ev = evidence(
            vec![p],
            Some(date(2026, 11, 2)),
            &[entry("2026-10-15T00:00:00Z", Some("C1"), None)],
            vec![],
        );
        let with = |g| {
            evaluate(
                &PHY_01,
                &ev,
                date(2026, 11, 27),
                &[("departure_grace_days", ParamValue::Integer(g))],
            )
            .unwrap()[0]
                .status
        };
        assert_eq!(with(1), Status::Fail);
        assert_eq!(with(2), Status::Pass);
    }

    #[test]
    fn visitors_need_an_escort() {
        let visit = |escort: Option<&str>| Visit {
            id: "V1".into(),
            name: "Vendor".into(),
            organisation: None,
            area: "control-room".into(),
            date: date(2026, 11, 2),
            badge: Some("VB-1".into()),
            escort: escort.map(Into::into),
            purpose: None,
        };
        let e = [entry("2026-11-02T00:00:00Z", Some("VB-1"), None)];
        assert_eq!(
            run(&evidence(
                vec![build::person("P1")],
                None,
                &e,
                vec![visit(Some("P1"))]
            )),
            [("control-room".into(), Status::Pass)]
        );
        assert_eq!(
            run(&evidence(
                vec![build::person("P1")],
                None,
                &e,
                vec![visit(None)]
            )),
            [("VB-1".into(), Status::Fail)]
        );
    }

    #[test]
    fn no_controlled_area_is_not_applicable() {
        let mut sites = build::control_room();
        sites.areas[0].controlled = Some(false);
        let ev = Evidence::new().with(&sites).with(&People::default());
        assert_eq!(run(&ev), [("utility".into(), Status::NotApplicable)]);
        assert_eq!(
            run(&Evidence::new()),
            [("utility".into(), Status::InsufficientEvidence)]
        );
    }

    #[test]
    fn no_door_log_is_insufficient_evidence() {
        let ev = Evidence::new().with(&build::control_room()).with(&People {
            people: vec![build::person("P1")],
        });
        assert_eq!(run(&ev), [("utility".into(), Status::InsufficientEvidence)]);
    }
    #[test]
    fn an_authorisation_outliving_a_transfer_away_from_the_areas_department_fails() {
        let mut p = build::person("P1");
        p.transfers.push(Transfer {
            on: date(2026, 4, 1),
            from: "浄水課".into(),
            to: "料金課".into(),
        });
        let mut sites = build::control_room();
        sites.areas[0].department = Some("浄水課".into());
        let access = AreaAccess {
            authorisations: vec![AreaAuthorisation {
                person: "P1".into(),
                area: "control-room".into(),
                card: Some("C1".into()),
                from: date(2025, 4, 1),
                until: None,
                revoked_on: None,
            }],
            visitors: vec![],
        };
        let ev = Evidence::new()
            .with(&sites)
            .with(&access)
            .with(&People {
                people: vec![p.clone()],
            })
            .with_door_events(&[]);
        let f = evaluate(&PHY_01, &ev, date(2026, 11, 27), &[]).unwrap();
        assert_eq!(f[0].status, Status::Fail, "{f:?}");
        assert!(
            f[0].message
                .en
                .contains("moving from 浄水課 to 料金課 on 2026-04-01"),
            "{}",
            f[0].message.en
        );
        // Without the area's department, a transfer says nothing about it.
        let ev = Evidence::new()
            .with(&build::control_room())
            .with(&access)
            .with(&People { people: vec![p] })
            .with_door_events(&[]);
        let f = evaluate(&PHY_01, &ev, date(2026, 11, 27), &[]).unwrap();
        assert!(f.iter().all(|f| f.status != Status::Fail), "{f:?}");
    }

    #[test]
    fn areas_that_do_not_say_whether_they_are_controlled_are_listed() {
        let mut sites = build::control_room();
        sites.areas[0].controlled = None;
        let ev = Evidence::new().with(&sites).with(&People::default());
        let f = evaluate(&PHY_01, &ev, date(2026, 11, 27), &[]).unwrap();
        assert_eq!(f[0].status, Status::InsufficientEvidence);
        assert!(
            f[0].message
                .en
                .contains("areas control-room do not record whether they are controlled")
        );
    }
}
