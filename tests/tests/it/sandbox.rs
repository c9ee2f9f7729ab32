//! Hostile modules, built from source in `tests/guests`, are each stopped with
//! an `error` outcome that names the cause, and the other rules of the same
//! run still pass; modules of another ABI major version, or that read
//! another evidence encoding, are refused naming both versions.

use mizuchi_tests::{fixtures, pack_of, run, s};

fn hostile_run() -> serde_json::Value {
    let pack = pack_of(
        "hostile",
        &[
            "abi_v3_guest.wasm",
            "hostile_guest.wasm",
            "mlit_ordinance.wasm",
        ],
    );
    let bundle = fixtures().join("bundles/all-pass");
    // A smaller fuel budget keeps the infinite loop short; honest rules need far less.
    let out = run(&[
        "eval",
        "--allow-unsigned",
        "--pack",
        s(&pack),
        "--evidence",
        s(&bundle),
        "--format",
        "json",
        "--fuel",
        "300000000",
    ]);
    assert_eq!(out.code, 1, "errors exit 1 by default\n{}", out.stderr);
    out.json()
}

fn result<'a>(v: &'a serde_json::Value, rule: &str) -> &'a serde_json::Value {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule}"))
}

fn error_of(v: &serde_json::Value, rule: &str) -> (String, String) {
    let r = result(v, rule);
    assert_eq!(r["outcome"], "error", "{rule}: {r}");
    (
        r["error"]["cause"].as_str().unwrap().to_owned(),
        r["error"]["message"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn hostile_modules_each_give_an_error_naming_the_cause_and_the_others_still_pass() {
    let v = hostile_run();

    let (cause, msg) = error_of(&v, "HOSTILE-LOOP");
    assert_eq!(cause, "fuel");
    assert!(msg.contains("fuel"), "{msg}");
    assert!(result(&v, "HOSTILE-LOOP")["fuel"].as_u64().unwrap() >= 300_000_000);

    let (cause, msg) = error_of(&v, "HOSTILE-MEMORY");
    assert_eq!(cause, "memory");
    assert!(msg.contains("over the memory cap of 256 MiB"), "{msg}");

    let (cause, msg) = error_of(&v, "HOSTILE-PANIC");
    assert_eq!(cause, "panic");
    assert!(msg.contains("hostile rule gave up on purpose"), "{msg}");
    assert!(msg.contains("tests/guests/hostile/src/lib.rs"), "{msg}");

    let (cause, msg) = error_of(&v, "HOSTILE-OUTPUT");
    assert_eq!(cause, "output");
    assert!(msg.contains("over the output cap"), "{msg}");

    let (cause, msg) = error_of(&v, "HOSTILE-ESCAPE");
    assert_eq!(cause, "rule");
    assert!(msg.contains("cannot open /etc/passwd"), "{msg}");
    assert!(msg.contains("environment variables seen: 0"), "{msg}");
    assert!(msg.contains("network reachable: false"), "{msg}");

    let (cause, msg) = error_of(&v, "HOSTILE-UNDECLARED");
    assert_eq!(cause, "rule");
    assert!(msg.contains("NotDeclared(\"people\")"), "{msg}");

    // Refused before instantiation, naming both versions.
    let (cause, msg) = error_of(&v, "abi_v3_guest.wasm");
    assert_eq!(cause, "abi");
    assert!(msg.contains("refused before instantiation"), "{msg}");
    assert!(msg.contains("rule ABI 3.0.0"), "{msg}");
    let implements = format!("implements {}", mizuchi::ABI_VERSION);
    assert!(msg.contains(&implements), "{msg}");
    assert_eq!(result(&v, "abi_v3_guest.wasm")["fuel"], 0);

    for rule in ["MLIT-ORD-01", "MLIT-ORD-02", "MLIT-ORD-03", "MLIT-ORD-04"] {
        assert_eq!(result(&v, rule)["outcome"], "pass", "{rule}");
    }
}

#[test]
fn rules_lists_a_refused_module_without_running_it() {
    let pack = pack_of("abi-only", &["abi_v3_guest.wasm", "mlit_ordinance.wasm"]);
    let out = run(&[
        "rules",
        "--allow-unsigned",
        "--pack",
        s(&pack),
        "--lang",
        "en",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("refused module: module `abi_v3_guest.wasm` was refused"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("MLIT-ORD-04"));
}

#[test]
fn a_module_built_against_the_previous_major_abi_is_refused_naming_both_versions() {
    // ABI 1.0.0 read typed event records that 2.0.0 no longer has; a
    // module built for it cannot run against evidence format 2.0.
    let pack = pack_of("old-major", &["abi_v1_0_guest.wasm", "probe_guest.wasm"]);
    let sample = mizuchi_tests::sample();
    let out = run(&[
        "eval",
        "--allow-unsigned",
        "--pack",
        s(&pack),
        "--evidence",
        s(&sample),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v = out.json();
    let (cause, msg) = error_of(&v, "abi_v1_0_guest.wasm");
    assert_eq!(cause, "abi");
    assert!(msg.contains("rule ABI 1.0.0"), "{msg}");
    assert!(
        msg.contains(&format!("implements {}", mizuchi::ABI_VERSION)),
        "{msg}"
    );
    // The module of this host's ABI still runs.
    assert_eq!(result(&v, "TEST-PROBE")["outcome"], "pass");
}

#[test]
fn a_module_reading_another_encoding_is_refused_naming_both_versions() {
    // The module's import of `mizuchi:encoding/read@3.0.0` says which
    // encoding it decodes; this host serves only its own.
    let pack = pack_of(
        "encoding-v3",
        &["encoding_v3_guest.wasm", "mlit_ordinance.wasm"],
    );
    let out = run(&[
        "eval",
        "--allow-unsigned",
        "--pack",
        s(&pack),
        "--evidence",
        s(&fixtures().join("bundles/all-pass")),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v = out.json();
    let (cause, msg) = error_of(&v, "encoding_v3_guest.wasm");
    assert_eq!(cause, "abi");
    let served = mizuchi_evidence::ENCODING;
    assert!(
        msg.contains("it reads evidence in encoding 3.0.0")
            && msg.contains(&format!("this host serves encoding {served}")),
        "{msg}"
    );
    assert_eq!(result(&v, "encoding_v3_guest.wasm")["fuel"], 0);
    // The modules that read this host's encoding still run.
    assert_eq!(result(&v, "MLIT-ORD-01")["outcome"], "pass");
}
