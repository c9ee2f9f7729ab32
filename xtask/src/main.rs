//! `cargo xtask`: the project's own build steps.
//!
//! - `build`: installs the `wasm32-wasip2` target if missing, builds every rule
//!   module and test guest from source as WebAssembly components, builds the
//!   `mizuchi` binary, and builds the official pack, unsigned, as
//!   `target/packs/mlit-water.pack` from `rules-wasm/pack.json`.
//! - `demo`: `build`, then plays regulator and utility: signs the pack with a
//!   demo regulator key, trusts that key and installs the pack in a demo home,
//!   evaluates the installed pack against the bundled sample utility (printing
//!   the per-rule table and recording signed results), verifies the ledger,
//!   and renders the run's reports (HTML, JUnit XML, CSV) from it.
//! - `test`: format check, clippy with warnings denied (native, and the guests
//!   for the component target), every library's docs, `build`, a dry run
//!   of publishing the SDK and evidence crates, then every test (the
//!   official pack's rule test cases among them).
//! - `bench`: `build`, the release binary, then the benchmark
//!   (`tests/benches/scale`), which writes `BENCHMARKS.md`.
//! - `fuzz [--seconds N] [--reuse-seeds] [TARGET…]`: `build`, then every
//!   fuzz target of `fuzz/` (cargo-fuzz on nightly, installed if missing) for
//!   N seconds each (default 60), its corpus seeded from the fixtures, the
//!   sample utility and `../shared/realworld/` (`--reuse-seeds`: the seeds of
//!   the last run, without building); prints runs and findings per target and
//!   fails if any target found a crash.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

/// The target rule modules are built for.
const WASM_TARGET: &str = "wasm32-wasip2";

/// The folders whose packages are WebAssembly guests: the official rules and
/// the test guests. Only they (and what they depend on) are built for the
/// component target: a native crate added to the workspace can never join
/// that build and, through feature unification, change the rules' bytes.
const GUEST_FOLDERS: &[&str] = &["rules-wasm", "tests/guests"];

/// The guests' own libraries, linted for the component target with them.
const GUEST_LIBRARIES: &[&str] = &["mizuchi-sdk", "mizuchi-evidence"];

/// The package names of the guests: every `Cargo.toml` one level under a
/// folder of [`GUEST_FOLDERS`].
fn guest_packages() -> Result<Vec<String>> {
    let mut names = Vec::new();
    for folder in GUEST_FOLDERS {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join(folder))
            .with_context(|| format!("cannot list {folder}"))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|d| d.join("Cargo.toml").is_file())
            .collect();
        dirs.sort();
        for d in dirs {
            let manifest = std::fs::read_to_string(d.join("Cargo.toml"))?;
            let name = manifest
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once('=')?;
                    (k.trim() == "name").then(|| v.trim().trim_matches('"').to_owned())
                })
                .with_context(|| format!("{} names no package", d.display()))?;
            names.push(name);
        }
    }
    Ok(names)
}

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
    let started = std::time::Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("cannot run {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    // Where the time of a gate or a build goes, step by step: what CI's
    // log needs to tell a slow step from a slow machine.
    let elapsed = started.elapsed();
    if elapsed.as_secs() >= 1 {
        let program = Path::new(cmd.get_program());
        let words: Vec<_> = std::iter::once(program.file_name().unwrap_or(program.as_os_str()))
            .chain(cmd.get_args().take(2))
            .map(|w| w.to_string_lossy().into_owned())
            .collect();
        eprintln!(
            "xtask: `{}…` took {:.1} s",
            words.join(" "),
            elapsed.as_secs_f64()
        );
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

/// The binaries the tests and the benchmark run: `mizuchi` and the
/// regulator's `mizuchi-hub`.
const BINARIES: &[&str] = &[
    "--package",
    "mizuchi-cli",
    "--bin",
    "mizuchi",
    "--package",
    "mizuchi-hub",
    "--bin",
    "mizuchi-hub",
];

fn build() -> Result<()> {
    ensure_wasm_target()?;
    let mut guests = cargo();
    guests.args(["build", "--profile", RULES_PROFILE, "--target", WASM_TARGET]);
    for p in guest_packages()? {
        guests.args(["--package", &p]);
    }
    run(&mut guests)?;
    run(cargo().arg("build").args(BINARIES))?;
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
    // …builds its evidence bundle from the spreadsheets and exported logs it
    // keeps, with import commands alone (the checked-in
    // `samples/minamiyama/bundle` is the same script's output)…
    let bundle = demo.join("bundle");
    if bundle.exists() {
        std::fs::remove_dir_all(&bundle)?;
    }
    let log = demo.join("import.log");
    let built = Command::new("sh")
        .arg(root().join("samples/minamiyama/build.sh"))
        .arg(&bundle)
        .env("MIZUCHI", target_dir().join("debug/mizuchi"))
        .env("MIZUCHI_LANG", "en")
        .stderr(std::fs::File::create(&log)?)
        .status()
        .context("cannot run samples/minamiyama/build.sh")?;
    if !built.success() {
        bail!(
            "building the sample's bundle failed ({built}); see {}",
            log.display()
        );
    }
    println!(
        "built the evidence bundle `{}` from samples/minamiyama/sources (what each import kept and skipped: `{}`)",
        bundle.strip_prefix(root()).unwrap_or(&bundle).display(),
        log.strip_prefix(root()).unwrap_or(&log).display()
    );
    // …and evaluates the installed pack, recording signed results.
    let ledger = demo.join("results.jsonl");
    let status = mz()
        .arg("eval")
        .arg("--evidence")
        .arg(&bundle)
        .args(["--lang", "en"])
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
        .arg(demo.join("DEMO-ONLY-utility-key.pub.pem")))?;
    // The reports of the run just recorded, made from the verified ledger:
    // the HTML page for management (in Japanese), JUnit XML and the findings
    // as CSV. (`--format pdf` adds a PDF where Chromium is installed.)
    let reports = demo.join("report");
    println!("reports of the last run, from the verified ledger:");
    run(mz()
        .args(["--lang", "ja", "report", "--ledger"])
        // As the utility would name it from the repository: the page shows it.
        .arg(ledger.strip_prefix(root()).unwrap_or(&ledger))
        .arg("--trust")
        .arg(demo.join("DEMO-ONLY-utility-key.pub.pem"))
        .args(["--format", "html,junit,csv", "--out-dir"])
        .arg(&reports))
}

fn test() -> Result<()> {
    run(cargo().args(["fmt", "--all", "--", "--check"]))
        .context("formatting differs; run `cargo fmt --all`")?;
    // The fuzz targets are a workspace of their own (an instrumented build):
    // check at least that their manifest and lock file still resolve against
    // this workspace's crates. Their entry points (`mizuchi::fuzz`, feature
    // `fuzzing`) are linted below with `--all-features`.
    run(cargo()
        .args([
            "metadata",
            "--locked",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(root().join("fuzz/Cargo.toml"))
        .stdout(std::process::Stdio::null()))
    .context("the fuzz targets' manifest or lock file is out of date (see fuzz/Cargo.toml)")?;
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
    // The guests' code as it is really compiled: for the component target,
    // where the SDK's bindings and `export_rules!` expand. Their unit tests
    // run natively, so only the libraries are checked here.
    let mut guests = cargo();
    guests.args(["clippy", "--target", WASM_TARGET]);
    for p in guest_packages()?
        .iter()
        .map(String::as_str)
        .chain(GUEST_LIBRARIES.iter().copied())
    {
        guests.args(["--package", p]);
    }
    run(guests.args(["--", "-D", "warnings"]))?;
    // Every library's documentation, the public crates' among them. The
    // same packages and features as clippy above, so that the dependencies
    // clippy checked are reused: documenting five crates alone resolved
    // their dependencies' features differently (`libc`, `proc-macro2`…) and
    // checked nearly every dependency a second time, a minute on two cores.
    run(cargo()
        .args(["doc", "--workspace", "--lib", "--no-deps", "--all-features"])
        .env("RUSTDOCFLAGS", "-D warnings"))
    .context("the documentation has broken links or missing docs")?;
    // The crates third parties build rules with (`mizuchi rule new` depends
    // on them by version) stay publishable: packaged together, the SDK
    // against the packaged evidence crate, and built from the packages alone.
    build()?;
    // After the build, whose dependencies the packaged crates' build reuses.
    forget_packaged_sources(PUBLISHED)?;
    run(cargo()
        .args(["publish", "--dry-run", "--allow-dirty", "--quiet"])
        .args(PUBLISHED.iter().flat_map(|p| ["--package", p])))
    .context("the SDK or the evidence crate could not be published as they are")?;
    run(cargo().args(["test", "--workspace"]))
}

/// The crates `test` packages as they would be published.
const PUBLISHED: &[&str] = &["mizuchi-evidence", "mizuchi-sdk"];

/// Makes the next publish dry run build `packages` from what they are now.
///
/// The dry run unpacks each packaged crate into Cargo's registry cache and
/// builds it there as a registry crate, in our target directory. Cargo
/// takes a registry crate of a given version to be immutable: it neither
/// unpacks it again while its directory exists nor rebuilds it while its
/// fingerprint does. Between releases the version stays 0.1.0, so without
/// this the SDK would be checked against the evidence crate of an earlier
/// run. Removed: the unpacked sources, and the fingerprints of builds whose
/// sources were in the registry cache (the path builds are left alone).
fn forget_packaged_sources(packages: &[&str]) -> Result<()> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let ours = |name: &str, sep: char, crate_name: &str| {
        name.strip_prefix(crate_name)
            .and_then(|rest| rest.strip_prefix(sep))
            .map(str::to_owned)
    };
    if let Some(src) = home.map(|h| h.join("registry/src"))
        && let Ok(registries) = std::fs::read_dir(&src)
    {
        for registry in registries.flatten() {
            let Ok(unpacked) = std::fs::read_dir(registry.path()) else {
                continue;
            };
            for dir in unpacked.flatten() {
                let name = dir.file_name().to_string_lossy().into_owned();
                let versioned = packages.iter().any(|p| {
                    ours(&name, '-', p).is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
                });
                if versioned {
                    std::fs::remove_dir_all(dir.path())
                        .with_context(|| format!("removing {}", dir.path().display()))?;
                }
            }
        }
    }
    let debug = target_dir().join("debug");
    let Ok(deps) = std::fs::read_dir(debug.join("deps")) else {
        return Ok(());
    };
    for dep in deps.flatten() {
        let name = dep.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".d") else {
            continue;
        };
        for p in packages {
            let Some(hash) = ours(stem, '-', &p.replace('-', "_")) else {
                continue;
            };
            let from_registry =
                std::fs::read_to_string(dep.path()).is_ok_and(|d| d.contains("/registry/src/"));
            let fingerprint = debug.join(".fingerprint").join(format!("{p}-{hash}"));
            if from_registry && fingerprint.exists() {
                std::fs::remove_dir_all(&fingerprint)
                    .with_context(|| format!("removing {}", fingerprint.display()))?;
            }
        }
    }
    Ok(())
}

/// Builds what is measured (the release `mizuchi`, the pack) and runs the
/// benchmark, which prints its table and writes `BENCHMARKS.md`.
fn bench(args: Vec<String>) -> Result<()> {
    build()?;
    run(cargo().args(["build", "--release"]).args(BINARIES))?;
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

/// The fuzz targets of `fuzz/`.
const FUZZ_TARGETS: &[&str] = &[
    "evtx",
    "sshd",
    "csv",
    "evidence_json",
    "evidence_tar",
    "pack",
    "ledger",
];

/// Makes sure `cargo fuzz` and a nightly toolchain are there.
fn ensure_cargo_fuzz() -> Result<()> {
    let nightly = Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .context("cannot run `rustup`")?;
    if !String::from_utf8_lossy(&nightly.stdout)
        .lines()
        .any(|l| l.starts_with("nightly"))
    {
        eprintln!("xtask: installing the nightly toolchain (cargo-fuzz needs it)");
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    let have = cargo()
        .args(["fuzz", "--version"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        eprintln!("xtask: installing cargo-fuzz");
        run(cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

/// Writes `bytes` as a seed named `name` of `target`.
fn seed(dir: &Path, target: &str, name: &str, bytes: &[u8]) -> Result<()> {
    let d = dir.join(target);
    std::fs::create_dir_all(&d)?;
    std::fs::write(d.join(name), bytes)?;
    Ok(())
}

/// The seed corpora: real and realistic inputs of every parser.
fn fuzz_seeds(dir: &Path, trust: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let fixtures = root().join("tests/fixtures/import");
    let realworld = root().join("../shared/realworld/windows-security");
    match std::fs::read_dir(&realworld) {
        Ok(entries) => {
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "evtx") {
                    let name = p
                        .file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned();
                    seed(dir, "evtx", &name, &std::fs::read(&p)?)?;
                }
            }
        }
        Err(e) => eprintln!("xtask: no real EVTX seeds ({}: {e})", realworld.display()),
    }
    seed(
        dir,
        "sshd",
        "auth.log",
        &std::fs::read(fixtures.join("auth.log"))?,
    )?;
    let seeds = [
        ("inventory-en.csv", "sheet"),
        ("inventory-ja-sjis.csv", "sheet"),
        ("door.csv", "sheet"),
        ("backups.csv", "sheet"),
        ("windows-security-en.csv", "windows-csv"),
        ("windows-security-ja.csv", "windows-csv"),
    ]
    .map(|(file, kind)| (fixtures.join(file), kind));
    // The sample utility's own spreadsheets (Shift_JIS CSV, `.xlsx`) and
    // exports, and the second utility's workbook and AD listing.
    let sources = root().join("samples/minamiyama/sources");
    let kitahama = root().join("tests/fixtures/utilities/kitahama");
    let mut real = vec![
        (kitahama.join("北浜町_証跡.xlsx"), "sheet"),
        (kitahama.join("AD_users.csv"), "ad-users"),
        (kitahama.join("Security_forwarded.xml"), "windows-xml"),
    ];
    for e in std::fs::read_dir(&sources)? {
        let p = e?.path();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kind = if name.ends_with("_Security.csv") {
            "windows-csv"
        } else if name.ends_with(".xml") {
            "windows-xml"
        } else if name.ends_with(".csv") || name.ends_with(".xlsx") {
            "sheet"
        } else {
            continue;
        };
        real.push((p, kind));
    }
    real.sort();
    for (path, kind) in seeds.into_iter().chain(real) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut bytes = format!("{kind}\n").into_bytes();
        bytes.extend(std::fs::read(&path)?);
        seed(dir, "csv", &name, &bytes)?;
    }
    // Every section of the sample: documents whole, logs a line at a time.
    let sample = root().join("samples/minamiyama/bundle");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sample.join("manifest.json"))?)?;
    for (i, f) in manifest["files"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let (Some(path), Some(kind)) = (f["path"].as_str(), f["kind"].as_str()) else {
            continue;
        };
        let text = std::fs::read_to_string(sample.join(path))?;
        if path.ends_with(".jsonl") {
            for (j, line) in text.lines().take(20).enumerate() {
                seed(
                    dir,
                    "evidence_json",
                    &format!("{i}-{j}"),
                    format!("{kind}\n{line}").as_bytes(),
                )?;
            }
        } else {
            seed(
                dir,
                "evidence_json",
                &format!("{i}"),
                format!("{kind}\n{text}").as_bytes(),
            )?;
        }
    }
    // The sample and the broken fixtures as archives.
    let tars = dir.join("evidence_tar");
    std::fs::create_dir_all(&tars)?;
    let mut bundles = vec![sample.clone()];
    for e in std::fs::read_dir(root().join("tests/fixtures/bundles"))?.flatten() {
        bundles.push(e.path());
    }
    for b in bundles {
        let name = b
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        run(mizuchi()
            .args(["evidence", "archive"])
            .arg(&b)
            .arg("--out")
            .arg(tars.join(format!("{name}.tar")))
            .stdout(std::process::Stdio::null()))?;
    }
    // A small pack (the third party's example rule), unsigned and signed.
    let work = dir.join("work");
    std::fs::create_dir_all(&work)?;
    let template = work.join("pack.json");
    std::fs::write(
        &template,
        r#"{"name":"acme-water","version":"1.0.0","publisher":"ACME","abi":"^2.0","evidence_format":"^2.0","published_on":"2026-01-01","expires_on":"2099-12-31"}"#,
    )?;
    let pack = dir.join("pack/acme.pack");
    std::fs::create_dir_all(dir.join("pack"))?;
    run(mizuchi()
        .args(["pack", "build", "-q", "--template"])
        .arg(&template)
        .arg("--out")
        .arg(&pack)
        .arg(wasm_dir().join("acme_guest.wasm"))
        .stdout(std::process::Stdio::null()))?;
    let key = work.join("fuzz.pem");
    run(mizuchi()
        .args(["key", "generate", "-q", "--out"])
        .arg(&key)
        .stdout(std::process::Stdio::null()))?;
    run(mizuchi()
        .args(["pack", "sign", "-q"])
        .arg(&pack)
        .arg("--key")
        .arg(&key)
        .arg("--out")
        .arg(dir.join("pack/acme-signed.pack"))
        .stdout(std::process::Stdio::null()))?;
    // A ledger of two small runs, recorded with the key the target trusts.
    let ledger = work.join("results.jsonl");
    for as_of in ["2026-11-27", "2026-12-01"] {
        let status = mizuchi()
            .args(["-q", "eval", "--allow-unsigned", "--pack"])
            .arg(official_pack())
            .args([
                "--evidence",
                "samples/minamiyama/bundle",
                "--rule",
                "MLIT-GOV-01",
            ])
            .args(["--rule", "MLIT-BAK-02", "--as-of", as_of, "--ledger"])
            .arg(&ledger)
            .arg("--key")
            .arg(&key)
            .stdout(std::process::Stdio::null())
            .status()?;
        if !matches!(status.code(), Some(0 | 1)) {
            bail!("cannot record the ledger seed ({status})");
        }
    }
    let mut bytes = std::fs::read(work.join("results.jsonl.checkpoint"))?;
    bytes.push(0);
    bytes.extend(std::fs::read(&ledger)?);
    seed(dir, "ledger", "two-runs", &bytes)?;
    std::fs::copy(work.join("fuzz.pub.pem"), trust)?;
    std::fs::remove_dir_all(&work)?;
    Ok(())
}

/// What one fuzz run did.
struct FuzzRun {
    target: String,
    seconds: u64,
    runs: Option<u64>,
    corpus: usize,
    crashed: bool,
    log: PathBuf,
}

/// `cargo xtask fuzz [--seconds N] [TARGET…]`.
fn fuzz(args: Vec<String>) -> Result<()> {
    let mut seconds = 60u64;
    let mut targets = Vec::new();
    let mut reuse = false;
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        if a == "--reuse-seeds" {
            reuse = true;
        } else if a == "--seconds" {
            seconds = it
                .next()
                .and_then(|s| s.parse().ok())
                .context("--seconds takes a number of seconds")?;
        } else if FUZZ_TARGETS.contains(&a.as_str()) {
            targets.push(a);
        } else {
            bail!(
                "`{a}` is not a fuzz target; the targets are: {}",
                FUZZ_TARGETS.join(", ")
            );
        }
    }
    if targets.is_empty() {
        targets = FUZZ_TARGETS.iter().map(|t| (*t).to_owned()).collect();
    }
    let base = target_dir().join("fuzz");
    let seeds = base.join("seeds");
    let trust = base.join("trusted.pub.pem");
    if !(reuse && seeds.is_dir() && trust.is_file()) {
        build()?;
        std::fs::create_dir_all(&base)?;
        fuzz_seeds(&seeds, &trust)?;
    }
    ensure_cargo_fuzz()?;
    // Build every target first: a target that does not build is an error of
    // its own, never mistaken for a crash found by fuzzing.
    run(Command::new("cargo")
        .current_dir(root())
        .args([
            "+nightly",
            "fuzz",
            "build",
            "--fuzz-dir",
            "fuzz",
            "--target-dir",
        ])
        .arg(base.join("build")))
    .context("the fuzz targets do not build")?;
    let mut done = Vec::new();
    for t in &targets {
        let corpus = base.join("corpus").join(t);
        let artifacts = base.join("artifacts").join(t);
        let logs = base.join("logs");
        for d in [&corpus, &artifacts, &logs] {
            std::fs::create_dir_all(d)?;
        }
        // Crashes an earlier run found go into the corpus, which libFuzzer
        // runs first: a crash that was fixed stays as a regression input, one
        // that was not is found again at once. So what is left in the
        // artifacts afterwards is what this run found.
        for a in std::fs::read_dir(&artifacts)? {
            let a = a?;
            std::fs::rename(a.path(), corpus.join(a.file_name()))?;
        }
        let log = logs.join(format!("{t}.log"));
        eprintln!(
            "xtask: fuzzing {t} for {seconds} s (log: {})",
            log.display()
        );
        let out = std::fs::File::create(&log)?;
        let status = Command::new("cargo")
            .current_dir(root())
            .env("MIZUCHI_FUZZ_TRUST", &trust)
            .args([
                "+nightly",
                "fuzz",
                "run",
                "--fuzz-dir",
                "fuzz",
                "--target-dir",
            ])
            .arg(base.join("build"))
            .arg(t)
            .arg(&corpus)
            .arg(seeds.join(t))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .args(["-timeout=20", "-rss_limit_mb=4096", "-print_final_stats=1"])
            // A real .evtx seed is a megabyte or two; mutating the file
            // header and its first two chunks (64 KiB each) reaches every
            // parsing path at a hundred times the speed.
            .args(if t == "evtx" {
                &["-max_len=135168"][..]
            } else {
                &[][..]
            })
            .stdout(out.try_clone()?)
            .stderr(out)
            .status()
            .context("cannot run `cargo fuzz`")?;
        let text = std::fs::read_to_string(&log)?;
        let runs = text.lines().rev().find_map(|l| {
            l.strip_prefix("Done ")
                .and_then(|r| r.split(' ').next()?.parse().ok())
        });
        let crashed = std::fs::read_dir(&artifacts)?.next().is_some();
        if !status.success() && !crashed {
            bail!(
                "fuzzing {t} stopped without finding a crash ({status}); see {}",
                log.display()
            );
        }
        done.push(FuzzRun {
            target: t.clone(),
            seconds,
            runs,
            corpus: std::fs::read_dir(&corpus)?.count(),
            crashed,
            log,
        });
    }
    println!("| target | seconds | runs | corpus | result |");
    println!("| --- | ---: | ---: | ---: | --- |");
    for r in &done {
        println!(
            "| {} | {} | {} | {} | {} |",
            r.target,
            r.seconds,
            r.runs.map_or_else(|| "?".into(), |n| n.to_string()),
            r.corpus,
            if r.crashed {
                format!("FOUND A CRASH: see {}", r.log.display())
            } else {
                "no crash".into()
            }
        );
    }
    if done.iter().any(|r| r.crashed) {
        bail!(
            "a fuzz target crashed; the inputs are under {}",
            base.join("artifacts").display()
        );
    }
    Ok(())
}

fn wasm_dir() -> PathBuf {
    target_dir().join(WASM_TARGET).join(RULES_PROFILE)
}

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "build" => build(),
        "demo" => demo(),
        "test" => test(),
        "bench" => bench(std::env::args().skip(2).collect()),
        "fuzz" => fuzz(std::env::args().skip(2).collect()),
        _ => {
            eprintln!(
                "usage: cargo xtask <build|demo|test|bench [--sizes N,N,…]|fuzz [--seconds N] [TARGET…]>"
            );
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
