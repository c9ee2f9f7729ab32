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
