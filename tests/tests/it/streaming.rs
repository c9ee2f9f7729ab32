//! Event logs reach a rule in batches, and the rule sees exactly what it sees
//! natively: the same entries, the same symbols, the same lines, across
//! several files and many batches.

use mizuchi_sdk::testing::{Evidence, evaluate};
use mizuchi_tests::{pack_of, run, s, write_bundle};

fn auth_log(n: usize, offset: usize) -> Vec<u8> {
    let mut out = String::new();
    for i in 0..n {
        let kind = if i % 7 == 0 {
            "logon-failure"
        } else {
            "logon-success"
        };
        out.push_str(&format!(
            "{{\"time\":\"2026-04-01T00:{:02}:{:02}Z\",\"kind\":\"{kind}\",\"system\":\"HMI-{:02}\",\"account\":\"op{}\",\"source\":\"10.0.{}.{}\"}}\n",
            (i / 60) % 60,
            i % 60,
            i % 5,
            (i + offset) % 37,
            i % 3,
            i % 200
        ));
    }
    out.into_bytes()
}

fn door_log(n: usize) -> Vec<u8> {
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&format!(
            "{{\"time\":\"2026-04-01T08:00:{:02}Z\",\"area\":\"ccr\",\"card\":\"C{}\",\"result\":\"granted\",\"direction\":\"entry\"}}\n",
            i % 60,
            i % 11
        ));
    }
    out.into_bytes()
}

#[test]
fn the_sandbox_and_the_native_path_see_the_same_events() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = br#"{"assets":[{"id":"A","name":"a","kind":"hmi"}]}"#.to_vec();
    let files = vec![
        ("inventory.json", "inventory", inventory),
        ("logs/auth-1.jsonl", "auth-events", auth_log(9_000, 0)),
        ("logs/auth-2.jsonl", "auth-events", auth_log(1_234, 5)),
        ("door.jsonl", "door-events", door_log(77)),
    ];
    write_bundle(dir.path(), &files);

    let native = evaluate(
        &probe_guest::PROBE,
        &Evidence::open(dir.path()).unwrap(),
        jiff::civil::date(2026, 11, 27),
        &[],
    )
    .unwrap();
    let expected = &native[0].message.en;
    assert!(expected.contains("auth=10234"), "{expected}");
    assert!(
        expected.contains("last=logs/auth-2.jsonl:1234"),
        "{expected}"
    );

    let pack = pack_of("probe", &["probe_guest.wasm"]);
    let out = run(&[
        "eval",
        "--allow-unsigned",
        "--pack",
        s(&pack),
        "--evidence",
        s(dir.path()),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    let sandboxed = &v["results"][0]["findings"][0]["message"]["en"];
    assert_eq!(sandboxed.as_str().unwrap(), expected);
}

#[test]
fn a_log_changed_after_verification_is_not_read_silently() {
    let dir = tempfile::tempdir().unwrap();
    let files = vec![("auth.jsonl", "auth-events", auth_log(10, 0))];
    write_bundle(dir.path(), &files);
    std::fs::write(dir.path().join("auth.jsonl"), auth_log(11, 0)).unwrap();
    let pack = pack_of("probe-tamper", &["probe_guest.wasm"]);
    let out = run(&[
        "eval",
        "--allow-unsigned",
        "--pack",
        s(&pack),
        "--evidence",
        s(dir.path()),
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("does not match its digest"),
        "{}",
        out.stderr
    );
}
