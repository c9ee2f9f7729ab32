//! The floor: a plain native program that reads and parses every section of
//! a bundle once, into the evidence crate's types, one thread per file up to
//! the number of cores. Nothing can read the evidence for less.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use mizuchi_evidence::*;
use serde::de::DeserializeOwned;

fn document<T: DeserializeOwned>(path: &Path) -> usize {
    let text = std::fs::read(path).expect("read a document");
    let _: T = serde_json::from_slice(&text).expect("a valid document");
    1
}

fn log<T: DeserializeOwned>(path: &Path) -> usize {
    let file = std::fs::File::open(path).expect("open a log");
    let reader = std::io::BufReader::with_capacity(1 << 16, file);
    let mut n = 0;
    for line in reader.lines() {
        let line = line.expect("read a line");
        let _: T = serde_json::from_str(&line).expect("a valid record");
        n += 1;
    }
    n
}

fn parse(kind: SectionKind, path: &Path) -> usize {
    match kind {
        SectionKind::Inventory => document::<Inventory>(path),
        SectionKind::Networks => document::<Networks>(path),
        SectionKind::Sites => document::<Sites>(path),
        SectionKind::People => document::<People>(path),
        SectionKind::Accounts => document::<Accounts>(path),
        SectionKind::AreaAccess => document::<AreaAccess>(path),
        SectionKind::Contracts => document::<Contracts>(path),
        SectionKind::Backups => document::<Backups>(path),
        SectionKind::Training => document::<Training>(path),
        SectionKind::Governance => document::<Governance>(path),
        SectionKind::AuthEvents => log::<AuthEvent>(path),
        SectionKind::DoorEvents => log::<DoorEvent>(path),
        other => panic!("the floor does not know section {other}"),
    }
}

/// Parses the bundle at `dir`; the number of records read.
pub(crate) fn read_once(dir: &Path) -> usize {
    let text = std::fs::read_to_string(dir.join("manifest.json")).expect("read the manifest");
    let manifest: Manifest = serde_json::from_str(&text).expect("a valid manifest");
    let mut files: Vec<(SectionKind, PathBuf, u64)> = manifest
        .files
        .iter()
        .map(|f| {
            let path = dir.join(&f.path);
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            (f.kind, path, size)
        })
        .collect();
    // Largest first, so that the longest file starts at once.
    files.sort_by_key(|f| std::cmp::Reverse(f.2));
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut records = 0;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((kind, path, _)) = files.get(i) else {
                            return records;
                        };
                        records += parse(*kind, path);
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a floor worker"))
            .sum()
    })
}
