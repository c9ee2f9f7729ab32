//! The regulator's hub under load: 1,800 utilities, each pushing 12 runs of
//! 30 entries (a run header and 29 results, as `mizuchi eval` of the sample
//! writes them, re-signed with each utility's key), 16 pushes in flight at
//! a time, against the release `mizuchi-hub` on SQLite and on PostgreSQL.
//!
//! The floor is verifying the same Ed25519 signatures of the same entries
//! alone, on every core: what ingest cannot do without. Making the pushes
//! (signing) is not measured; each round's pushes are made before it is
//! sent. Figures: entries per second, the push latency at the median and
//! the 99th percentile, and ingest wall time ÷ floor wall time.

use std::fmt::Write as _;
use std::process::{Child, Command};
use std::sync::Mutex;
use std::time::Instant;

use mizuchi_hub::wire::{ENROLMENT_TYPE, Enrolment, Push};
use mizuchi_ledger::dsse::{Envelope, IN_TOTO, pae};
use mizuchi_ledger::keys::SecretKey;
use mizuchi_ledger::ledger::{Checkpoint, Entry, GENESIS, line_hash, origin};
use mizuchi_ledger::merkle::{self, Hash};
use rayon::prelude::*;

use crate::{Paths, s};

const UTILITIES: usize = 1_800;
const RUNS: usize = 12;
const IN_FLIGHT: usize = 16;

/// One backend's figures.
pub(crate) struct Row {
    backend: &'static str,
    entries: u64,
    pushes: u64,
    ingest_ms: f64,
    floor_ms: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Processor time of the hub process, seconds.
    hub_cpu_s: f64,
    /// Processor time of the whole machine while pushes ran (the hub, the
    /// database server, the clients), seconds.
    all_cpu_s: f64,
}

/// Busy processor time of the whole machine so far, seconds (`/proc/stat`).
fn machine_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let busy: u64 = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .enumerate()
        // user nice system (idle iowait) irq softirq steal
        .filter(|(i, _)| !matches!(i, 3 | 4) && *i < 8)
        .filter_map(|(_, v)| v.parse::<u64>().ok())
        .sum();
    busy as f64 / 100.0
}

/// Processor time of process `pid` so far, seconds (`/proc/PID/stat`).
fn process_cpu(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces), from field 3.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|v| v.parse().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15: 11 and 12 after the name.
    (f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0)) as f64 / 100.0
}

/// Each entry's signed message (DSSE PAE) and signature: what the floor verifies.
type Signed = Vec<(Vec<u8>, Vec<u8>)>;

/// A utility's id, its push of one run, what the floor verifies of it, and its key.
type Made = (String, Vec<u8>, Signed, mizuchi_ledger::keys::PublicKey);

/// A utility's ledger as the bench grows it.
struct Ledger {
    id: String,
    key: SecretKey,
    leaves: Vec<Hash>,
    prev: String,
}

/// The statements of one run of the sample, as `mizuchi eval` signed them.
fn template(p: &Paths, dir: &std::path::Path) -> Vec<serde_json::Value> {
    let key = dir.join("template.pem");
    let ledger = dir.join("template.jsonl");
    let _ = std::fs::remove_file(&ledger);
    let _ = std::fs::remove_file(dir.join("template.jsonl.checkpoint"));
    let env = p.env();
    let k = crate::measure::run(
        &p.mizuchi,
        &[
            "key".into(),
            "generate".into(),
            "-q".into(),
            "--out".into(),
            s(&key),
        ],
        &env,
        None,
    );
    assert!(k.code == 0 || key.exists(), "mizuchi key generate failed");
    let args: Vec<String> = [
        "-q",
        "eval",
        "--allow-unsigned",
        "--pack",
        &s(&p.unsigned_pack),
        "--evidence",
        &s(&p.root.join("samples/minamiyama/bundle")),
        "--key",
        &s(&key),
        "--ledger",
        &s(&ledger),
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .collect();
    let e = crate::measure::run(&p.mizuchi, &args, &env, None);
    assert!(
        e.code == 0 || e.code == 1,
        "mizuchi eval of the sample failed"
    );
    std::fs::read_to_string(&ledger)
        .expect("the template ledger")
        .lines()
        .map(|l| {
            let entry: Entry = serde_json::from_str(l).expect("an entry");
            serde_json::from_slice(&entry.envelope.payload_bytes().expect("a payload"))
                .expect("a statement")
        })
        .collect()
}

/// The push of run `run` of `ledger`, and what the floor verifies of it
/// (each entry's signed message and signature).
fn next_run(
    ledger: &mut Ledger,
    run: usize,
    statements: &[serde_json::Value],
) -> (Vec<u8>, Signed) {
    let held = ledger.leaves.len();
    let run_id = format!("run-{:08x}{:08x}", run, ledger.leaves.len());
    let mut entries = Vec::with_capacity(statements.len());
    let mut signed = Vec::with_capacity(statements.len());
    for st in statements {
        let mut st = st.clone();
        st["predicate"]["run"] = run_id.clone().into();
        let payload = serde_json::to_vec(&st).expect("a statement");
        let envelope = Envelope::sign(IN_TOTO, &payload, &ledger.key);
        let sig = envelope.signatures[0].sig.clone();
        let entry = Entry {
            index: ledger.leaves.len() as u64,
            prev: ledger.prev.clone(),
            envelope,
        };
        let line = serde_json::to_string(&entry).expect("an entry");
        ledger.leaves.push(merkle::leaf_hash(line.as_bytes()));
        ledger.prev = line_hash(line.as_bytes());
        signed.push((pae(IN_TOTO, &payload), sig_bytes(&sig)));
        entries.push(line);
    }
    let root = merkle::root(&ledger.leaves);
    let checkpoint = Checkpoint::sign(
        &origin(&ledger.id),
        ledger.leaves.len() as u64,
        &root,
        &ledger.key,
    );
    let push = Push {
        entries,
        checkpoint: checkpoint.text,
        consistency: merkle::consistency_proof(held, &ledger.leaves)
            .iter()
            .map(hex::encode)
            .collect(),
    };
    (serde_json::to_vec(&push).expect("a push"), signed)
}

fn sig_bytes(b64: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("a base64 signature")
}

/// A hub process, killed when dropped.
struct Hub(Child, String);

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(p: &Paths, database: &str, regulator: &std::path::Path) -> Hub {
    let regulator = s(regulator);
    let args = [
        "--database",
        database,
        "--bind",
        "127.0.0.1:0",
        "--regulator-key",
        &regulator,
    ];
    let (child, addr) = mizuchi_tests::spawn_hub(&p.mizuchi.with_file_name("mizuchi-hub"), &args);
    Hub(child, addr)
}

/// POSTs `body` to `path`; the status.
fn post(addr: &str, path: &str, body: &[u8]) -> u16 {
    mizuchi_tests::http(addr, "POST", path, body).0
}

fn measure_backend(
    p: &Paths,
    backend: &'static str,
    database: &str,
    statements: &[serde_json::Value],
) -> Row {
    let dir = p.bench.join("hub");
    let regulator = SecretKey::from_seed([7; 32]);
    let regulator_pub = dir.join("regulator.pub.pem");
    std::fs::write(&regulator_pub, regulator.public().to_pem()).expect("the regulator key");
    let hub = start(p, database, &regulator_pub);
    let mut ledgers: Vec<Ledger> = (0..UTILITIES)
        .map(|u| {
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&(u as u64 + 1).to_le_bytes());
            Ledger {
                id: format!("JP-{u:04}"),
                key: SecretKey::from_seed(seed),
                leaves: Vec::new(),
                prev: GENESIS.to_owned(),
            }
        })
        .collect();
    ledgers.par_iter().for_each(|l| {
        let e = Enrolment {
            utility: l.id.clone(),
            name: mizuchi_evidence::Text::new(l.id.clone(), l.id.clone()),
            key: l.key.public().to_pem(),
        };
        let env = Envelope::sign(
            ENROLMENT_TYPE,
            &serde_json::to_vec(&e).expect("json"),
            &regulator,
        );
        let status = post(
            &hub.1,
            "/api/enrol",
            &serde_json::to_vec(&env).expect("json"),
        );
        assert_eq!(status, 201, "enrolment of {} refused", l.id);
    });
    let (mut ingest_ms, mut floor_ms) = (0.0, 0.0);
    let mut all_cpu_s = 0.0;
    let hub_before = process_cpu(hub.0.id());
    let mut latencies: Vec<f64> = Vec::with_capacity(UTILITIES * RUNS);
    let mut entries = 0u64;
    for run in 0..RUNS {
        eprintln!("bench: hub {backend}, run {}/{RUNS}", run + 1);
        let made: Vec<Made> = ledgers
            .par_iter_mut()
            .map(|l| {
                let (body, signed) = next_run(l, run, statements);
                (l.id.clone(), body, signed, l.key.public())
            })
            .collect();
        // The floor: the same signatures, verified alone on every core.
        let t = Instant::now();
        let ok = made
            .par_iter()
            .flat_map_iter(|(_, _, signed, key)| {
                signed.iter().map(move |(m, sig)| key.verify(m, sig))
            })
            .filter(|v| *v)
            .count();
        floor_ms += t.elapsed().as_secs_f64() * 1e3;
        assert_eq!(
            ok,
            made.len() * statements.len(),
            "the floor found a bad signature"
        );
        entries += ok as u64;
        // Ingest: IN_FLIGHT pushes at a time.
        let queue = Mutex::new(made.iter());
        let times = Mutex::new(Vec::with_capacity(made.len()));
        let t = Instant::now();
        let cpu = machine_cpu();
        std::thread::scope(|scope| {
            for _ in 0..IN_FLIGHT {
                scope.spawn(|| {
                    loop {
                        let Some((id, body, _, _)) = queue.lock().expect("the queue").next() else {
                            break;
                        };
                        let started = Instant::now();
                        let status = post(&hub.1, &format!("/api/utilities/{id}/push"), body);
                        assert_eq!(status, 200, "a push of {id} was refused ({backend})");
                        times
                            .lock()
                            .expect("the times")
                            .push(started.elapsed().as_secs_f64() * 1e3);
                    }
                });
            }
        });
        ingest_ms += t.elapsed().as_secs_f64() * 1e3;
        all_cpu_s += machine_cpu() - cpu;
        latencies.extend(times.into_inner().expect("the times"));
    }
    let hub_cpu_s = process_cpu(hub.0.id()) - hub_before;
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    Row {
        backend,
        entries,
        pushes: latencies.len() as u64,
        ingest_ms,
        floor_ms,
        p50_ms: at(0.5),
        p99_ms: at(0.99),
        hub_cpu_s,
        all_cpu_s,
    }
}

/// Measures SQLite, and PostgreSQL when `MIZUCHI_TEST_POSTGRES` names a
/// server (as for the tests).
pub(crate) fn measure(p: &Paths) -> Vec<Row> {
    let dir = p.bench.join("hub");
    std::fs::create_dir_all(&dir).expect("the hub bench directory");
    let statements = template(p, &dir);
    let mut rows = Vec::new();
    let db = dir.join("hub.db");
    for f in ["hub.db", "hub.db-wal", "hub.db-shm"] {
        let _ = std::fs::remove_file(dir.join(f));
    }
    rows.push(measure_backend(
        p,
        "SQLite",
        &format!("sqlite://{}?mode=rwc", db.display()),
        &statements,
    ));
    if let Ok(admin) = std::env::var("MIZUCHI_TEST_POSTGRES") {
        let name = format!("hub_bench_{}", std::process::id());
        let created = Command::new("psql")
            .args([admin.as_str(), "-q", "-c"])
            .arg(format!("CREATE DATABASE {name}"))
            .status()
            .expect("psql");
        assert!(created.success(), "cannot create the bench database");
        let (server, _) = admin.rsplit_once('/').expect("a database URL");
        rows.push(measure_backend(
            p,
            "PostgreSQL",
            &format!("{server}/{name}"),
            &statements,
        ));
        let _ = Command::new("psql")
            .args([admin.as_str(), "-q", "-c"])
            .arg(format!("DROP DATABASE {name}"))
            .status();
    }
    rows
}

/// The section of `BENCHMARKS.md`.
pub(crate) fn render(rows: &[Row]) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "## Hub ingest\n\n\
         {UTILITIES} utilities each push {RUNS} runs of 30 entries (a run header and 29 results of \
         the sample, re-signed with each utility's key) to the release `mizuchi-hub` on loopback, \
         {IN_FLIGHT} pushes in flight, round by round (`tests/benches/scale/hub.rs`). Each push is \
         verified in full (the checkpoint's signature, every entry's signature and chain, the \
         consistency proof, the root) and stored in one transaction. The floor verifies the same \
         entries' Ed25519 signatures alone, on every core; making the pushes is not measured. \
         Processor time (all cores) of the hub process, and of the whole machine while the pushes \
         ran, the database server and the clients included, shows where the time beyond the \
         floor goes.\n"
    );
    let _ = writeln!(
        o,
        "| database | entries | pushes | ingest | entries/s | push p50 | push p99 | hub CPU | all CPU while pushing | floor | ingest ÷ floor |"
    );
    let _ = writeln!(
        o,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for r in rows {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {:.1} s | {:.0} | {:.1} ms | {:.1} ms | {:.1} s | {:.1} s | {:.1} s | {:.2}× |",
            r.backend,
            r.entries,
            r.pushes,
            r.ingest_ms / 1e3,
            r.entries as f64 / (r.ingest_ms / 1e3),
            r.p50_ms,
            r.p99_ms,
            r.hub_cpu_s,
            r.all_cpu_s,
            r.floor_ms / 1e3,
            r.ingest_ms / r.floor_ms
        );
    }
    if rows.iter().all(|r| r.backend != "PostgreSQL") {
        o.push_str("\nPostgreSQL: not measured (`MIZUCHI_TEST_POSTGRES` was not set).\n");
    }
    let _ = writeln!(
        o,
        "\nGoal (step 13): ingest on PostgreSQL within 2× of the floor: {}.",
        rows.iter()
            .find(|r| r.backend == "PostgreSQL")
            .map_or("not measured".to_owned(), |r| {
                let ratio = r.ingest_ms / r.floor_ms;
                format!(
                    "{ratio:.2}× ({})",
                    if ratio <= 2.0 { "met" } else { "not met" }
                )
            })
    );
    o
}
