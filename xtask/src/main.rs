//! `cargo xtask`: the project's own build steps.
//!
//! - `build`: installs the `wasm32-wasip2` target if missing, builds every rule
//!   module and test guest from source as WebAssembly components, builds the
//!   `mizuchi` binary, and builds the official pack, unsigned, as
//!   `target/packs/mlit-water.pack` from `rules-wasm/pack.json`.
//! - `demo`: `build`, then plays regulator and utility: signs the pack with a
//!   demo regulator key, trusts that key and installs the pack in a demo home,
//!   evaluates the installed pack against the bundled sample utility (printing
//!   the per-rule table and recording signed results), and verifies the ledger.
//! - `test`: format check, clippy with warnings denied, `build`, then every test.
//! - `bench`: `build`, the release binary, then the benchmark
//!   (`tests/benches/scale`), which writes `BENCHMARKS.md`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

/// The target rule modules are built for.
const WASM_TARGET: &str = "wasm32-wasip2";

/// Workspace packages that are native-only and never built for WebAssembly.
const NATIVE_ONLY: &[&str] = &["mizuchi-host", "mizuchi-tests", "xtask"];

/// The official pack's name; its manifest template is `rules-wasm/pack.json`.
const OFFICIAL_PACK: &str = "mlit-water";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` (relative to the workspace) or `target/`.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(root());
    c
}

fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot run {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

fn ensure_wasm_target() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("cannot run `rustup`; install Rust through rustup (https://rustup.rs)")?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    eprintln!("xtask: installing the {WASM_TARGET} target");
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// The packages of `rules-wasm/` that are rule modules (built as cdylib).
fn official_modules() -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root().join("rules-wasm"))? {
        let manifest = entry?.path().join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        if !text.contains("cdylib") {
            continue;
        }
        let name = text
            .lines()
            .find_map(|l| {
                l.strip_prefix("name = \"")
                    .and_then(|r| r.strip_suffix('"'))
            })
            .with_context(|| format!("no package name in {}", manifest.display()))?;
        names.push(name.to_owned());
    }
    names.sort();
    Ok(names)
}

/// The cargo profile rule modules are built with (see the workspace `Cargo.toml`).
const RULES_PROFILE: &str = "rules";

fn wasm_dir() -> PathBuf {
    target_dir().join(WASM_TARGET).join(RULES_PROFILE)
}

fn build() -> Result<()> {
    ensure_wasm_target()?;
    let mut guests = cargo();
    guests.args([
        "build",
        "--profile",
        RULES_PROFILE,
        "--target",
        WASM_TARGET,
        "--workspace",
    ]);
    for p in NATIVE_ONLY {
        guests.args(["--exclude", p]);
    }
    run(&mut guests)?;
    run(cargo().args(["build", "--package", "mizuchi-host", "--bin", "mizuchi"]))?;
    let mut modules = Vec::new();
    for name in official_modules()? {
        let file = wasm_dir().join(format!("{}.wasm", name.replace('-', "_")));
        if !file.is_file() {
            bail!("module {} was not built", file.display());
        }
        modules.push(file);
    }
    let pack = official_pack();
    run(mizuchi()
        .args(["pack", "build", "--quiet", "--template"])
        .arg(root().join("rules-wasm/pack.json"))
        .arg("--out")
        .arg(&pack)
        .args(&modules)
        .stdout(std::process::Stdio::null()))?;
    eprintln!(
        "xtask: official pack built (unsigned) as {}",
        pack.display()
    );
    Ok(())
}

/// The official pack file `build` writes, unsigned.
fn official_pack() -> PathBuf {
    target_dir()
        .join("packs")
        .join(format!("{OFFICIAL_PACK}.pack"))
}

/// The debug `mizuchi` binary.
fn mizuchi() -> Command {
    let mut c = Command::new(target_dir().join("debug/mizuchi"));
    c.current_dir(root());
    c
}

fn demo() -> Result<()> {
    build()?;
    // Everything the demo makes is under target/demo, its keys clearly named:
    // a real regulator and a real utility make theirs with `mizuchi key generate`.
    let demo = target_dir().join("demo");
    let home = demo.join("home");
    if home.exists() {
        std::fs::remove_dir_all(&home)?;
    }
    std::fs::create_dir_all(&home)?;
    let key = |name: &str| -> Result<PathBuf> {
        let path = demo.join(format!("DEMO-ONLY-{name}-key.pem"));
        if !path.exists() {
            run(mizuchi()
                .args(["key", "generate", "-q", "--out"])
                .arg(&path)
                .stdout(std::process::Stdio::null()))?;
        }
        Ok(path)
    };
    let regulator = key("regulator")?;
    let utility = key("utility")?;
    let mz = || {
        let mut c = mizuchi();
        c.arg("--home").arg(&home);
        c
    };
    // The regulator signs its pack…
    let signed = demo.join(format!("{OFFICIAL_PACK}.pack"));
    run(mz()
        .args(["pack", "sign", "-q"])
        .arg(official_pack())
        .arg("--key")
        .arg(&regulator)
        .arg("--out")
        .arg(&signed)
        .stdout(std::process::Stdio::null()))?;
    // …the utility trusts the regulator's key for MLIT- rules and installs it…
    run(mz()
        .args([
            "trust",
            "add",
            "--name",
            "MLIT",
            "--namespace",
            "MLIT-",
            "--key",
        ])
        .arg(demo.join("DEMO-ONLY-regulator-key.pub.pem")))?;
    run(mz().args(["pack", "install"]).arg(&signed))?;
    // …and evaluates the installed pack, recording signed results.
    let ledger = demo.join("results.jsonl");
    let status = mz()
        .arg("eval")
        .args(["--evidence", "samples/minamiyama", "--lang", "en"])
        .arg("--ledger")
        .arg(&ledger)
        .arg("--key")
        .arg(&utility)
        .status()
        .context("cannot run mizuchi")?;
    // Exit status 1 means rules failed, which the sample is made to show.
    if !matches!(status.code(), Some(0 | 1)) {
        bail!("mizuchi eval failed ({status})");
    }
    run(mz()
        .arg("ledger")
        .arg("verify")
        .arg(&ledger)
        .arg("--trust")
        .arg(demo.join("DEMO-ONLY-utility-key.pub.pem")))
}

fn test() -> Result<()> {
    run(cargo().args(["fmt", "--all", "--", "--check"]))
        .context("formatting differs; run `cargo fmt --all`")?;
    ensure_wasm_target()?;
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        // The benchmark's code too (feature `bench`), though only
        // `cargo xtask bench` runs it.
        "--all-features",
        "--",
        "-D",
        "warnings",
    ]))?;
    build()?;
    // The tests would otherwise run `cargo xtask build` themselves.
    run(cargo()
        .args(["test", "--workspace"])
        .env("MIZUCHI_PREBUILT", "1"))
}

/// Builds what is measured (the release `mizuchi`, the pack) and runs the
/// benchmark, which prints its table and writes `BENCHMARKS.md`.
fn bench(args: Vec<String>) -> Result<()> {
    build()?;
    run(cargo().args([
        "build",
        "--release",
        "--package",
        "mizuchi-host",
        "--bin",
        "mizuchi",
    ]))?;
    run(cargo()
        .args([
            "bench",
            "--package",
            "mizuchi-tests",
            "--features",
            "bench",
            "--bench",
            "scale",
            "--",
        ])
        .args(args))
}

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "build" => build(),
        "demo" => demo(),
        "test" => test(),
        "bench" => bench(std::env::args().skip(2).collect()),
        _ => {
            eprintln!("usage: cargo xtask <build|demo|test|bench [--sizes N,N,…]>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
