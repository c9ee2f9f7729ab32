//! `cargo xtask`: the project's own build steps.
//!
//! - `build`: installs the `wasm32-wasip2` target if missing, builds every rule
//!   module and test guest from source as WebAssembly components, builds the
//!   `mizuchi` binary, and assembles the official pack in `target/packs/mlit-water`.
//! - `demo`: `build`, then evaluates the official pack against the bundled
//!   sample utility and prints the per-rule table.
//! - `test`: format check, clippy with warnings denied, `build`, then every test.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

/// The target rule modules are built for.
const WASM_TARGET: &str = "wasm32-wasip2";

/// Workspace packages that are native-only and never built for WebAssembly.
const NATIVE_ONLY: &[&str] = &["mizuchi-host", "mizuchi-tests", "xtask"];

/// The official pack: its name, version and the folder of its modules.
const OFFICIAL_PACK: (&str, &str) = ("mlit-water", "1.0.0");

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
    let pack = target_dir().join("packs").join(OFFICIAL_PACK.0);
    if pack.exists() {
        std::fs::remove_dir_all(&pack)?;
    }
    std::fs::create_dir_all(&pack)?;
    for name in official_modules()? {
        let file = format!("{}.wasm", name.replace('-', "_"));
        std::fs::copy(wasm_dir().join(&file), pack.join(&file))
            .with_context(|| format!("module {file} was not built"))?;
    }
    std::fs::write(
        pack.join("pack.json"),
        format!(
            "{{\n  \"name\": \"{}\",\n  \"version\": \"{}\"\n}}\n",
            OFFICIAL_PACK.0, OFFICIAL_PACK.1
        ),
    )?;
    eprintln!("xtask: official pack assembled in {}", pack.display());
    Ok(())
}

fn demo() -> Result<()> {
    build()?;
    let bin = target_dir().join("debug/mizuchi");
    let pack = target_dir().join("packs").join(OFFICIAL_PACK.0);
    // The demo signs its results with a key of its own, made once, clearly
    // named: a utility makes its key with `mizuchi key generate`.
    let demo = target_dir().join("demo");
    std::fs::create_dir_all(&demo)?;
    let key = demo.join("DEMO-ONLY-utility-key.pem");
    if !key.exists() {
        run(Command::new(&bin)
            .arg("key")
            .arg("generate")
            .arg("--out")
            .arg(&key)
            .arg("-q"))?;
    }
    let ledger = demo.join("results.jsonl");
    let status = Command::new(&bin)
        .current_dir(root())
        .arg("eval")
        .arg("--pack")
        .arg(&pack)
        .args(["--evidence", "samples/minamiyama", "--lang", "en"])
        .arg("--ledger")
        .arg(&ledger)
        .arg("--key")
        .arg(&key)
        .status()
        .context("cannot run mizuchi")?;
    // Exit status 1 means rules failed, which the sample is made to show.
    if !matches!(status.code(), Some(0 | 1)) {
        bail!("mizuchi eval failed ({status})");
    }
    run(Command::new(&bin)
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

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "build" => build(),
        "demo" => demo(),
        "test" => test(),
        _ => {
            eprintln!("usage: cargo xtask <build|demo|test>");
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
