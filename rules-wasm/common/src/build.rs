//! Builders for evidence values, so that rule tests state only what matters.

use mizuchi_sdk::prelude::*;

/// A control-system workstation that meets every ordinance requirement, to be
/// changed by each test.
pub fn asset(id: &str) -> Asset {
    Asset {
        id: id.into(),
        name: format!("{id} terminal"),
        kind: AssetKind::Hmi,
        system: None,
        control_system: Some(true),
        hostnames: vec![id.to_lowercase()],
        addresses: vec![],
        os: Some(OperatingSystem {
            product: "Windows 10".into(),
            edition: Some("IoT Enterprise LTSC 2021".into()),
            version: Some("21H2".into()),
            build: Some("19044".into()),
        }),
        authentication: Some(Authentication {
            method: AuthMethod::Password,
            auto_logon: Some(false),
            blank_password: Some(false),
            default_password: Some(false),
        }),
        anti_malware: Some(AntiMalware {
            installed: true,
            product: Some("Defender".into()),
            definitions_updated_on: Some(jiff::civil::date(2026, 11, 25)),
            automatic_scan: Some(true),
        }),
        removable_media: Some(RemovableMedia {
            control: MediaControl::Blocked,
            enforcement: Enforcement::Technical,
            description: None,
        }),
        location: Some(Location {
            site: "plant".into(),
            area: Some("control-room".into()),
        }),
        portable: Some(false),
        storage: None,
        networks: Some(vec!["ctl".into()]),
        exposed_services: vec![],
        alternative_measures: vec![],
        extended_support: None,
        vendor_support: None,
    }
}

/// A system.
pub fn system(id: &str, control: bool) -> System {
    System {
        id: id.into(),
        name: id.into(),
        department: None,
        control_system: Some(control),
        needed_for_operations: Some(control),
        site: None,
    }
}

/// A network.
pub fn network(id: &str, name: &str, kind: NetworkKind, declared_closed: bool) -> Network {
    Network {
        id: id.into(),
        name: name.into(),
        kind,
        site: None,
        declared_closed: Some(declared_closed),
    }
}

/// A link recorded as neither encrypted nor authenticated, carrying no
/// control traffic.
pub fn link(id: &str, a: &str, b: &str, medium: LinkMedium) -> Link {
    Link {
        id: id.into(),
        a: a.into(),
        b: b.into(),
        medium,
        encrypted: Some(false),
        authenticated: Some(false),
        carries_control_traffic: Some(false),
        description: None,
    }
}

/// A closed control network `ctl` with nothing else attached.
pub fn closed_control_network() -> Networks {
    Networks {
        networks: vec![network("ctl", "control LAN", NetworkKind::Control, true)],
        links: vec![],
        remote_access: vec![],
    }
}

/// A person on the roster.
pub fn person(id: &str) -> Person {
    Person {
        id: id.into(),
        name: id.into(),
        kind: PersonKind::Staff,
        department: None,
        roles: vec![],
        joined_on: Some(jiff::civil::date(2010, 4, 1)),
        left_on: None,
        transfers: vec![],
    }
}

/// A managed, walled, locked control room `control-room` at site `plant`.
pub fn control_room() -> Sites {
    Sites {
        sites: vec![Site {
            id: "plant".into(),
            name: "plant".into(),
            kind: SiteKind::PurificationPlant,
            region: None,
        }],
        areas: vec![Area {
            id: "control-room".into(),
            site: "plant".into(),
            name: "central control room".into(),
            separation: Separation::Walls,
            locked: Some(true),
            entry_control: EntryControl::Card,
            note: None,
            controlled: Some(true),
            department: None,
        }],
    }
}
