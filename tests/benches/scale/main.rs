//! `cargo xtask bench`: how the whole official pack scales with a utility's
//! evidence, measured side by side against the cost of reading the evidence
//! once, against the same rules run natively, and against regorus.
//!
//! It makes synthetic bundles with `mizuchi evidence synth` (10 thousand,
//! 1 million and 10 million authentication events by default, door events
//! and inventories scaled alongside), measures, prints a table and writes
//! `BENCHMARKS.md`. Ratios are measured in one run on one machine; absolute
//! times are there for context. This is a benchmark, not a test: it asserts
//! nothing, it reports.
//!
//! Usage (through `cargo xtask bench [--sizes 10000,1000000]`):
//! `scale [--sizes N,N,…] [--only-intake] [--only-reports] [--only-authoring] [--only-hub] [--out FILE]`; the helpers `measure`, `floor`,
//! `native` and `peer` are this same binary run as child processes, so that
//! each figure of memory belongs to one process.

// A benchmark that cannot do what it measures has nothing to report: it stops.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod authoring;
mod floor;
mod hub;
mod intake;
mod measure;
mod native;
mod peer;
mod reports;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use measure::Cost;

// The same allocator as the `mizuchi` binary, so that the floor, the native
// rules and the peer are measured on equal terms with it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The log-heavy rules whose sandbox overhead is measured.
const LOG_RULES: &[&str] = &["MLIT-ACC-01", "MLIT-ACC-02", "MLIT-PHY-01", "MLIT-AST-01"];

/// Largest bundle the Rego peer is run on: it holds the whole input in memory
/// as a tree of values, which at 10 million events would not fit this machine.
const PEER_MAX: u64 = 1_000_000;
/// From this size on, goal 3 asks for 10× regorus (5× below it).
const PEER_GOAL_FROM: u64 = 100_000;

/// How many pairs (floor then pack, native then sandbox) each size is
/// measured in: every ratio is a pair's, the figure their median.
const PAIRS: usize = 3;

struct Paths {
    root: PathBuf,
    bench: PathBuf,
    mizuchi: PathBuf,
    unsigned_pack: PathBuf,
    signed_pack: PathBuf,
    home: PathBuf,
    cache: PathBuf,
}

impl Paths {
    fn new() -> Paths {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the workspace")
            .to_owned();
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(d) => root.join(d),
            None => root.join("target"),
        };
        let bench = target.join("bench");
        Paths {
            mizuchi: target.join("release/mizuchi"),
            unsigned_pack: target.join("packs/mlit-water.pack"),
            signed_pack: bench.join("mlit-water.pack"),
            home: bench.join("home"),
            cache: bench.join("cache"),
            bench,
            root,
        }
    }

    /// What every measured `mizuchi` runs with: the bench's home and cache.
    fn env(&self) -> [(&'static str, &Path); 2] {
        [
            ("MIZUCHI_HOME", self.home.as_path()),
            ("MIZUCHI_CACHE_DIR", self.cache.as_path()),
        ]
    }

    /// `mizuchi eval` of the signed pack over `bundle`, as JSON, with `extra`.
    fn eval_args(&self, bundle: &Path, extra: &[&str]) -> Vec<String> {
        let mut args = vec![
            "eval".to_owned(),
            "-q".into(),
            "--pack".into(),
            s(&self.signed_pack),
            "--evidence".into(),
            s(bundle),
            "--format".into(),
            "json".into(),
        ];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        args
    }

    fn mizuchi(&self) -> Command {
        let mut c = Command::new(&self.mizuchi);
        c.env("MIZUCHI_HOME", &self.home)
            .env("MIZUCHI_CACHE_DIR", &self.cache);
        c
    }
}

fn check(cmd: &mut Command) {
    let out = cmd.output().expect("run mizuchi");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Signs the official pack with a bench key the bench home trusts, and warms
/// the compile cache.
fn prepare(p: &Paths) {
    let _ = std::fs::remove_dir_all(&p.home);
    std::fs::create_dir_all(&p.home).expect("the bench home");
    let key = p.bench.join("BENCH-ONLY-regulator-key.pem");
    if !key.exists() {
        check(
            p.mizuchi()
                .args(["key", "generate", "-q", "--out"])
                .arg(&key),
        );
    }
    check(
        p.mizuchi()
            .args(["pack", "sign", "-q"])
            .arg(&p.unsigned_pack)
            .arg("--key")
            .arg(&key)
            .arg("--out")
            .arg(&p.signed_pack),
    );
    check(
        p.mizuchi()
            .args([
                "trust",
                "add",
                "--name",
                "MLIT",
                "--namespace",
                "MLIT-",
                "--key",
            ])
            .arg(mizuchi::public_path(&key)),
    );
    check(
        p.mizuchi()
            .args(["rules", "-q", "--pack"])
            .arg(&p.signed_pack),
    );
}

/// The synthetic bundle with `n` authentication events (made once).
fn bundle(p: &Paths, n: u64) -> PathBuf {
    let dir = p.bench.join("bundles").join(format!("auth-{n}"));
    if dir.join("manifest.json").exists() {
        return dir;
    }
    let assets = (n / 500).clamp(50, 20_000);
    eprintln!("bench: making a bundle of {n} authentication events ({assets} assets)…");
    let _ = std::fs::remove_dir_all(&dir);
    check(
        p.mizuchi()
            .args(["evidence", "synth", "-q", "--seed", "42", "--out"])
            .arg(&dir)
            .args(["--assets", &assets.to_string()])
            .args(["--people", &(assets * 2).to_string()])
            .args(["--auth-events", &n.to_string()])
            .args(["--door-events", &(n / 2).to_string()]),
    );
    dir
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// The cheapest of `runs` measurements (memory: the highest).
fn best(runs: usize, f: impl Fn() -> Cost) -> Cost {
    let all: Vec<Cost> = (0..runs).map(|_| f()).collect();
    Cost {
        wall_ms: all.iter().map(|c| c.wall_ms).fold(f64::INFINITY, f64::min),
        cpu_ms: all.iter().map(|c| c.cpu_ms).fold(f64::INFINITY, f64::min),
        rss_mib: all.iter().map(|c| c.rss_mib).fold(0.0, f64::max),
        code: all.iter().map(|c| c.code).max().unwrap_or(0),
    }
}

struct RuleRow {
    rule: &'static str,
    native: Cost,
    sandbox: Cost,
    /// Sandbox ÷ native, per pair.
    ratios: measure::Ratios,
}

struct PeerRow {
    rule: String,
    ours_ms: f64,
    rego_ms: f64,
    rego_rss: f64,
    note: String,
}

struct SizeRow {
    events: u64,
    bundle_mb: f64,
    /// The load averages when this size's measurements began.
    load: String,
    floor: Cost,
    pack: Cost,
    /// Pack ÷ floor, per pair, in wall and processor time.
    wall: measure::Ratios,
    cpu: measure::Ratios,
    /// One document-only rule over the same bundle: what opening it costs
    /// without reading any log (documents scale with the bundle too).
    documents_only: Cost,
    /// A full run recorded in a ledger, then `--incremental` over the same
    /// bundle with its door log changed (up to 10M events).
    incremental: Option<Incremental>,
    errors: usize,
    rules: Vec<RuleRow>,
    peers: Vec<PeerRow>,
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum()
}

/// Reads every file of the bundle once, so that every contender, the first
/// included, finds it in the page cache.
fn warm_page_cache(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if let Ok(mut f) = std::fs::File::open(entry.path()) {
            let _ = std::io::copy(&mut f, &mut std::io::sink());
        }
    }
}

fn measure_size(p: &Paths, n: u64) -> SizeRow {
    let dir = bundle(p, n);
    warm_page_cache(&dir);
    let me = std::env::current_exe().expect("the bench binary");
    let load = measure::load();
    let runs = if n >= 10_000_000 { 2 } else { 3 };
    eprintln!("bench: {n} events: floor and full pack, in pairs");
    let report = p.bench.join(format!("report-{n}.json"));
    let env = p.env();
    let eval = |extra: &[&str]| p.eval_args(&dir, extra);
    let pair = measure::paired(
        PAIRS,
        || measure::run(&me, &["floor".into(), s(&dir)], &[], None),
        || measure::run(&p.mizuchi, &eval(&[]), &env, Some(&report)),
    );
    let documents_only = best(runs, || {
        measure::run(&p.mizuchi, &eval(&["--rule", "MLIT-GOV-01"]), &env, None)
    });
    let results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap_or_default()).unwrap_or_default();
    let errors = results["results"]
        .as_array()
        .map(|r| r.iter().filter(|r| r["outcome"] == "error").count())
        .unwrap_or(usize::MAX);
    let mut rules = Vec::new();
    for &rule in LOG_RULES {
        eprintln!("bench: {n} events: {rule} native and sandboxed");
        let pair = measure::paired(
            PAIRS,
            || measure::run(&me, &["native".into(), rule.into(), s(&dir)], &[], None),
            || measure::run(&p.mizuchi, &eval(&["--rule", rule]), &env, None),
        );
        rules.push(RuleRow {
            rule,
            native: pair.a,
            sandbox: pair.b,
            ratios: pair.wall,
        });
    }
    let mut peers = Vec::new();
    if n <= PEER_MAX {
        for rule in ["MLIT-ACC-01", "MLIT-ORD-03"] {
            eprintln!("bench: {n} events: {rule} against regorus");
            let out = p.bench.join(format!("peer-{rule}-{n}.json"));
            // Each side's best of the runs; the decisions of every run count.
            let (mut ours_ms, mut rego_ms, mut rego_rss) = (f64::INFINITY, f64::INFINITY, 0f64);
            let mut v = serde_json::Value::Null;
            for _ in 0..runs {
                let cost = measure::run(
                    &me,
                    &[
                        "peer".into(),
                        rule.into(),
                        s(&p.unsigned_pack),
                        s(&p.cache),
                        s(&dir),
                    ],
                    &[],
                    Some(&out),
                );
                let run: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(&out).unwrap_or_default())
                        .unwrap_or_default();
                ours_ms = ours_ms.min(run["ours_ms"].as_f64().unwrap_or(f64::NAN));
                rego_ms = rego_ms.min(run["rego_ms"].as_f64().unwrap_or(f64::NAN));
                rego_rss = rego_rss.max(cost.rss_mib);
                if v.is_null() || run["agree"] != true {
                    v = run;
                }
            }
            let note = if v["agree"] == true {
                format!("same {} subjects decided alike", v["subjects"])
            } else {
                format!(
                    "DIFFER: {}",
                    [&v["differ"], &v["only_ours"], &v["only_rego"]]
                        .iter()
                        .filter(|x| !x.is_null())
                        .map(|x| x.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            };
            peers.push(PeerRow {
                rule: rule.into(),
                ours_ms,
                rego_ms,
                rego_rss,
                note,
            });
        }
    }
    let incremental = (n <= 10_000_000).then(|| {
        eprintln!("bench: {n} events: a recorded run, then one with the door log changed");
        incremental(p, &dir, n)
    });
    SizeRow {
        events: n,
        bundle_mb: dir_size(&dir) as f64 / 1e6,
        load,
        floor: pair.a,
        pack: pair.b,
        wall: pair.wall,
        cpu: pair.cpu,
        documents_only,
        incremental,
        errors,
        rules,
        peers,
    }
}

/// A month later at the same utility: the bundle of `dir` with one door
/// event more (its other files hard links to the same bytes). Records a full
/// run of `dir` in a new ledger, then re-evaluates the changed bundle with
/// `--incremental`, and last runs the rules it re-ran alone.
fn incremental(p: &Paths, dir: &Path, n: u64) -> Incremental {
    let work = p.bench.join(format!("incremental-{n}"));
    let _ = std::fs::remove_dir_all(&work);
    let changed = work.join("bundle");
    let mut manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("manifest.json")).expect("the bundle's manifest"),
    )
    .expect("a manifest");
    for f in manifest["files"].as_array_mut().expect("files") {
        let rel = f["path"].as_str().expect("a path").to_owned();
        let (from, to) = (dir.join(&rel), changed.join(&rel));
        std::fs::create_dir_all(to.parent().expect("a folder")).expect("a folder");
        if f["kind"] == "door-events" {
            let mut bytes = std::fs::read(&from).expect("the door log");
            bytes.extend_from_slice(
                b"{\"time\":\"2026-11-26T23:59:59Z\",\"area\":\"bench\",\"door\":\"bench\",\"card\":\"C-BENCH\",\"result\":\"denied\",\"direction\":\"entry\"}\n",
            );
            std::fs::write(&to, &bytes).expect("the changed door log");
            f["sha256"] = mizuchi_ledger::digest::sha256_hex(&bytes).into();
            f["imported_sha256"] = f["sha256"].clone();
        } else {
            std::fs::hard_link(&from, &to).expect("a hard link");
        }
    }
    std::fs::write(
        changed.join("manifest.json"),
        serde_json::to_vec_pretty(&manifest).expect("a manifest"),
    )
    .expect("the changed manifest");
    let key = work.join("utility.pem");
    check(
        p.mizuchi()
            .args(["key", "generate", "-q", "--out"])
            .arg(&key),
    );
    let ledger = s(&work.join("results.jsonl"));
    let env = p.env();
    let record = ["--ledger", ledger.as_str(), "--key", &s(&key)];
    let full = measure::run(&p.mizuchi, &p.eval_args(dir, &record), &env, None);
    let mut again = record.to_vec();
    again.push("--incremental");
    let incr = measure::run(&p.mizuchi, &p.eval_args(&changed, &again), &env, None);
    // The rules the incremental run did not reuse, from its run header.
    let shown = p
        .mizuchi()
        .args(["ledger", "show", "--format", "json", &ledger])
        .output()
        .expect("run mizuchi ledger show");
    let runs: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("the ledger's runs");
    let rerun: Vec<String> = runs
        .as_array()
        .and_then(|r| r.last())
        .and_then(|r| r["rules"].as_array())
        .expect("the last run's rules")
        .iter()
        .filter(|r| r["reused"] != true)
        .filter_map(|r| r["rule"].as_str().map(str::to_owned))
        .collect();
    // With no rule named, `eval` would run them all: that is no floor.
    assert!(
        !rerun.is_empty(),
        "the incremental run re-ran no rule after the door log changed"
    );
    let mut only: Vec<&str> = Vec::new();
    for r in &rerun {
        only.extend(["--rule", r.as_str()]);
    }
    let alone = measure::run(&p.mizuchi, &p.eval_args(&changed, &only), &env, None);
    let _ = std::fs::remove_dir_all(&work);
    Incremental {
        full,
        incremental: incr,
        rerun,
        alone,
    }
}

/// A full run, the incremental run after the door log changed, and the
/// rules that incremental run re-ran, run alone without a ledger: the work
/// any re-evaluation must redo (read the changed log, run what reads it).
struct Incremental {
    full: Cost,
    incremental: Cost,
    rerun: Vec<String>,
    alone: Cost,
}

impl Incremental {
    /// Some run exited with an error (exit 1 is findings).
    fn failed(&self) -> bool {
        [&self.full, &self.incremental, &self.alone]
            .iter()
            .any(|c| c.code > 1)
    }

    /// `cost` as a percentage of the full run.
    fn share(&self, cost: &Cost) -> f64 {
        cost.wall_ms / self.full.wall_ms * 100.0
    }
}

struct Startup {
    cold_ms: f64,
    warm_ms: f64,
}

/// Time to the first rule result: one rule over the sample utility, with an
/// empty compile cache and then with a warm one.
fn startup(p: &Paths) -> Startup {
    let cold_cache = p.bench.join("cold-cache");
    let sample = p.root.join("samples/minamiyama/bundle");
    let args = |cache: &Path| {
        vec![
            "--cache-dir".to_owned(),
            s(cache),
            "eval".into(),
            "-q".into(),
            "--pack".into(),
            s(&p.signed_pack),
            "--evidence".into(),
            s(&sample),
            "--rule".into(),
            "MLIT-GOV-01".into(),
            "--format".into(),
            "json".into(),
        ]
    };
    let env = [("MIZUCHI_HOME", p.home.as_path())];
    let cold = best(3, || {
        let _ = std::fs::remove_dir_all(&cold_cache);
        measure::run(&p.mizuchi, &args(&cold_cache), &env, None)
    });
    let warm = best(10, || measure::run(&p.mizuchi, &args(&p.cache), &env, None));
    Startup {
        cold_ms: cold.wall_ms,
        warm_ms: warm.wall_ms,
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map_or_else(
            || "unknown".into(),
            |k| format!("{:.1} GiB", k / 1024.0 / 1024.0),
        );
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines().find(|l| l.starts_with("PRETTY_NAME=")).map(|l| {
                l.trim_start_matches("PRETTY_NAME=")
                    .trim_matches('"')
                    .to_owned()
            })
        })
        .unwrap_or_else(|| std::env::consts::OS.into());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores available, {mem} RAM; {os}; {rustc}")
}

fn per_million(ms: f64, n: u64) -> f64 {
    ms / (n as f64 / 1e6)
}

fn render(rows: &[SizeRow], start: &Startup) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## Full pack against the floor\n");
    let _ = writeln!(
        o,
        "Floor and pack are measured in {PAIRS} pairs, back to back; times are medians, each ratio the median of \
         the pairs' ratios with their range in brackets (a busy machine widens the range rather than moving the \
         figure). The load averages (1, 5, 15 minutes) when each size began are in the last column.\n"
    );
    let _ = writeln!(
        o,
        "| auth events | bundle | floor | pack (29 rules, all limits on) | pack ÷ floor | floor CPU | pack CPU | CPU ÷ | pack per million events | pack peak RSS | RSS without logs | rules in error | load |"
    );
    let _ = writeln!(
        o,
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for r in rows {
        let _ = writeln!(
            o,
            "| {} | {:.0} MB | {:.0} ms | {:.0} ms | **{}** | {:.0} ms | {:.0} ms | {} | {:.0} ms | {:.0} MiB | {:.0} MiB | {} | {} |",
            r.events,
            r.bundle_mb,
            r.floor.wall_ms,
            r.pack.wall_ms,
            r.wall.shown(2),
            r.floor.cpu_ms,
            r.pack.cpu_ms,
            r.cpu.shown(2),
            per_million(r.pack.wall_ms, r.events),
            r.pack.rss_mib,
            r.documents_only.rss_mib,
            r.errors,
            r.load
        );
    }
    let _ = writeln!(o, "\n## Re-evaluation of what changed\n");
    let _ = writeln!(
        o,
        "A full run recorded in a new ledger, then `mizuchi eval --incremental` into the same ledger over the bundle \
         with one door event more (every other file the same): the rules that read door events run again, every \
         other result is reused by reference, and the logs only reused rules read are not read. Both runs sign \
         and append their entries. Last, the rules the incremental run re-ran are run alone over the changed \
         bundle (`--rule` for each, no ledger): reading the changed log and running what reads it is work any \
         re-evaluation must redo, so that time is the floor of an incremental run, and what the incremental run \
         takes beyond it is the cost of reusing (verifying the ledger, deciding, signing and appending).\n"
    );
    let _ = writeln!(
        o,
        "| auth events | full run | incremental | incremental ÷ full | incremental CPU | incremental peak RSS | rules re-run | those rules alone | alone ÷ full | incremental ÷ alone |"
    );
    let _ = writeln!(
        o,
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |"
    );
    for r in rows {
        if let Some(inc) = &r.incremental {
            let Incremental {
                full,
                incremental: incr,
                rerun,
                alone,
            } = inc;
            if inc.failed() {
                let _ = writeln!(
                    o,
                    "| {} | exit {} | exit {} | failed | | | | exit {} | | |",
                    r.events, full.code, incr.code, alone.code
                );
                continue;
            }
            let _ = writeln!(
                o,
                "| {} | {:.0} ms | {:.0} ms | **{:.1}%** | {:.0} ms | {:.0} MiB | {} | {:.0} ms | {:.1}% | {:.2}× |",
                r.events,
                full.wall_ms,
                incr.wall_ms,
                inc.share(incr),
                incr.cpu_ms,
                incr.rss_mib,
                rerun.join(", "),
                alone.wall_ms,
                inc.share(alone),
                incr.wall_ms / alone.wall_ms
            );
        }
    }
    let _ = writeln!(o, "\n## Sandbox overhead of the log-heavy rules\n");
    let _ = writeln!(
        o,
        "Native: the same rule function through the SDK's native path, reading the files itself. \
         Sandbox: `mizuchi eval --rule R` as a process (start, verify the manifest, the documents and the log the rule reads, parse the log once on every core, run the rule under every limit).\n"
    );
    let _ = writeln!(
        o,
        "| auth events | rule | native | sandbox | sandbox ÷ native |"
    );
    let _ = writeln!(o, "| ---: | --- | ---: | ---: | ---: |");
    for r in rows {
        for x in &r.rules {
            let _ = writeln!(
                o,
                "| {} | {} | {:.0} ms | {:.0} ms | **{}** |",
                r.events,
                x.rule,
                x.native.wall_ms,
                x.sandbox.wall_ms,
                x.ratios.shown(2)
            );
        }
    }
    let _ = writeln!(o, "\n## Against regorus\n");
    let _ = writeln!(
        o,
        "ACC-01: both sides from the files on disk (ours: open and verify the bundle, parse the log once, run the rule; regorus: read the log, build its input, evaluate). \
         ORD-03: the documents are small; both sides timed from their input in memory (ours: the sandboxed run over the opened bundle; regorus: parse the input and evaluate). \
         Policies: `tests/benches/scale/*.rego`; their decisions are compared with the official rules'.\n"
    );
    let _ = writeln!(
        o,
        "| auth events | rule | Mizuchi | regorus | regorus ÷ Mizuchi | regorus peak RSS | decisions |"
    );
    let _ = writeln!(o, "| ---: | --- | ---: | ---: | ---: | ---: | --- |");
    for r in rows {
        for x in &r.peers {
            let _ = writeln!(
                o,
                "| {} | {} | {:.0} ms | {:.0} ms | **{:.1}×** | {:.0} MiB | {} |",
                r.events,
                x.rule,
                x.ours_ms,
                x.rego_ms,
                x.rego_ms / x.ours_ms,
                x.rego_rss,
                x.note
            );
        }
    }
    let _ = writeln!(o, "\n## Start-up\n");
    let _ = writeln!(
        o,
        "Time to the first rule result (`mizuchi eval --rule MLIT-GOV-01` on the sample utility, as a process): \
         cold (empty compile cache) **{:.0} ms**, warm **{:.0} ms**.",
        start.cold_ms, start.warm_ms
    );
    let _ = writeln!(o, "\n## Goals\n");
    let big: Vec<&SizeRow> = rows.iter().filter(|r| r.events >= 1_000_000).collect();
    let worst_pack = big.iter().map(|r| r.wall.median()).fold(0.0, f64::max);
    let worst_rule = rows
        .iter()
        .filter(|r| r.events >= 1_000_000)
        .flat_map(|r| r.rules.iter().map(|x| x.ratios.median()))
        .fold(0.0, f64::max);
    let largest = rows.iter().max_by_key(|r| r.events);
    let mark = |ok: bool| if ok { "met" } else { "**not met**" };
    let worst_cpu = big.iter().map(|r| r.cpu.median()).fold(0.0, f64::max);
    let in_error: usize = big.iter().map(|r| r.errors).sum();
    let unmeasured = "not measured (no size of 1M events or more was run)";
    if big.is_empty() {
        let _ = writeln!(
            o,
            "1. Full pack at ≥ 1M events ≤ 2× the floor: {unmeasured}."
        );
        let _ = writeln!(
            o,
            "2. Sandbox overhead per log-heavy rule ≤ 1.3× native (≥ 1M events): {unmeasured}."
        );
    } else {
        let _ = writeln!(
            o,
            "1. Full pack at ≥ 1M events ≤ 2× the floor: worst median {worst_pack:.2}× in wall time{} — {} \
             (processor time, all cores: worst median {worst_cpu:.2}×).",
            if in_error == 0 {
                String::new()
            } else {
                format!(", {in_error} rules in error")
            },
            mark(worst_pack <= 2.0 && in_error == 0)
        );
        let _ = writeln!(
            o,
            "2. Sandbox overhead per log-heavy rule ≤ 1.3× native (≥ 1M events): worst median {worst_rule:.2}× — {}.",
            mark(worst_rule <= 1.3)
        );
    }
    // Goal 3 (step 14): at least 10× regorus from 100k events, 5× at
    // smaller sizes, where starting and verifying weigh most; a size whose
    // decisions differ from the policy's meets nothing.
    let peered: Vec<&SizeRow> = rows.iter().filter(|r| !r.peers.is_empty()).collect();
    if peered.is_empty() {
        let _ = writeln!(
            o,
            "3. ≥ 10× faster than regorus at ≥ 100k events, ≥ 5× below: not measured (no size of {PEER_MAX} events or fewer was run)."
        );
    } else {
        let mut met = peered.iter().any(|r| r.events >= PEER_GOAL_FROM);
        let per_size: Vec<String> = peered
            .iter()
            .map(|r| {
                let least = r
                    .peers
                    .iter()
                    .map(|x| x.rego_ms / x.ours_ms)
                    .fold(f64::INFINITY, f64::min);
                let goal = if r.events >= PEER_GOAL_FROM {
                    10.0
                } else {
                    5.0
                };
                let agree = r.peers.iter().all(|x| !x.note.starts_with("DIFFER"));
                met &= least >= goal && agree;
                let differ = if agree { "" } else { ", decisions differ" };
                format!("{least:.1}× at {} (goal {goal:.0}×{differ})", r.events)
            })
            .collect();
        let unmeasured = if peered.iter().any(|r| r.events >= PEER_GOAL_FROM) {
            ""
        } else {
            "; at ≥ 100k events not measured"
        };
        let _ = writeln!(
            o,
            "3. ≥ 10× faster than regorus at ≥ 100k events, ≥ 5× below (verification included): least {}{unmeasured} — {}.",
            per_size.join(", "),
            mark(met)
        );
    }
    if let Some(l) = largest {
        let rss: Vec<String> = rows
            .iter()
            .map(|r| {
                format!(
                    "{:.0} MiB at {} ({:.0} MiB of it without reading any log)",
                    r.pack.rss_mib, r.events, r.documents_only.rss_mib
                )
            })
            .collect();
        let _ = writeln!(
            o,
            "4. Peak RSS at the largest size ≤ 512 MiB and flat: {} — {} for the bound; \
             what the logs add beyond the documents (which grow with the inventory here): {}.",
            rss.join(", "),
            mark(l.pack.rss_mib <= 512.0),
            rows.iter()
                .map(|r| format!("{:.0} MiB", r.pack.rss_mib - r.documents_only.rss_mib))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(
        o,
        "5. Warm start to first result < 50 ms: {:.0} ms — {}; cold {:.0} ms.",
        start.warm_ms,
        mark(start.warm_ms < 50.0),
        start.cold_ms
    );
    let scaling: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{:.0} ms/M at {}",
                per_million(r.pack.wall_ms, r.events),
                r.events
            )
        })
        .collect();
    let _ = writeln!(
        o,
        "6. Linear scaling (full pack, time per million events): {}.",
        scaling.join(", ")
    );
    // Step 14's goals for the largest sizes. A run with a rule in error
    // did not judge everything, so it meets nothing.
    let complete = |r: &SizeRow| {
        if r.errors == 0 {
            String::new()
        } else {
            format!(" ({} rules in error: the run is incomplete)", r.errors)
        }
    };
    let ten = rows.iter().find(|r| r.events == 10_000_000);
    match ten {
        Some(r) => {
            let (wall, cpu) = (r.wall.median(), r.cpu.median());
            let _ = writeln!(
                o,
                "7. 10M events within 1.25× of the floor in wall time and 1.6× in processor time: {wall:.2}× and {cpu:.2}×{} — {}.",
                complete(r),
                mark(wall <= 1.25 && cpu <= 1.6 && r.errors == 0)
            );
        }
        None => {
            let _ = writeln!(
                o,
                "7. 10M events within 1.25× of the floor in wall time and 1.6× in processor time: not measured (10M was not run)."
            );
        }
    }
    match (rows.iter().find(|r| r.events == 100_000_000), ten) {
        (Some(h), Some(t)) => {
            let (per_h, per_t) = (
                per_million(h.pack.wall_ms, h.events),
                per_million(t.pack.wall_ms, t.events),
            );
            let _ = writeln!(
                o,
                "8. 100M events in at most 512 MiB, each million within 10% of the time it takes at 10M: {:.0} MiB, {per_h:.0} ms/M against {per_t:.0} ms/M ({:+.1}%){} — {}.",
                h.pack.rss_mib,
                (per_h / per_t - 1.0) * 100.0,
                complete(h),
                mark(h.pack.rss_mib <= 512.0 && per_h <= per_t * 1.1 && h.errors == 0)
            );
        }
        _ => {
            let _ = writeln!(
                o,
                "8. 100M events in at most 512 MiB, each million within 10% of the time it takes at 10M: not measured (run `cargo xtask bench --sizes 10000000,100000000`, about 24 GB of evidence)."
            );
        }
    }
    match ten.and_then(|r| r.incremental.as_ref()) {
        Some(inc) if !inc.failed() => {
            let Incremental {
                full,
                incremental: incr,
                rerun,
                alone,
            } = inc;
            let share = inc.share(incr);
            let _ = writeln!(
                o,
                "9. Re-evaluating a 10M-event bundle whose door log alone changed in at most 10% of a full run: {:.0} ms against {:.0} ms ({share:.1}%) — {}. The {} rules that read the changed log ({}), run alone, take {:.0} ms ({:.1}% of the full run): no re-evaluation that reads that log again can go below it.",
                incr.wall_ms,
                full.wall_ms,
                mark(share <= 10.0),
                rerun.len(),
                rerun.join(", "),
                alone.wall_ms,
                inc.share(alone)
            );
        }
        Some(_) => {
            let _ = writeln!(
                o,
                "9. Re-evaluating a 10M-event bundle whose door log alone changed in at most 10% of a full run: a run failed — not met."
            );
        }
        None => {
            let _ = writeln!(
                o,
                "9. Re-evaluating a 10M-event bundle whose door log alone changed in at most 10% of a full run: not measured (10M was not run)."
            );
        }
    }
    o
}

/// `doc` with the section that starts with `heading` replaced by
/// `section` (or, if it has none, added before the goals).
fn splice(doc: &str, heading: &str, section: &str) -> String {
    if let Some(start) = doc.find(heading) {
        let end = doc[start + 1..]
            .find("\n## ")
            .map_or(doc.len(), |i| start + 1 + i + 1);
        format!("{}{section}\n{}", &doc[..start], &doc[end..])
    } else if let Some(goals) = doc.find("## Goals") {
        format!("{}{section}\n{}", &doc[..goals], &doc[goals..])
    } else {
        format!("{doc}\n{section}")
    }
}

fn orchestrate(args: &[String]) -> ExitCode {
    let mut sizes: Vec<u64> = vec![10_000, 100_000, 1_000_000, 10_000_000];
    let mut out: Option<PathBuf> = None;
    let mut only_intake = false;
    let mut only_reports = false;
    let mut only_authoring = false;
    let mut only_hub = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--sizes" => {
                sizes = it
                    .next()
                    .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
                    .unwrap_or_default();
            }
            "--out" => out = it.next().map(PathBuf::from),
            // Only the intake section, spliced into the existing file.
            "--only-intake" => only_intake = true,
            // Only the reports section, spliced into the existing file.
            "--only-reports" => only_reports = true,
            // Only the rule tests section, spliced into the existing file.
            "--only-authoring" => only_authoring = true,
            // Only the hub section, spliced into the existing file.
            "--only-hub" => only_hub = true,
            other => {
                eprintln!(
                    "bench: unknown argument `{other}`; use --sizes N,N,…, --only-intake, --only-reports, --only-authoring, --only-hub and --out FILE"
                );
                return ExitCode::from(2);
            }
        }
    }
    let p = Paths::new();
    assert!(
        p.mizuchi.exists() && p.unsigned_pack.exists(),
        "build first: `cargo xtask bench` builds the release binary and the pack"
    );
    std::fs::create_dir_all(&p.bench).expect("the bench directory");
    let out = out.unwrap_or_else(|| p.root.join("BENCHMARKS.md"));
    if only_intake || only_reports || only_authoring || only_hub {
        let mut doc = std::fs::read_to_string(&out).unwrap_or_default();
        if only_intake {
            let section = intake::render(&intake::measure(&p));
            println!("{section}");
            doc = splice(&doc, "## Intake", &section);
        }
        if only_reports {
            prepare(&p);
            let section = reports::render(&reports::measure(&p));
            println!("{section}");
            doc = splice(&doc, "## Reports", &section);
        }
        if only_authoring {
            let section = authoring::render(&authoring::measure(&p));
            println!("{section}");
            doc = splice(&doc, "## Rule tests", &section);
        }
        if only_hub {
            let section = hub::render(&hub::measure(&p));
            println!("{section}");
            doc = splice(&doc, "## Hub ingest", &section);
        }
        std::fs::write(&out, doc).expect("write BENCHMARKS.md");
        eprintln!("bench: wrote {}", out.display());
        return ExitCode::SUCCESS;
    }
    let load_start = measure::load();
    prepare(&p);
    let rows: Vec<SizeRow> = sizes.iter().map(|&n| measure_size(&p, n)).collect();
    eprintln!("bench: start-up");
    let start = startup(&p);
    let intake = intake::render(&intake::measure(&p));
    let mut body = splice(&render(&rows, &start), "## Intake", &intake);
    if sizes.contains(&reports::EVENTS) {
        body = splice(&body, "## Reports", &reports::render(&reports::measure(&p)));
    }
    body = splice(
        &body,
        "## Rule tests",
        &authoring::render(&authoring::measure(&p)),
    );
    body = splice(&body, "## Hub ingest", &hub::render(&hub::measure(&p)));
    let date = Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let doc = format!(
        "# Benchmarks\n\nMeasured by `cargo xtask bench` on {date}: {}.\n\n\
         Synthetic bundles from `mizuchi evidence synth --seed 42` (door events half the \
         authentication events; assets one per 500 events, 50 to 20,000; people twice the assets). \
         The floor is a native program that reads and parses every section once into the \
         evidence types, one thread per file; the pack is the signed official pack through \
         `mizuchi eval` (release build, warm compile cache) with every sandbox limit on: it also \
         hashes every file, checks the documents against their schemas and references, and \
         parses each log on every core, so its processor time (user plus system, all cores) is \
         the like-for-like cost beside the wall time. \"RSS without logs\" is one document-only \
         rule over the same bundle. Every program, the floor included, uses the same allocator \
         (mimalloc). Each bundle is read once before it is measured, so every contender finds it \
         in the page cache. Contenders are measured in pairs, back to back, and each figure is the median of the \
         pairs (regorus: the best of each side's runs). Load averages at the start: {load_start}; at the end: {}.\n\n{body}",
        machine(),
        measure::load()
    );
    println!("{body}");
    std::fs::write(&out, doc).expect("write BENCHMARKS.md");
    eprintln!("bench: wrote {}", out.display());
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("measure") => measure::helper(&args[1..]),
        Some("floor") => {
            let records = floor::read_once(Path::new(&args[1]));
            println!("{records}");
        }
        Some("native") => {
            let findings = native::run(&args[1], Path::new(&args[2]));
            println!("{}", findings.len());
        }
        Some("peer") => peer::helper(&args[1..]),
        Some("evtx-floor") => println!("{}", intake::evtx_floor(Path::new(&args[1]))),
        Some("csv-floor") => println!("{}", intake::csv_floor(Path::new(&args[1]))),
        _ => return orchestrate(&args),
    }
    ExitCode::SUCCESS
}
