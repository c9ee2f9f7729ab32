//! Pack tests' support: a utility's machine with its own home, manifest
//! templates, building, signing and taking pack archives apart.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::{Run, run, s, sample, wasm_dir};

/// A utility's machine: its own home, keys and work files.
#[derive(Debug)]
pub struct Machine {
    dir: TempDir,
}

impl Default for Machine {
    fn default() -> Self {
        Machine::new()
    }
}

impl Machine {
    /// A fresh machine: an empty home in a temporary directory.
    pub fn new() -> Machine {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        Machine { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn home(&self) -> PathBuf {
        self.path("home")
    }

    /// `mizuchi --home <home> args…`
    pub fn run(&self, args: &[&str]) -> Run {
        let home = self.home();
        let mut all = vec!["--home", s(&home)];
        all.extend_from_slice(args);
        run(&all)
    }

    /// A new Ed25519 key in the machine's directory.
    pub fn key(&self, name: &str) -> PathBuf {
        let path = self.path(&format!("{name}.pem"));
        let out = run(&["key", "generate", "-q", "--out", s(&path)]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        path
    }

    /// Trusts `publisher` for `namespace` with `keys` and `threshold`.
    pub fn trust(&self, publisher: &str, namespace: &str, keys: &[&Path], threshold: u32) {
        let threshold = threshold.to_string();
        let mut args = vec![
            "trust",
            "add",
            "--name",
            publisher,
            "--namespace",
            namespace,
            "--threshold",
            &threshold,
        ];
        let publics: Vec<PathBuf> = keys.iter().map(|k| mizuchi::public_path(k)).collect();
        for p in &publics {
            args.extend(["--key", s(p)]);
        }
        let out = self.run(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }

    /// Every file of the home, by path: what "nothing changed" compares.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, base, out);
                } else {
                    let rel = p.strip_prefix(base).unwrap().to_owned();
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.home(), &self.home(), &mut out);
        out
    }

    /// Installs `pack`, expecting a refusal that says `expected`, and checks
    /// that the home did not change.
    pub fn refuses(&self, pack: &Path, expected: &str) {
        let before = self.snapshot();
        let out = self.run(&["pack", "install", s(pack)]);
        assert_eq!(out.code, 2, "installed: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains(expected),
            "expected `{expected}` in:\n{}",
            out.stderr
        );
        assert!(out.stderr.contains("was not installed"), "{}", out.stderr);
        assert_eq!(self.snapshot(), before, "the refusal changed the home");
    }

    /// `mizuchi eval` with `pack` over the sample exits 2 saying `expected`.
    pub fn eval_refuses(&self, pack: &Path, expected: &str) {
        let out = self.run(&["eval", "--pack", s(pack), "--evidence", s(&sample())]);
        assert_eq!(out.code, 2, "{}", out.stdout);
        assert!(out.stderr.contains(expected), "{}", out.stderr);
    }

    pub fn installs(&self, pack: &Path) -> String {
        let out = self.run(&["pack", "install", s(pack)]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    }
}

/// A manifest template.
pub fn template(
    dir: &Path,
    name: &str,
    version: &str,
    publisher: &str,
    valid: (&str, &str),
) -> PathBuf {
    let path = dir.join(format!("{name}-{version}.template.json"));
    let json = serde_json::json!({
        "name": name, "version": version, "publisher": publisher,
        "abi": "^2.0", "evidence_format": "^2.0",
        "published_on": valid.0, "expires_on": valid.1,
    });
    std::fs::write(&path, json.to_string()).unwrap();
    path
}

/// Dates that are current whenever the tests run.
pub const CURRENT: (&str, &str) = ("2020-01-01", "2999-12-31");

/// Builds an unsigned pack from component files.
pub fn build(m: &Machine, template: &Path, modules: &[PathBuf], out: &str) -> PathBuf {
    let out = m.path(out);
    let mut args = vec![
        "pack",
        "build",
        "-q",
        "--template",
        s(template),
        "--out",
        s(&out),
    ];
    args.extend(modules.iter().map(|p| s(p)));
    let r = m.run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    out
}

pub fn sign(m: &Machine, pack: &Path, key: &Path) {
    let r = m.run(&["pack", "sign", "-q", s(pack), "--key", s(key)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// The official rule components as built.
pub fn official_modules() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(wasm_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "wasm")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("mlit_"))
        })
        .collect();
    v.sort();
    v
}

/// `component` with a custom section appended: a valid component whose bytes
/// differ, standing for the same module in another release.
pub fn release_of(m: &Machine, component: &Path, label: &str) -> PathBuf {
    fn leb(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
    let mut payload = Vec::new();
    let name = b"mizuchi-test-release";
    leb(name.len(), &mut payload);
    payload.extend_from_slice(name);
    payload.extend_from_slice(label.as_bytes());
    let mut bytes = std::fs::read(component).unwrap();
    bytes.push(0);
    leb(payload.len(), &mut bytes);
    bytes.extend_from_slice(&payload);
    let dir = m.path(label);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join(component.file_name().unwrap());
    std::fs::write(&out, bytes).unwrap();
    out
}

/// The entries of a pack archive.
pub fn entries(pack: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = tar::Archive::new(std::fs::File::open(pack).unwrap());
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = e.path().unwrap().display().to_string();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            (name, bytes)
        })
        .collect()
}

/// Writes an archive as given, names and all: `tar`'s own checks on names
/// are bypassed so that hostile archives can be made.
pub fn write_archive(path: &Path, entries: &[(String, Vec<u8>)]) {
    let mut builder = tar::Builder::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        builder
            .append(&header(name, bytes.len() as u64), bytes.as_slice())
            .unwrap();
    }
    builder.finish().unwrap();
}

pub fn header(name: &str, size: u64) -> tar::Header {
    let mut h = tar::Header::new_old();
    h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    h.set_size(size);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    h
}

/// Every file under `dir`.
pub fn files_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            if e.path().is_dir() {
                files_under(&e.path())
            } else {
                1
            }
        })
        .sum()
}

/// A machine that trusts the regulator `MLIT` for `MLIT-` rules, with the
/// official pack built at `version` and signed by the regulator's key.
pub fn regulator_setup(version: &str) -> (Machine, PathBuf, PathBuf) {
    let m = Machine::new();
    let key = m.key("regulator");
    m.trust("MLIT", "MLIT-", &[&key], 1);
    let t = template(m.path("").as_path(), "mlit-water", version, "MLIT", CURRENT);
    let pack = build(
        &m,
        &t,
        &official_modules(),
        &format!("mlit-water-{version}.pack"),
    );
    sign(&m, &pack, &key);
    (m, key, pack)
}

/// The statement a ledger line carries.
pub fn statement(line: &str) -> serde_json::Value {
    let entry: serde_json::Value = serde_json::from_str(line).unwrap();
    let envelope: mizuchi_ledger::dsse::Envelope =
        serde_json::from_value(entry["envelope"].clone()).unwrap();
    serde_json::from_slice(&envelope.payload_bytes().unwrap()).unwrap()
}
