//! Helpers for the end-to-end tests: build once, find the binary and the
//! components, assemble packs and bundles.
//!
//! Everything the tests run is built from source by `cargo xtask build`, the
//! same step the README and CI use; the tests find its output next to their
//! own executable and never run Cargo.

// Test support: a failure here is a test failure, so panicking is the point.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

pub mod packs;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The directory of the Cargo profile this test was built in
/// (`<target>/debug`), found from the running executable: integration tests
/// live in `<target>/<profile>/deps/`, helper binaries one level up. So
/// `CARGO_TARGET_DIR` and `--target-dir` need no special handling.
fn profile_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable");
        let dir = exe.parent().expect("test executable's directory");
        match dir.file_name() {
            Some(n) if n == "deps" => dir.parent().expect("profile directory"),
            _ => dir,
        }
        .to_path_buf()
    })
    .clone()
}

/// Cargo's target directory.
pub fn target_dir() -> PathBuf {
    profile_dir()
        .parent()
        .map(Path::to_path_buf)
        .expect("target directory")
}

/// `tests/fixtures`.
pub fn fixtures() -> PathBuf {
    root().join("tests/fixtures")
}

/// The bundled sample utility.
pub fn sample() -> PathBuf {
    root().join("samples/minamiyama/bundle")
}

/// A copy of the sample utility's bundle, to change.
pub fn sample_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&sample(), dir.path());
    dir
}

/// Copies the files of a directory tree into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walk(from) {
        let rel = e.strip_prefix(from).expect("a path under the tree");
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("a directory");
        std::fs::copy(&e, target).expect("a copy");
    }
}

/// Every file under `dir`, recursively.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("a directory") {
        let p = e.expect("an entry").path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A real Windows event log from the shared corpus of the workplace
/// (`../shared/realworld/windows-security/`).
pub fn realworld(name: &str) -> PathBuf {
    root()
        .join("../shared/realworld/windows-security")
        .join(name)
}

/// The path, relative to the sample bundle, of its file whose path starts
/// with `prefix` (the importers name files after their input's digest).
pub fn sample_file(prefix: &str) -> String {
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(sample().join("manifest.json")).expect("read the sample's manifest"),
    )
    .expect("the sample's manifest is JSON");
    manifest["files"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["path"].as_str())
        .find(|p| p.starts_with(prefix))
        .unwrap_or_else(|| panic!("the sample has no file `{prefix}…`"))
        .to_owned()
}

/// `path`, which `cargo xtask build` makes; a test never runs Cargo itself,
/// so a missing one stops the test with what to run.
fn built(path: PathBuf) -> PathBuf {
    assert!(
        path.exists(),
        "{} is missing: run `cargo xtask build` before `cargo test` (`cargo xtask test` does both)",
        path.display()
    );
    path
}

/// The compiled components (`*.wasm`) of the workspace.
pub fn wasm_dir() -> PathBuf {
    built(target_dir().join("wasm32-wasip2/rules"))
}

/// Compiles a pack's modules into the test compile cache once per process, so
/// that tests running in parallel do not all compile the same modules.
fn warm(pack: &Path) {
    static WARM: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    let mut done = WARM.lock().unwrap_or_else(|e| e.into_inner());
    if done.iter().any(|p| p == pack) {
        return;
    }
    let _ = mizuchi()
        .args(["rules", "--allow-unsigned", "--pack"])
        .arg(pack)
        .output();
    done.push(pack.to_owned());
}

/// This test process's Mizuchi home (trust store and pack store), made
/// fresh at first use: tests never touch the user's own.
pub fn home() -> PathBuf {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        let exe = std::env::current_exe().expect("test executable");
        let stem = exe
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let home = target_dir().join("test-homes").join(stem);
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).expect("create test home");
        home
    })
    .clone()
}

/// The official pack as `cargo xtask build` makes it: built, unsigned.
pub fn unsigned_official_pack() -> PathBuf {
    built(target_dir().join("packs/mlit-water.pack"))
}

/// The official pack signed by this process's test regulator key, whose
/// public half the test home trusts for `MLIT-` rules. (The pack is not
/// installed: tests name it with `--pack`.)
pub fn official_pack() -> PathBuf {
    static SIGNED: OnceLock<PathBuf> = OnceLock::new();
    SIGNED
        .get_or_init(|| {
            let home = home();
            let key = regulator_key();
            let signed = home.join("mlit-water.pack");
            let sign = run(&[
                "pack",
                "sign",
                s(&unsigned_official_pack()),
                "--key",
                s(&key),
                "--out",
                s(&signed),
            ]);
            assert_eq!(sign.code, 0, "{}", sign.stderr);
            let trust = run(&[
                "trust",
                "add",
                "--name",
                "MLIT",
                "--namespace",
                "MLIT-",
                "--key",
                s(&mizuchi::public_path(&key)),
            ]);
            assert_eq!(trust.code, 0, "{}", trust.stderr);
            let _ = run(&["rules", "--pack", s(&signed)]);
            signed
        })
        .clone()
}

/// This process's test regulator key (made once).
pub fn regulator_key() -> PathBuf {
    key("TEST-ONLY-regulator")
}

/// A key named `name` in the test home, made on first use.
pub fn key(name: &str) -> PathBuf {
    let path = home().join(format!("{name}.pem"));
    if !path.exists() {
        let out = run(&["key", "generate", "--out", s(&path)]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    path
}

/// A pack directory holding the given modules (file names in the wasm
/// directory); run it with `--allow-unsigned`.
pub fn pack_of(name: &str, modules: &[&str]) -> PathBuf {
    let dir = target_dir().join("test-packs").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create pack directory");
    for m in modules {
        std::fs::copy(wasm_dir().join(m), dir.join(m)).expect("copy module");
    }
    warm(&dir);
    dir
}

/// The `mizuchi` binary, with the compile cache kept under `target/` and
/// this process's test home.
pub fn mizuchi() -> Command {
    let mut c = Command::new(mizuchi_exe());
    c.env("MIZUCHI_CACHE_DIR", target_dir().join("test-cache"));
    c.env("MIZUCHI_HOME", home());
    c.env_remove("MIZUCHI_LOG");
    // Messages in English unless a test asks for Japanese with `--lang ja`,
    // whatever the language of the shell running the tests.
    c.env("MIZUCHI_LANG", "en");
    c
}

/// Starts the hub `exe` (`mizuchi-hub`) as `serve` with `args`, logging
/// only errors; returns the process and the address it says it listens on
/// (its first line of output).
pub fn spawn_hub(exe: &Path, args: &[&str]) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(exe)
        .arg("serve")
        .args(args)
        .env("MIZUCHI_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start mizuchi-hub");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("its stdout"))
        .read_line(&mut line)
        .expect("the hub says where it listens");
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line of the hub: {line}"))
        .to_owned();
    (child, addr)
}

/// One HTTP/1.1 request on a connection of its own: the status (0 when
/// nothing answered, as from a hub killed mid-request) and the body.
pub fn http(addr: &str, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return (0, String::new());
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return (0, String::new());
    }
    // The hub may answer (413) and close before a body over its cap is sent.
    let _ = stream.write_all(body);
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let status = answer.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The `mizuchi-hub` binary `cargo xtask build` built.
pub fn hub_exe() -> PathBuf {
    built(profile_dir().join(format!("mizuchi-hub{}", std::env::consts::EXE_SUFFIX)))
}

/// The `mizuchi` binary `cargo xtask build` built, in the profile directory
/// of this test executable.
pub fn mizuchi_exe() -> PathBuf {
    built(profile_dir().join(format!("mizuchi{}", std::env::consts::EXE_SUFFIX)))
}

/// Lower-case hex SHA-256.
pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes a bundle: each `(path, kind, bytes)` file and a manifest listing
/// them with their digests.
pub fn write_bundle(dir: &Path, files: &[(&str, &str, Vec<u8>)]) {
    std::fs::create_dir_all(dir).expect("create bundle directory");
    let mut entries = Vec::new();
    for (path, kind, bytes) in files {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create directory");
        }
        std::fs::write(&full, bytes).expect("write bundle file");
        entries.push(serde_json::json!({ "path": path, "kind": kind, "sha256": sha256(bytes) }));
    }
    let manifest = serde_json::json!({
        "format": "mizuchi-evidence",
        "format_version": mizuchi_evidence::FORMAT_VERSION,
        "utility": { "id": "test-utility", "name": { "ja": "試験水道事業体", "en": "Test Waterworks" } },
        "collected_on": "2026-11-20",
        "assessment_date": "2026-11-27",
        "files": entries,
    });
    let text = serde_json::to_string_pretty(&manifest).expect("serialise manifest");
    std::fs::write(dir.join("manifest.json"), text).expect("write manifest");
}

/// What a finished command printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// Runs `mizuchi` with `args`.
pub fn run(args: &[&str]) -> Run {
    let out = mizuchi().args(args).output().expect("run mizuchi");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Path as a `&str` for command arguments.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}
