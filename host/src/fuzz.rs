//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`): one per
//! parser that reads bytes from outside, each taking arbitrary bytes and
//! doing exactly what the real command does with a file's bytes. A panic, a
//! hang or a broken invariant (asserted here) is a finding; a refusal is not.
//!
//! Not part of the library's API: only `cargo xtask fuzz` uses it.

use std::io::Write as _;
use std::path::Path;

use mizuchi_evidence::SectionKind;

use crate::import::{ImportKind, ImportOptions};

fn options() -> ImportOptions {
    ImportOptions {
        utc_offset: jiff::tz::Offset::constant(9),
        year: Some(2026),
        system: Some("HOST-01".into()),
        skip_bad_rows: true,
        ..ImportOptions::default()
    }
}

fn parse(kind: ImportKind, data: &[u8]) {
    crate::import::fuzz_parse(kind, data, &options());
}

/// A Windows `.evtx` file.
pub fn evtx(data: &[u8]) {
    parse(ImportKind::Evtx, data);
}

/// An OpenSSH `auth.log`.
pub fn sshd(data: &[u8]) {
    parse(ImportKind::Sshd, data);
}

/// Splits an input into the name on its first line and the rest, when that
/// line names one of `names`; otherwise the first byte picks one. Seeds name
/// what they are (`inventory\n{…}`); mutations may change it.
fn choose<'a, T: Copy>(data: &'a [u8], names: &[(&str, T)]) -> Option<(T, &'a [u8])> {
    if let Some(nl) = data.iter().position(|b| *b == b'\n')
        && let Some((_, t)) = names.iter().find(|(n, _)| n.as_bytes() == &data[..nl])
    {
        return Some((*t, &data[nl + 1..]));
    }
    let (&first, rest) = data.split_first()?;
    Some((names[usize::from(first) % names.len()].1, rest))
}

/// A spreadsheet (CSV or `.xlsx`), an Event Viewer export or an account
/// listing, named on its first line (`sheet`, `windows-csv`, `windows-xml`,
/// `ad-users`, `passwd`).
pub fn csv(data: &[u8]) {
    let kinds = [
        ImportKind::Sheet,
        ImportKind::WindowsCsv,
        ImportKind::WindowsXml,
        ImportKind::AdUsers,
        ImportKind::Passwd,
    ];
    let names: Vec<(&str, ImportKind)> = kinds.iter().map(|k| (k.as_str(), *k)).collect();
    if let Some((kind, rest)) = choose(data, &names) {
        parse(kind, rest);
    }
}

/// An evidence file, its section named on the first line (`inventory`,
/// `auth-events`…). Documents go through the checks of opening a bundle; a
/// log line also through the reader a run uses, which must decide it as
/// validation does.
pub fn evidence_json(data: &[u8]) {
    let names: Vec<(&str, SectionKind)> =
        SectionKind::ALL.iter().map(|k| (k.as_str(), *k)).collect();
    let Some((kind, rest)) = choose(data, &names) else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    crate::bundle::fuzz_check(kind, text);
}

/// A bundle in its single-file form.
pub fn evidence_tar(data: &[u8]) {
    let Ok(mut tmp) = tempfile::NamedTempFile::new() else {
        return;
    };
    if tmp.write_all(data).is_err() {
        return;
    }
    let _ = crate::bundle::validate(tmp.path());
}

/// A pack file.
pub fn pack(data: &[u8]) {
    if let Ok(p) = crate::packfile::PackFile::parse(data, Path::new("fuzz.pack")) {
        // What was accepted is consistent with its manifest.
        for m in &p.manifest().modules {
            let bytes = p.module(&m.path).unwrap_or_default();
            assert_eq!(mizuchi_ledger::digest::sha256_hex(bytes), m.sha256);
        }
    }
}

/// The key ledgers are verified with: the public key at the path in
/// `MIZUCHI_FUZZ_TRUST` (so that seeds recorded by `mizuchi eval` reach the
/// deep checks), else a fixed one.
fn trusted() -> &'static mizuchi_ledger::keys::PublicKey {
    static KEY: std::sync::OnceLock<mizuchi_ledger::keys::PublicKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        std::env::var_os("MIZUCHI_FUZZ_TRUST")
            .and_then(|p| mizuchi_ledger::keys::PublicKey::read(Path::new(&p)).ok())
            .unwrap_or_else(|| mizuchi_ledger::keys::SecretKey::from_seed([9; 32]).public())
    })
}

/// A ledger and its checkpoint, separated by the first NUL byte (checkpoint
/// first), verified against the fuzz target's fixed trusted key.
pub fn ledger(data: &[u8]) {
    let (checkpoint, lines) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    if let Ok(text) = std::str::from_utf8(checkpoint) {
        let _ = mizuchi_ledger::ledger::Checkpoint::parse(text);
    }
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join("l.jsonl");
    if std::fs::write(&path, lines).is_err()
        || std::fs::write(mizuchi_ledger::ledger::checkpoint_path(&path), checkpoint).is_err()
    {
        return;
    }
    if let Ok(v) = mizuchi_ledger::ledger::verify(&path, &[trusted().clone()], &[]) {
        // Nothing is acknowledged past what the ledger holds.
        assert!(v.acknowledged <= v.entries, "{v:?}");
    }
}
