//! The regulator's hub (`mizuchi-hub`), end to end, on SQLite and on
//! PostgreSQL: enrolment, pushes verified entry by entry, a rewritten ledger
//! refused and flagged, the dashboard and its JSON.
//!
//! PostgreSQL: `MIZUCHI_TEST_POSTGRES` names a server where the test may
//! create databases (`.ci/run` starts one); each run gets a database of its
//! own.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command};

use mizuchi_ledger::ledger::checkpoint_path;
use mizuchi_tests::packs::{Machine, regulator_setup};
use mizuchi_tests::{http, hub_exe, s, sample, sample_copy, spawn_hub};
use serde_json::Value;

/// A running hub, killed when dropped.
struct Hub {
    child: Child,
    addr: String,
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Hub {
    fn start(database: &str, regulator: &Path) -> Hub {
        Hub::start_with(database, regulator, &[])
    }

    fn start_with(database: &str, regulator: &Path, more: &[&str]) -> Hub {
        let mut args = vec![
            "--database",
            database,
            "--bind",
            "127.0.0.1:0",
            "--regulator-key",
            s(regulator),
            "--require-publisher",
            "MLIT",
        ];
        args.extend_from_slice(more);
        let (child, addr) = spawn_hub(&hub_exe(), &args);
        Hub { child, addr }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn request(&self, method: &str, path: &str, body: &[u8]) -> (u16, String) {
        http(&self.addr, method, path, body)
    }

    /// `mizuchi hub enrol` of utility `id` (named `name` in both languages)
    /// with the public key `public`, signed with `signer`.
    fn enrol(
        &self,
        m: &Machine,
        id: &str,
        name: (&str, &str),
        public: &Path,
        signer: &Path,
    ) -> mizuchi_tests::Run {
        m.run(&[
            "hub",
            "enrol",
            "--hub",
            &self.url(),
            "--utility",
            id,
            "--name-ja",
            name.0,
            "--name-en",
            name.1,
            "--utility-key",
            s(public),
            "--key",
            s(signer),
        ])
    }
}

/// Where the hub keeps its data: a fresh SQLite file, and a fresh
/// PostgreSQL database.
fn databases(m: &Machine) -> Vec<(&'static str, String)> {
    let admin = std::env::var("MIZUCHI_TEST_POSTGRES").expect(
        "MIZUCHI_TEST_POSTGRES must name a PostgreSQL server where the tests may create databases \
         (e.g. postgres://mizuchi:mizuchi@127.0.0.1:5432/postgres); `.ci/run` starts one",
    );
    let name = format!(
        "hub_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let created = Command::new("psql")
        .args([admin.as_str(), "-v", "ON_ERROR_STOP=1", "-q", "-c"])
        .arg(format!("CREATE DATABASE {name}"))
        .output()
        .expect("psql, from the PostgreSQL client package");
    assert!(
        created.status.success(),
        "cannot create a database: {}",
        String::from_utf8_lossy(&created.stderr)
    );
    let (server, _) = admin.rsplit_once('/').expect("a database URL");
    vec![
        (
            "sqlite",
            format!("sqlite://{}?mode=rwc", m.path("hub.db").display()),
        ),
        ("postgres", format!("{server}/{name}")),
    ]
}

#[test]
fn two_utilities_push_one_rewrites_its_ledger_and_is_refused_and_the_dashboard_shows_both() {
    let (m, regulator, official) = regulator_setup("1.0.0");
    m.installs(&official);
    let regulator_pub = m.path("regulator.pub.pem");
    // Two utilities: the sample, and a copy under another id.
    let other = sample_copy();
    let manifest = other.path().join("manifest.json");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("JP-MINAMIYAMA-WW", "JP-KITAHAMA-WW")
        .replace("南山市上下水道局", "北浜町水道課")
        .replace(
            "Minamiyama City Waterworks Bureau",
            "Kitahama Town Water Section",
        );
    std::fs::write(&manifest, text).unwrap();
    let eval_with = |bundle: &Path, key: &Path, ledger: &Path, as_of: &str, extra: &[&str]| {
        let mut args = vec![
            "eval",
            "--evidence",
            s(bundle),
            "--key",
            s(key),
            "--ledger",
            s(ledger),
            "--as-of",
            as_of,
            "-q",
        ];
        args.extend(extra);
        let out = m.run(&args);
        assert_eq!(out.code, 1, "{}", out.stderr);
    };
    let eval = |bundle: &Path, key: &Path, ledger: &Path, as_of: &str| {
        eval_with(bundle, key, ledger, as_of, &[])
    };
    let (a_key, b_key) = (m.key("minamiyama"), m.key("kitahama"));
    let (a_ledger, b_ledger) = (m.path("minamiyama.jsonl"), m.path("kitahama.jsonl"));
    eval(&sample(), &a_key, &a_ledger, "2026-11-27");
    eval(other.path(), &b_key, &b_ledger, "2026-11-27");

    for (backend, database) in databases(&m) {
        let hub = Hub::start(&database, &regulator_pub);
        let enrol = |id: &str, ja: &str, en: &str, key: &str, signer: &Path| {
            hub.enrol(&m, id, (ja, en), &m.path(&format!("{key}.pub.pem")), signer)
        };
        let a = enrol(
            "JP-MINAMIYAMA-WW",
            "南山市上下水道局",
            "Minamiyama City Waterworks Bureau",
            "minamiyama",
            &regulator,
        );
        assert_eq!(a.code, 0, "{backend}: {}", a.stderr);
        assert!(
            a.stdout.contains("enrolled utility JP-MINAMIYAMA-WW"),
            "{}",
            a.stdout
        );
        // Again, the same: nothing changes.
        assert_eq!(
            enrol(
                "JP-MINAMIYAMA-WW",
                "南山市上下水道局",
                "Minamiyama City Waterworks Bureau",
                "minamiyama",
                &regulator
            )
            .code,
            0
        );
        assert_eq!(
            enrol(
                "JP-KITAHAMA-WW",
                "北浜町水道課",
                "Kitahama Town Water Section",
                "kitahama",
                &regulator
            )
            .code,
            0
        );
        // Only a regulator key enrols.
        let forged = enrol("JP-FORGED", "偽", "forged", "kitahama", &b_key);
        assert_eq!(forged.code, 2, "{backend}: {}", forged.stdout);
        assert!(
            forged.stderr.contains("not signed by a regulator key"),
            "{}",
            forged.stderr
        );

        let push = |ledger: &Path| m.run(&["ledger", "push", s(ledger), "--hub", &hub.url()]);
        let first = push(&a_ledger);
        assert_eq!(first.code, 0, "{backend}: {}", first.stderr);
        assert_eq!(first.stdout, "the hub accepted 30 entries; it holds 30\n");
        // A retried push changes nothing.
        let again = push(&a_ledger);
        assert_eq!(
            again.stdout, "the hub accepted 0 entries; it holds 30\n",
            "{}",
            again.stderr
        );
        assert_eq!(push(&b_ledger).code, 0);
        // Later, nothing changed: an incremental run reuses every result of
        // the run the hub holds, by reference; the hub resolves them and
        // shows the new run with all its results.
        let later = m.path(&format!("minamiyama-{backend}.jsonl"));
        std::fs::copy(&a_ledger, &later).unwrap();
        std::fs::copy(checkpoint_path(&a_ledger), checkpoint_path(&later)).unwrap();
        eval_with(&sample(), &a_key, &later, "2026-11-27", &["--incremental"]);
        let incremental = push(&later);
        assert_eq!(
            incremental.stdout, "the hub accepted 1 entries; it holds 31\n",
            "{backend}: {}",
            incremental.stderr
        );
        // A run the utility signs that names a reused result by another
        // line's hash is refused, and nothing of it is stored.
        let forged = m.path(&format!("minamiyama-forged-{backend}.jsonl"));
        std::fs::copy(&later, &forged).unwrap();
        std::fs::copy(checkpoint_path(&later), checkpoint_path(&forged)).unwrap();
        forge_reuse(&forged, &a_key);
        let refused = push(&forged);
        assert_eq!(refused.code, 2, "{backend}: {}", refused.stdout);
        assert!(
            refused.stderr.contains("422 unresolved")
                && refused.stderr.contains("names a line of another hash"),
            "{backend}: {}",
            refused.stderr
        );

        // Kitahama replaces its ledger with another history of the same
        // length: refused, with the reason, and flagged.
        let rewritten = m.path(&format!("kitahama-{backend}.jsonl"));
        eval(other.path(), &b_key, &rewritten, "2026-11-28");
        let refused = m.run(&["ledger", "push", s(&rewritten), "--hub", &hub.url()]);
        assert_eq!(refused.code, 2, "{backend}: {}", refused.stdout);
        assert!(
            refused.stderr.contains("409 rewritten")
                && refused.stderr.contains("the ledger was rewritten"),
            "{backend}: {}",
            refused.stderr
        );

        // The views.
        let (status, body) = hub.request("GET", "/api/overview", b"");
        assert_eq!(status, 200, "{body}");
        let o: Value = serde_json::from_str(&body).unwrap();
        let utilities = o["utilities"].as_array().unwrap();
        assert_eq!(utilities.len(), 2);
        let (k, a) = (&utilities[0], &utilities[1]);
        assert_eq!(a["id"], "JP-MINAMIYAMA-WW");
        assert_eq!(a["entries"], 31);
        assert_eq!(a["latest"].as_object().unwrap().len(), 29);
        assert_eq!(a["flags"].as_array().unwrap().len(), 0, "{a}");
        assert_eq!(k["entries"], 30);
        let flags: Vec<&str> = k["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["kind"].as_str().unwrap())
            .collect();
        assert_eq!(flags, ["rewritten"]);
        assert_eq!(
            o["rules"]["ordinance"].as_array().unwrap().len(),
            4,
            "{}",
            o["rules"]
        );
        assert_eq!(o["rules"]["recommended"].as_array().unwrap().len(), 25);
        let (status, ja) = hub.request("GET", "/", b"");
        assert_eq!(status, 200);
        for expected in [
            "水道事業者のサイバーセキュリティ対策状況",
            "南山市上下水道局",
            "北浜町水道課",
            "MLIT-ORD-01",
            "記録の書き換え・巻き戻し",
        ] {
            assert!(
                ja.contains(expected),
                "{backend}: the dashboard lacks {expected}"
            );
        }
        let (_, en) = hub.request("GET", "/?lang=en", b"");
        assert!(
            en.contains("Where each water utility stands")
                && en.contains("Kitahama Town Water Section")
        );
        // As a browser shows it: both matrices are tables, nothing said on
        // the console, the wide one scrolls in its box and not the page.
        let profile = tempfile::tempdir().unwrap();
        let shown = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--enable-logging=stderr",
                "--v=0",
                "--dump-dom",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("{}/?lang=en", hub.url()))
            .output()
            .expect("headless Chromium (Debian package `chromium`, installed by .ci/run)");
        let dom = String::from_utf8_lossy(&shown.stdout);
        assert_eq!(
            dom.matches("<div class=\"wide\"><table>").count(),
            2,
            "{dom}"
        );
        assert!(dom.contains("ledger rewritten or truncated (refused)"));
        let console: Vec<&str> = std::str::from_utf8(&shown.stderr)
            .unwrap_or("")
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .collect();
        assert!(console.is_empty(), "{console:?}");

        // Bad requests get a precise JSON error.
        let (status, body) = hub.request(
            "POST",
            "/api/utilities/JP-MINAMIYAMA-WW/push",
            b"{\"entries\": [",
        );
        assert_eq!(status, 400, "{body}");
        let e: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(e["code"], "malformed");
        assert!(
            e["message"].as_str().unwrap().contains("line 1, column 13"),
            "{body}"
        );
        let (status, body) = hub.request("GET", "/api/utilities/JP-NOBODY/head", b"");
        assert_eq!(status, 404, "{body}");
        let big = vec![b' '; 33 << 20];
        let (status, _) = hub.request("POST", "/api/utilities/JP-MINAMIYAMA-WW/push", &big);
        assert_eq!(status, 413);
    }
}

/// Appends to `ledger` (signed with the key at `key`) a copy of its last run
/// header whose first reused result names the line after the one it should.
fn forge_reuse(ledger: &Path, key: &Path) {
    use mizuchi_ledger::ledger::{Entry, Writer};
    use mizuchi_ledger::statement::{RunPredicate, Statement};
    let text = std::fs::read_to_string(ledger).unwrap();
    let last: Entry = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    let mut header: Statement<RunPredicate> =
        serde_json::from_slice(&last.envelope.payload_bytes().unwrap()).unwrap();
    let (first, second) = (&header.predicate.reused[0], &header.predicate.reused[1]);
    assert!(first.index + 1 == second.index);
    header.predicate.reused[0].hash = second.hash.clone();
    header.predicate.run = "run-00000000f0f0f0f0".into();
    let key = mizuchi_ledger::keys::SecretKey::read(key).unwrap();
    let mut w = Writer::open(ledger, &key).unwrap();
    w.append_run(
        &header.predicate.evidence.utility_id,
        &[serde_json::to_vec(&header).unwrap()],
    )
    .unwrap();
}

/// A ledger of `runs` runs by `key` for `utility`, and the push that brings
/// a hub from nothing to each run: `pushes[k]` covers runs 0..=k, given as
/// (entries from its start, checkpoint, all leaves).
struct Grown {
    lines: Vec<String>,
    checkpoints: Vec<String>,
}

fn grow(dir: &Path, utility: &str, runs: usize) -> (Grown, mizuchi_ledger::keys::SecretKey) {
    use mizuchi_ledger::ledger::{Writer, checkpoint_path};
    use mizuchi_ledger::statement::{ResourceDescriptor, STATEMENT_TYPE, Statement};
    let key = mizuchi_ledger::keys::SecretKey::generate().unwrap();
    let path = dir.join(format!("{utility}.jsonl"));
    let mut w = Writer::open(&path, &key).unwrap();
    let mut checkpoints = Vec::new();
    for r in 0..runs {
        let statements: Vec<Vec<u8>> = (0..3)
            .map(|i| {
                serde_json::to_vec(&Statement {
                    kind: STATEMENT_TYPE.to_owned(),
                    subject: vec![ResourceDescriptor::sha256("manifest.json", &"0".repeat(64))],
                    predicate_type: "https://example.org/fault-test/v1".to_owned(),
                    predicate: serde_json::json!({"run": r, "n": i}),
                })
                .unwrap()
            })
            .collect();
        w.append_run(utility, &statements).unwrap();
        checkpoints.push(std::fs::read_to_string(checkpoint_path(&path)).unwrap());
    }
    let lines = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    (Grown { lines, checkpoints }, key)
}

impl Grown {
    /// The push from `held` entries to the end of run `run`.
    fn push(&self, held: usize, run: usize) -> Vec<u8> {
        let end = (run + 1) * 3;
        let leaves: Vec<_> = self.lines[..end]
            .iter()
            .map(|l| mizuchi_ledger::merkle::leaf_hash(l.as_bytes()))
            .collect();
        let push = mizuchi_hub::wire::Push {
            entries: self.lines[held..end].to_vec(),
            checkpoint: self.checkpoints[run].clone(),
            consistency: mizuchi_ledger::merkle::consistency_proof(held, &leaves)
                .iter()
                .map(hex::encode)
                .collect(),
        };
        serde_json::to_vec(&push).unwrap()
    }
}

#[test]
fn a_hub_killed_during_ingest_loses_no_acknowledged_push_and_stores_no_partial_one() {
    const UTILITIES: usize = 4;
    const ITERATIONS: usize = 50;
    let m = Machine::new();
    let regulator = m.key("regulator");
    let regulator_pub = m.path("regulator.pub.pem");
    let grown: Vec<(String, Grown, mizuchi_ledger::keys::SecretKey)> = (0..UTILITIES)
        .map(|u| {
            let id = format!("U-{u}");
            let (g, key) = grow(&m.path(""), &id, ITERATIONS + 1);
            (id, g, key)
        })
        .collect();
    for (backend, database) in databases(&m) {
        let mut hub = Hub::start(&database, &regulator_pub);
        for (id, _, key) in &grown {
            let public = m.path(&format!("{id}.pub.pem"));
            std::fs::write(&public, key.public().to_pem()).unwrap();
            let r = hub.enrol(&m, id, (id, id), &public, &regulator);
            assert_eq!(r.code, 0, "{}", r.stderr);
        }
        // What each utility's pushes got acknowledged up to (entries).
        let mut acknowledged = [0usize; UTILITIES];
        let mut killed_mid_push = 0;
        let mut acknowledged_pushes = 0;
        // Round 0 is not cut: how long a round of pushes takes on this
        // machine, now, sets the window the kills are spread over.
        let mut span = std::time::Duration::ZERO;
        for iteration in 0..=ITERATIONS {
            // Each utility pushes its next run, concurrently; the hub is
            // killed after a delay that moves through twice the pushes' span.
            let held: Vec<usize> = (0..UTILITIES)
                .map(|u| {
                    let (status, body) =
                        hub.request("GET", &format!("/api/utilities/U-{u}/head"), b"");
                    assert_eq!(status, 200, "{body}");
                    let h: Value = serde_json::from_str(&body).unwrap();
                    h["size"].as_u64().unwrap() as usize
                })
                .collect();
            for u in 0..UTILITIES {
                // Never less than acknowledged; a whole number of runs.
                assert!(
                    held[u] >= acknowledged[u],
                    "{backend}: U-{u} lost an acknowledged push"
                );
                assert_eq!(held[u] % 3, 0, "{backend}: U-{u} holds part of a push");
            }
            let started = std::time::Instant::now();
            let answers = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..UTILITIES)
                    .map(|u| {
                        let body = grown[u].1.push(held[u], held[u] / 3);
                        let hub = &hub;
                        scope.spawn(move || {
                            hub.request("POST", &format!("/api/utilities/U-{u}/push"), &body)
                        })
                    })
                    .collect();
                if iteration > 0 {
                    let fraction = ((iteration as u32 * 3_971) % 1_000) as f64 / 1_000.0;
                    std::thread::sleep(span.mul_f64(2.0 * fraction));
                    nix_kill(&hub.child);
                }
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap())
                    .collect::<Vec<_>>()
            });
            if iteration == 0 {
                span = started.elapsed();
                assert!(
                    answers.iter().all(|(status, _)| *status == 200),
                    "{backend}: a push was refused with no kill: {answers:?}"
                );
                for (u, a) in acknowledged.iter_mut().enumerate() {
                    *a = held[u] + 3;
                }
                continue;
            }
            for (u, (status, _)) in answers.iter().enumerate() {
                if *status == 200 {
                    acknowledged[u] = held[u] + 3;
                    acknowledged_pushes += 1;
                } else {
                    killed_mid_push += 1;
                }
            }
            let _ = hub.child.wait();
            hub = Hub::start(&database, &regulator_pub);
        }
        for (u, acked) in acknowledged.iter().enumerate() {
            let (_, body) = hub.request("GET", &format!("/api/utilities/U-{u}/head"), b"");
            let h: Value = serde_json::from_str(&body).unwrap();
            let size = h["size"].as_u64().unwrap() as usize;
            assert!(
                size >= *acked && size.is_multiple_of(3),
                "{backend}: U-{u} at {size}"
            );
        }
        eprintln!(
            "{backend}: {ITERATIONS} kills, {acknowledged_pushes} pushes acknowledged, {killed_mid_push} cut off"
        );
        // Both happened: pushes acknowledged, and pushes cut off by the kill.
        assert!(
            acknowledged.iter().sum::<usize>() > 0,
            "{backend}: nothing was acknowledged"
        );
        assert!(
            killed_mid_push > 0,
            "{backend}: the hub was never killed during a push"
        );
    }
}

/// `kill -9`.
fn nix_kill(child: &Child) {
    let _ = Command::new("kill")
        .args(["-9", &child.id().to_string()])
        .status();
}

#[test]
fn a_key_rotation_published_on_the_hub_reaches_a_utility_through_pack_update() {
    use mizuchi_tests::packs::{CURRENT, build, official_modules, sign, template};
    let (m, regulator, official) = regulator_setup("1.0.0");
    m.installs(&official);
    let dist = m.path("dist");
    std::fs::create_dir_all(&dist).unwrap();
    // The regulator moves to a new key, vouched for by the one in force.
    let next = m.key("regulator-2026");
    let rotated = m.run(&[
        "trust",
        "rotate",
        "--publisher",
        "MLIT",
        "--key",
        s(&m.path("regulator-2026.pub.pem")),
        "--sign-with",
        s(&regulator),
        "--out",
        s(&dist.join("0001-mlit.rotation.json")),
    ]);
    assert_eq!(rotated.code, 0, "{}", rotated.stderr);
    assert_eq!(m.run(&["pack", "index", s(&dist)]).code, 0);
    let hub = Hub::start_with(
        &format!("sqlite://{}?mode=rwc", m.path("hub.db").display()),
        &m.path("regulator.pub.pem"),
        &["--packs", s(&dist)],
    );
    // Published before the pack it will sign: the rotation applies, and the
    // utility is told the installed pack is now orphaned.
    let from = format!("{}/packs", hub.url());
    let first = m.run(&["pack", "update", "--from", &from]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first
            .stdout
            .contains("rotated the keys of publisher MLIT: 1 key(s), threshold 1"),
        "{}",
        first.stdout
    );
    assert!(
        first
            .stderr
            .contains("warning: installed pack mlit-water 1.0.0")
            && first.stderr.contains("offers no replacement"),
        "{}",
        first.stderr
    );
    let refused = m.run(&["eval", "--evidence", s(&sample())]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("mizuchi pack update"),
        "{}",
        refused.stderr
    );
    // The pack signed with the new key follows: installed; the rotation,
    // in force now, is not applied twice.
    let t = template(&m.path(""), "mlit-water", "1.1.0", "MLIT", CURRENT);
    let pack = build(&m, &t, &official_modules(), "dist/mlit-water-1.1.0.pack");
    sign(&m, &pack, &next);
    assert_eq!(m.run(&["pack", "index", s(&dist)]).code, 0);
    let second = m.run(&["pack", "update", "--from", &from]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(!second.stdout.contains("rotated"), "{}", second.stdout);
    assert!(
        second
            .stdout
            .contains("installed mlit-water 1.1.0 (was 1.0.0); publisher MLIT"),
        "{}",
        second.stdout
    );
    assert!(!second.stderr.contains("warning"), "{}", second.stderr);
    let out = m.run(&["eval", "--evidence", s(&sample()), "--format", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.json()["results"].as_array().unwrap().len(), 29);
    // Nothing outside the distribution directory is served.
    assert_eq!(hub.request("GET", "/packs/..%2Fhub.db", b"").0, 404);
    assert_eq!(hub.request("GET", "/packs/hub.db", b"").0, 404);
}

/// A TCP relay to PostgreSQL that the test can take down (every connection
/// cut, new ones refused) and bring back: the database going away, as a
/// network or a restart makes it, without touching the shared server.
struct Relay {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    open: std::sync::Arc<std::sync::Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn to(upstream: String) -> Relay {
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let open = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (flag, conns) = (up.clone(), open.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if !flag.load(Ordering::SeqCst) {
                    continue; // dropped: refused
                }
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let mut held = conns.lock().unwrap();
                held.push(client.try_clone().unwrap());
                held.push(server.try_clone().unwrap());
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        Relay { port, up, open }
    }

    fn down(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        for c in self.open.lock().unwrap().drain(..) {
            let _ = c.shutdown(std::net::Shutdown::Both);
        }
    }

    fn back(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn a_database_that_goes_away_gives_503_and_the_hub_recovers_when_it_returns() {
    let m = Machine::new();
    m.key("regulator");
    let (_, database) = databases(&m).pop().expect("the PostgreSQL database");
    // postgres://user:pass@host:port/db → the relay in place of host:port.
    let (scheme_auth, rest) = database.rsplit_once('@').unwrap();
    let (server, name) = rest.split_once('/').unwrap();
    let relay = Relay::to(server.to_owned());
    let through = format!("{scheme_auth}@127.0.0.1:{}/{name}", relay.port);
    let hub = Hub::start(&through, &m.path("regulator.pub.pem"));
    assert_eq!(hub.request("GET", "/api/overview", b"").0, 200);
    relay.down();
    let (status, body) = hub.request("GET", "/api/overview", b"");
    assert_eq!(status, 503, "{body}");
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e["code"], "unavailable");
    assert_eq!(hub.request("GET", "/api/utilities/U-1/head", b"").0, 503);
    relay.back();
    let (status, body) = hub.request("GET", "/api/overview", b"");
    assert_eq!(status, 200, "{body}");
}

#[test]
fn a_policy_the_regulator_signs_applies_to_the_runs_pushed_after_it() {
    let (m, regulator, official) = regulator_setup("1.0.0");
    m.installs(&official);
    let utility = m.key("minamiyama");
    let ledger = m.path("results.jsonl");
    let eval = |as_of: &str| {
        let out = m.run(&[
            "eval",
            "--evidence",
            s(&sample()),
            "--key",
            s(&utility),
            "--ledger",
            s(&ledger),
            "--as-of",
            as_of,
            "-q",
        ]);
        assert_eq!(out.code, 1, "{}", out.stderr);
    };
    for (backend, database) in databases(&m) {
        let _ = std::fs::remove_file(&ledger);
        let _ = std::fs::remove_file(m.path("results.jsonl.checkpoint"));
        let hub = Hub::start(&database, &m.path("regulator.pub.pem"));
        let enrolled = hub.enrol(
            &m,
            "JP-MINAMIYAMA-WW",
            ("南山市上下水道局", "Minamiyama"),
            &m.path("minamiyama.pub.pem"),
            &regulator,
        );
        assert_eq!(enrolled.code, 0, "{}", enrolled.stderr);
        eval("2026-11-27");
        // The policy the hub was started with: MLIT packs, which this run used.
        let first = m.run(&["ledger", "push", s(&ledger), "--hub", &hub.url()]);
        assert_eq!(
            first.stdout, "the hub accepted 30 entries; it holds 30\n",
            "{backend}: {}",
            first.stderr
        );
        // Only a regulator key changes the policy.
        let require_acme = |signer: &Path| {
            m.run(&[
                "hub",
                "policy",
                "--hub",
                &hub.url(),
                "--require-publisher",
                "ACME",
                "--key",
                s(signer),
            ])
        };
        let forged = require_acme(&utility);
        assert_eq!(forged.code, 2, "{backend}");
        assert!(
            forged.stderr.contains("not signed by a regulator key"),
            "{}",
            forged.stderr
        );
        let set = require_acme(&regulator);
        assert_eq!(set.code, 0, "{backend}: {}", set.stderr);
        assert_eq!(
            set.stdout,
            "the hub's policy is in force (required publishers: ACME)\n"
        );
        let (_, body) = hub.request("GET", "/api/policy", b"");
        assert_eq!(body, r#"{"required_publishers":["ACME"]}"#);
        // The next run breaks it: flagged, still accepted.
        eval("2026-11-28");
        let second = m.run(&["ledger", "push", s(&ledger), "--hub", &hub.url()]);
        assert_eq!(second.code, 0, "{backend}: {}", second.stderr);
        assert!(
            second
                .stdout
                .starts_with("the hub accepted 30 entries; it holds 60\n"),
            "{}",
            second.stdout
        );
        assert!(
            second
                .stdout
                .contains("publisher: pack mlit-water 1.0.0 is published by `MLIT`, not by ACME"),
            "{backend}: {}",
            second.stdout
        );
    }
}
