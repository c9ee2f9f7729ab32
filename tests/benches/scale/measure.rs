//! Measuring a command: wall time, processor time and peak resident memory.
//!
//! Each measured command runs under a fresh `measure` process (this binary
//! again), which spawns it, waits, and reads the peak RSS of its only child
//! (and its processor time, user and system) from `getrusage(RUSAGE_CHILDREN)`.
//! So every figure belongs to exactly one
//! command, whatever ran before it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::json;

/// What a measured command cost.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cost {
    pub(crate) wall_ms: f64,
    /// User plus system time on every core.
    pub(crate) cpu_ms: f64,
    pub(crate) rss_mib: f64,
    pub(crate) code: i32,
}

/// Ratios of one side to the other over pairs of runs, sorted.
#[derive(Debug, Clone)]
pub(crate) struct Ratios(pub(crate) Vec<f64>);

impl Ratios {
    /// The ratios of some rounds, in any order.
    pub(crate) fn new(mut v: Vec<f64>) -> Ratios {
        v.sort_by(f64::total_cmp);
        Ratios(v)
    }

    /// The median (NaN when there is none).
    pub(crate) fn median(&self) -> f64 {
        median(&self.0)
    }

    /// `1.23× (1.10–1.40×)`: the median, then the range over the pairs.
    pub(crate) fn shown(&self, digits: usize) -> String {
        match (self.0.first(), self.0.last()) {
            (Some(lo), Some(hi)) => {
                format!("{:.digits$}× ({lo:.digits$}–{hi:.digits$}×)", self.median())
            }
            _ => "not measured".into(),
        }
    }
}

/// The median of sorted values.
pub(crate) fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Two commands measured in pairs.
#[derive(Debug, Clone)]
pub(crate) struct Paired {
    /// The first side: median wall and processor time, highest RSS.
    pub(crate) a: Cost,
    /// The second side, likewise.
    pub(crate) b: Cost,
    /// `b ÷ a` in wall time, per pair.
    pub(crate) wall: Ratios,
    /// `b ÷ a` in processor time, per pair.
    pub(crate) cpu: Ratios,
}

/// `pairs` pairs of runs, `a` then `b` back to back, so that a busy machine
/// slows both sides of a pair alike: each pair's ratio counts, and the
/// figures are medians with the range over the pairs (a busy machine widens
/// the range rather than moving the figure).
pub(crate) fn paired(pairs: usize, a: impl Fn() -> Cost, b: impl Fn() -> Cost) -> Paired {
    let runs: Vec<(Cost, Cost)> = (0..pairs).map(|_| (a(), b())).collect();
    let side = |pick: &dyn Fn(&(Cost, Cost)) -> Cost| {
        let mut wall: Vec<f64> = runs.iter().map(|p| pick(p).wall_ms).collect();
        let mut cpu: Vec<f64> = runs.iter().map(|p| pick(p).cpu_ms).collect();
        wall.sort_by(f64::total_cmp);
        cpu.sort_by(f64::total_cmp);
        Cost {
            wall_ms: median(&wall),
            cpu_ms: median(&cpu),
            rss_mib: runs.iter().map(|p| pick(p).rss_mib).fold(0.0, f64::max),
            code: runs.iter().map(|p| pick(p).code).max().unwrap_or(0),
        }
    };
    Paired {
        a: side(&|p| p.0),
        b: side(&|p| p.1),
        wall: Ratios::new(runs.iter().map(|(a, b)| b.wall_ms / a.wall_ms).collect()),
        cpu: Ratios::new(runs.iter().map(|(a, b)| b.cpu_ms / a.cpu_ms).collect()),
    }
}

/// The machine's load averages (1, 5 and 15 minutes), as `/proc/loadavg`
/// gives them.
pub(crate) fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

/// Runs `program args…` under a `measure` process; its stdout goes to
/// `stdout` (or nowhere).
pub(crate) fn run(
    program: &Path,
    args: &[String],
    env: &[(&str, &Path)],
    stdout: Option<&Path>,
) -> Cost {
    let me = std::env::current_exe().expect("the benchmark knows its own path");
    let mut cmd = Command::new(me);
    cmd.arg("measure");
    if let Some(out) = stdout {
        cmd.arg("--stdout").arg(out);
    }
    cmd.arg("--").arg(program).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .expect("run the measure helper");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the measure helper printed no figures ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    Cost {
        wall_ms: v["wall_ms"].as_f64().unwrap_or(f64::NAN),
        cpu_ms: v["cpu_ms"].as_f64().unwrap_or(f64::NAN),
        rss_mib: v["max_rss_kib"].as_f64().unwrap_or(f64::NAN) / 1024.0,
        code: v["code"].as_i64().unwrap_or(-1) as i32,
    }
}

/// The `measure` helper: `measure [--stdout FILE] -- PROGRAM ARGS…`.
#[allow(clippy::print_stdout)]
pub(crate) fn helper(args: &[String]) {
    let mut rest = args;
    let mut stdout = None;
    if rest.first().map(String::as_str) == Some("--stdout") {
        stdout = rest.get(1).cloned();
        rest = &rest[2..];
    }
    if rest.first().map(String::as_str) == Some("--") {
        rest = &rest[1..];
    }
    let (program, args) = rest.split_first().expect("measure -- PROGRAM ARGS…");
    let sink = match &stdout {
        Some(path) => Stdio::from(std::fs::File::create(path).expect("create the stdout file")),
        None => Stdio::null(),
    };
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdout(sink)
        .status()
        .expect("run the measured command");
    let wall_ms = start.elapsed().as_secs_f64() * 1000.0;
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage");
    let ms = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 * 1000.0 + t.tv_usec() as f64 / 1000.0;
    let cpu_ms = ms(usage.user_time()) + ms(usage.system_time());
    println!(
        "{}",
        json!({
            "wall_ms": wall_ms,
            "cpu_ms": cpu_ms,
            "max_rss_kib": usage.max_rss(),
            "code": status.code().unwrap_or(-1),
        })
    );
}
