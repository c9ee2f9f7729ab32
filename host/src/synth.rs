//! Synthetic evidence bundles of any size, deterministic from a seed, for
//! benchmarks and scale tests.
//!
//! The bundle is a plausible utility: plants with closed control networks
//! (some broken by a firewall to the office), a head office on the internet,
//! staff with accounts (some departed), door and logon logs over the year
//! before the assessment date with occasional bursts of failed logons. Logs
//! are written as they are generated, in constant memory, in time order.

use std::path::Path;

use jiff::civil::Date;
use mizuchi_evidence::*;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

use crate::bundle::{BundleWriter, WriteError};

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// The seed: the same seed gives the same bundle.
    pub seed: u64,
    /// Assets in the inventory.
    pub assets: usize,
    /// People in the roster.
    pub people: usize,
    /// Authentication events.
    pub auth_events: u64,
    /// Door events.
    pub door_events: u64,
    /// The assessment date; logs cover the year before it.
    pub as_of: Date,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            seed: 1,
            assets: 200,
            people: 400,
            auth_events: 10_000,
            door_events: 5_000,
            as_of: jiff::civil::date(2026, 11, 27),
        }
    }
}

struct Gen(ChaCha8Rng);

impl Gen {
    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n.max(1)
    }
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len() as u64) as usize]
    }
}

/// Product, edition, version and build.
type Os = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

const OSES: &[Os] = &[
    (
        "Windows 10",
        Some("IoT Enterprise LTSC 2021"),
        Some("21H2"),
        Some("19044"),
    ),
    (
        "Windows 10",
        Some("Enterprise LTSC 2019"),
        Some("1809"),
        Some("17763"),
    ),
    (
        "Windows 11",
        Some("Enterprise"),
        Some("24H2"),
        Some("26100"),
    ),
    ("Windows Server 2019", Some("Standard"), None, Some("17763")),
    ("Windows Server 2022", Some("Standard"), None, Some("20348")),
    (
        "Windows 7",
        Some("Professional"),
        Some("SP1"),
        Some("6.1.7601"),
    ),
    ("Red Hat Enterprise Linux", None, Some("8.10"), None),
    ("Windows 10", None, None, Some("17763")),
];

fn days_before(d: Date, days: i64) -> Date {
    d.checked_sub(jiff::Span::new().days(days)).unwrap_or(d)
}

/// Writes a synthetic bundle into `out` (which must not hold a bundle yet).
/// `progress` is called with the number of log records written so far.
pub fn synth(out: &Path, o: &SynthOptions, progress: &dyn Fn(u64)) -> Result<(), WriteError> {
    let mut g = Gen(ChaCha8Rng::seed_from_u64(o.seed));
    let mut w = BundleWriter::create(
        out,
        Utility {
            id: format!("SYNTH-{}", o.seed),
            name: Text::new(
                format!("合成水道事業体{}", o.seed),
                format!("Synthetic Waterworks {}", o.seed),
            ),
        },
        days_before(o.as_of, 7),
        o.as_of,
    )?;
    let plants = (o.assets / 40).max(1);

    // Sites and areas.
    let mut sites = Sites::default();
    sites.sites.push(Site {
        id: "hq".into(),
        name: "本庁舎".into(),
        kind: SiteKind::Office,
        region: Some("region-a".into()),
    });
    sites.areas.push(Area {
        id: "hq-server".into(),
        site: "hq".into(),
        name: "サーバ室".into(),
        separation: Separation::Walls,
        locked: Some(true),
        entry_control: EntryControl::Biometric,
        controlled: Some(true),
        department: None,
        note: None,
    });
    sites.areas.push(Area {
        id: "hq-office".into(),
        site: "hq".into(),
        name: "事務室".into(),
        separation: Separation::None,
        locked: Some(false),
        entry_control: EntryControl::Guard,
        controlled: Some(false),
        department: None,
        note: None,
    });
    for p in 0..plants {
        sites.sites.push(Site {
            id: format!("plant-{p}"),
            name: format!("第{p}浄水場"),
            kind: SiteKind::PurificationPlant,
            region: Some(format!("region-{}", p % 3)),
        });
        let entry = if g.chance(100) {
            EntryControl::Key
        } else {
            EntryControl::Card
        };
        sites.areas.push(Area {
            id: format!("plant-{p}-ccr"),
            site: format!("plant-{p}"),
            name: "中央監視室".into(),
            separation: Separation::Walls,
            locked: Some(true),
            entry_control: entry,
            controlled: Some(true),
            department: None,
            note: None,
        });
    }

    // Networks.
    let mut nets = Networks::default();
    let net = |id: String, name: String, kind, closed| Network {
        id,
        name,
        kind,
        site: None,
        declared_closed: Some(closed),
    };
    let link = |id: String, a: String, b: String, medium| Link {
        id,
        a,
        b,
        medium,
        encrypted: Some(false),
        authenticated: Some(true),
        carries_control_traffic: Some(true),
        description: None,
    };
    nets.networks.push(net(
        "wan".into(),
        "広域イーサネット".into(),
        NetworkKind::Carrier,
        true,
    ));
    nets.networks.push(net(
        "office".into(),
        "事務LAN".into(),
        NetworkKind::Office,
        false,
    ));
    nets.networks.push(net(
        "internet".into(),
        "インターネット".into(),
        NetworkKind::Internet,
        false,
    ));
    nets.links.push(link(
        "RT-1".into(),
        "office".into(),
        "internet".into(),
        LinkMedium::Router,
    ));
    for p in 0..plants {
        let id = format!("ctl-{p}");
        nets.networks.push(net(
            id.clone(),
            format!("第{p}浄水場 制御LAN"),
            NetworkKind::Control,
            true,
        ));
        if g.chance(150) {
            nets.links.push(link(
                format!("FW-{p}"),
                id,
                "office".into(),
                LinkMedium::Firewall,
            ));
        } else {
            nets.links.push(link(
                format!("L-{p}"),
                id,
                "wan".into(),
                LinkMedium::WideAreaEthernet,
            ));
        }
    }

    // Systems and assets.
    let mut inv = Inventory {
        reviewed_on: Some(days_before(o.as_of, 200)),
        ..Default::default()
    };
    inv.systems.push(System {
        id: "SYS-OFFICE".into(),
        name: "事務システム".into(),
        department: Some("総務課".into()),
        control_system: Some(false),
        needed_for_operations: Some(true),
        site: Some("hq".into()),
    });
    for p in 0..plants {
        inv.systems.push(System {
            id: format!("SYS-SCADA-{p}"),
            name: format!("第{p}浄水場 監視制御"),
            department: Some(format!("浄水課{p}")),
            control_system: Some(true),
            needed_for_operations: Some(true),
            site: Some(format!("plant-{p}")),
        });
    }
    let mut hostnames = Vec::new();
    let mut addresses = Vec::new();
    for i in 0..o.assets {
        let control = g.chance(600);
        let p = g.below(plants as u64) as usize;
        let (product, edition, version, build) = *g.pick(OSES);
        let host = format!("h{i:05}");
        hostnames.push(host.clone());
        let address = format!("10.{}.{}.{}", p % 250, (i / 250) % 250, i % 250);
        addresses.push(address.clone());
        let stale = g.chance(100);
        inv.assets.push(Asset {
            id: format!("A{i:05}"),
            name: format!("asset {i}"),
            kind: if control {
                *g.pick(&[AssetKind::Hmi, AssetKind::Server, AssetKind::Workstation])
            } else {
                AssetKind::Workstation
            },
            system: Some(if control {
                format!("SYS-SCADA-{p}")
            } else {
                "SYS-OFFICE".into()
            }),
            control_system: Some(control),
            hostnames: vec![host],
            addresses: vec![address.clone()],
            os: Some(OperatingSystem {
                product: product.into(),
                edition: edition.map(Into::into),
                version: version.map(Into::into),
                build: build.map(Into::into),
            }),
            authentication: Some(Authentication {
                method: if g.chance(20) {
                    AuthMethod::None
                } else {
                    AuthMethod::Password
                },
                auto_logon: Some(g.chance(30)),
                blank_password: Some(false),
                default_password: Some(false),
            }),
            anti_malware: Some(AntiMalware {
                installed: true,
                product: Some("Defender".into()),
                definitions_updated_on: Some(days_before(o.as_of, if stale { 60 } else { 2 })),
                automatic_scan: Some(true),
            }),
            removable_media: Some(RemovableMedia {
                control: MediaControl::Blocked,
                enforcement: if g.chance(100) {
                    Enforcement::Procedural
                } else {
                    Enforcement::Technical
                },
                description: None,
            }),
            location: Some(Location {
                site: if control {
                    format!("plant-{p}")
                } else {
                    "hq".into()
                },
                area: Some(if control {
                    format!("plant-{p}-ccr")
                } else {
                    "hq-office".into()
                }),
            }),
            portable: Some(false),
            storage: None,
            networks: Some(vec![if control {
                format!("ctl-{p}")
            } else {
                "office".into()
            }]),
            exposed_services: Vec::new(),
            alternative_measures: Vec::new(),
            extended_support: None,
            vendor_support: None,
        });
    }

    // People, accounts, authorisations, training.
    let mut people = People::default();
    let mut accounts = Accounts::default();
    let mut access = AreaAccess::default();
    let mut training = Training::default();
    let mut account_names = Vec::new();
    let mut cards = Vec::new();
    for i in 0..o.people {
        let id = format!("P{i:05}");
        let p = g.below(plants as u64) as usize;
        let left = g
            .chance(50)
            .then(|| days_before(o.as_of, 1 + g.below(300) as i64));
        people.people.push(Person {
            id: id.clone(),
            name: format!("職員{i}"),
            kind: PersonKind::Staff,
            department: Some(format!("浄水課{p}")),
            roles: vec![],
            joined_on: Some(days_before(o.as_of, 2000)),
            left_on: left,
            transfers: vec![],
        });
        let name = format!("u{i:05}");
        account_names.push(name.clone());
        accounts.accounts.push(Account {
            id: format!("ACC-{i:05}"),
            system: format!("SYS-SCADA-{p}"),
            name,
            kind: Some(AccountKind::Person),
            person: Some(id.clone()),
            privileged: Some(g.chance(30)),
            enabled: Some(left.is_none() || g.chance(300)),
            mfa: Some(false),
            purpose: None,
            created_on: None,
            disabled_on: None,
            last_used_on: None,
        });
        let card = format!("C{i:05}");
        access.authorisations.push(AreaAuthorisation {
            person: id.clone(),
            area: format!("plant-{p}-ccr"),
            card: Some(card.clone()),
            from: days_before(o.as_of, 1000),
            until: None,
            revoked_on: left,
        });
        cards.push((card, format!("plant-{p}-ccr"), id.clone()));
        if !g.chance(80) {
            training.records.push(TrainingRecord {
                person: id,
                course: "情報セキュリティ研修".into(),
                security: Some(true),
                completed_on: days_before(o.as_of, g.below(400) as i64),
            });
        }
    }
    let governance = Governance {
        policy: Some(Policy {
            title: "情報セキュリティ基本方針".into(),
            adopted_on: days_before(o.as_of, 3000),
            reviewed_on: Some(days_before(o.as_of, 100)),
            covers_cybersecurity: Some(true),
            service_level: Some(ServiceLevel::Target("24時間以内に復旧".into())),
        }),
        appointments: vec![
            Appointment {
                role: Role::Ciso,
                person: "P00000".into(),
                appointed_on: days_before(o.as_of, 500),
                appointed_by: None,
                by_management: Some(true),
                until: None,
            },
            Appointment {
                role: Role::CybersecurityOfficer,
                person: format!("P{:05}", 1.min(o.people.saturating_sub(1))),
                appointed_on: days_before(o.as_of, 500),
                appointed_by: None,
                by_management: Some(true),
                until: None,
            },
        ],
        ..Default::default()
    };

    w.put_document(&sites)?;
    w.put_document(&nets)?;
    w.put_document(&inv)?;
    if !people.people.is_empty() {
        w.put_document(&people)?;
        w.put_document(&governance)?;
    }
    w.put_document(&accounts)?;
    w.put_document(&access)?;
    w.put_document(&training)?;

    // Logs over the year before the assessment date, in time order.
    let start = o
        .as_of
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_second())
        .unwrap_or(0)
        - 365 * 86_400;
    let span = 364 * 86_400;
    let mut written = 0u64;
    let mut sink = w.log_sink(SectionKind::AuthEvents, "auth-events.jsonl")?;
    let gap = (span as f64 / o.auth_events.max(1) as f64).max(0.001);
    let mut t = start as f64;
    let mut n = 0u64;
    let ts = |t: f64| Timestamp::from_second(t as i64).unwrap_or(Timestamp::UNIX_EPOCH);
    while n < o.auth_events && !account_names.is_empty() && !hostnames.is_empty() {
        t += gap * (g.below(2000) as f64 / 1000.0);
        let account = g.pick(&account_names).clone();
        let host = if g.chance(1) {
            format!("rogue-{}", g.below(5))
        } else {
            g.pick(&hostnames).clone()
        };
        let burst = g.chance(1) && o.auth_events - n > 10;
        let count = if burst { 6 } else { 1 };
        for b in 0..count {
            if b > 0 {
                t += 5.0 + g.below(15) as f64;
            }
            let failure = burst || g.chance(30);
            sink.push(&AuthEvent {
                time: ts(t),
                kind: if failure {
                    AuthKind::LogonFailure
                } else {
                    AuthKind::LogonSuccess
                },
                system: host.clone(),
                account: account.clone(),
                domain: None,
                // Logons come from the utility's own machines, and now and
                // then from one of a few that are not in the inventory.
                source: Some(if g.chance(1) {
                    format!("10.99.0.{}", g.below(20))
                } else {
                    g.pick(&addresses).clone()
                }),
                logon_type: Some(if g.chance(500) { 2 } else { 3 }),
                status: failure.then_some(0xC000_006D),
                sub_status: failure.then_some(0xC000_006A),
                method: None,
                actor: None,
                group: None,
                event_id: Some(if failure { 4625 } else { 4624 }),
                record_id: Some(n),
            })?;
            n += 1;
        }
        if burst && n < o.auth_events && g.chance(500) {
            t += 1.0;
            sink.push(&AuthEvent {
                time: ts(t),
                kind: AuthKind::Lockout,
                system: host,
                account,
                domain: None,
                source: None,
                logon_type: None,
                status: None,
                sub_status: None,
                method: None,
                actor: None,
                group: None,
                event_id: Some(4740),
                record_id: Some(n),
            })?;
            n += 1;
        }
        if n % 100_000 < count {
            progress(written + n);
        }
    }
    written += w.finish_log(sink)?;

    let mut sink = w.log_sink(SectionKind::DoorEvents, "door-events.jsonl")?;
    let gap = (span as f64 / o.door_events.max(1) as f64).max(0.001);
    let mut t = start as f64;
    for k in 0..o.door_events {
        if cards.is_empty() {
            break;
        }
        t += gap * (g.below(2000) as f64 / 1000.0);
        let (card, area, person) = g.pick(&cards).clone();
        sink.push(&DoorEvent {
            time: ts(t),
            area,
            door: None,
            person: Some(person),
            card: Some(card),
            visitor: None,
            result: if g.chance(10) {
                DoorResult::Denied
            } else {
                DoorResult::Granted
            },
            direction: Direction::Entry,
        })?;
        if k % 100_000 == 0 {
            progress(written + k);
        }
    }
    w.finish_log(sink)?;
    w.commit()
}
