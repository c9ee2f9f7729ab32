//! The binary encoding of evidence is versioned (`ENCODING`, the WIT package
//! `mizuchi:encoding`): a pack built today may run on a host built after a
//! type changed, and must then be refused, not misread. These tests hold the
//! encoding to golden bytes kept per version in `golden/encoding-<version>/`:
//! every document type (encoded from `<section>.json`) and both event
//! layouts. A change of a type or a layout fails them; the way out is a new
//! encoding version, whose goldens are written once with
//! `MIZUCHI_WRITE_GOLDEN=1` (which never overwrites a version's goldens).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failure is a test failure

use std::path::PathBuf;

use mizuchi_evidence::stream::{AuthEntry, DoorEntry, Encoded, Origin, Symbol};
use mizuchi_evidence::{
    AuthKind, Direction, DoorResult, ENCODING, SectionKind, SectionShape, encode_document,
};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("golden")
        .join(format!("encoding-{ENCODING}"))
}

/// Compares `bytes` with the golden file `name` (lower-case hex, 64 bytes a
/// line), or writes it when asked to and the version has no goldens yet.
fn golden(name: &str, bytes: &[u8]) {
    let path = dir().join(format!("{name}.hex"));
    let hex: String = bytes
        .chunks(64)
        .map(|c| {
            let mut line: String = c.iter().map(|b| format!("{b:02x}")).collect();
            line.push('\n');
            line
        })
        .collect();
    if std::env::var_os("MIZUCHI_WRITE_GOLDEN").is_some() && !path.exists() {
        std::fs::write(&path, &hex).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "no golden bytes at {} ({e}): encoding {ENCODING} has none for `{name}`",
            path.display()
        )
    });
    assert!(
        want == hex,
        "`{name}` no longer encodes to the golden bytes of encoding {ENCODING} ({}): a type or \
         layout changed. Packs built against {ENCODING} would misread it. Bump ENCODING and the \
         WIT package `mizuchi:encoding`, then write the new version's goldens with \
         MIZUCHI_WRITE_GOLDEN=1",
        path.display()
    );
}

#[test]
fn every_document_type_encodes_to_the_golden_bytes_of_its_version() {
    let mut seen = 0;
    for kind in SectionKind::ALL {
        if kind.shape() == SectionShape::Log {
            continue;
        }
        let input = dir().join(format!("{}.json", kind.as_str()));
        let json =
            std::fs::read_to_string(&input).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        let bytes = encode_document(kind, &json).unwrap();
        golden(kind.as_str(), &bytes);
        seen += 1;
    }
    assert_eq!(seen, 10, "every document section has a golden");
}

#[test]
fn both_event_layouts_encode_to_the_golden_bytes_of_their_version() {
    let origin = Origin {
        file: Symbol(3),
        line: 1_234_567_890_123,
    };
    let mut bytes = Vec::new();
    for (i, kind) in AuthKind::ALL.into_iter().enumerate() {
        let i = i as u32;
        AuthEntry {
            origin,
            time: 1_775_000_000 + i64::from(i),
            kind,
            system: Symbol(10 + i),
            account: Symbol(20 + i),
            source: i.is_multiple_of(2).then_some(Symbol(30 + i)),
            logon_type: i.is_multiple_of(3).then_some(10),
            status: (i % 2 == 1).then_some(0xC000_006D),
            sub_status: (i == 1).then_some(0xC000_006A),
            actor: (i % 3 == 1).then_some(Symbol(40 + i)),
            group: (i % 4 == 2).then_some(Symbol(50 + i)),
            event_id: (!i.is_multiple_of(5)).then_some(4600 + i),
        }
        .encode(&mut bytes);
    }
    assert_eq!(bytes.len(), AuthKind::ALL.len() * AuthEntry::SIZE);
    golden("auth-events", &bytes);

    let mut bytes = Vec::new();
    for (i, (result, direction)) in [
        (DoorResult::Granted, Direction::Entry),
        (DoorResult::Denied, Direction::Exit),
        (DoorResult::Granted, Direction::Unknown),
    ]
    .into_iter()
    .enumerate()
    {
        let i = i as u32;
        DoorEntry {
            origin,
            time: -86_400 + i64::from(i),
            area: Symbol(40 + i),
            door: (i != 1).then_some(Symbol(50)),
            person: (i == 0).then_some(Symbol(51)),
            card: (i == 1).then_some(Symbol(52)),
            visitor: (i == 2).then_some(Symbol(53)),
            result,
            direction,
        }
        .encode(&mut bytes);
    }
    golden("door-events", &bytes);
}

#[test]
fn the_wit_package_names_the_encoding_of_this_crate() {
    let wit =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sdk/wit/deps/encoding/encoding.wit");
    let text = std::fs::read_to_string(&wit).unwrap();
    assert!(
        text.contains(&format!("package mizuchi:encoding@{ENCODING};")),
        "{} must declare `package mizuchi:encoding@{ENCODING};`",
        wit.display()
    );
    let rule = std::fs::read_to_string(wit.with_file_name("../../rule.wit")).unwrap();
    assert!(
        rule.contains(&format!("import mizuchi:encoding/read@{ENCODING};")),
        "the rule-module world must import encoding {ENCODING}"
    );
}
