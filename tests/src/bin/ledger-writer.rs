//! Test helper for the crash test: appends small runs to a ledger forever and
//! prints `ack <entries>` each time a run is acknowledged (its checkpoint
//! published), until it is killed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::io::Write;
use std::path::PathBuf;

use mizuchi::SecretKey;
use mizuchi_ledger::ledger::Writer;
use mizuchi_ledger::statement::{RESULT_PREDICATE, RUN_PREDICATE, STATEMENT_TYPE};
use serde_json::json;

fn main() {
    let mut args = std::env::args().skip(1);
    let ledger = PathBuf::from(args.next().expect("ledger path"));
    let key = SecretKey::from_seed([9; 32]);
    let mut writer = Writer::open(&ledger, &key).expect("open the ledger");
    let mut n: u64 = writer.len();
    loop {
        let results = 1 + n % 4;
        let run = format!("run-{n:016x}");
        let host = json!({"version": "0.1.0", "rule_abi": "1.0.0"});
        let mut statements = vec![serde_json::to_vec(&json!({
            "_type": STATEMENT_TYPE, "subject": [], "predicateType": RUN_PREDICATE,
            "predicate": {
                "run": run, "host": host,
                "packs": [{"name": "p", "version": "1.0.0", "digest": "d", "modules": []}],
                "evidence": {"utility_id": "CRASH", "utility_name": {"ja": "c", "en": "c"}, "format_version": "1.0.0", "collected_on": "2026-01-01", "digest": "e"},
                "as_of": "2026-01-02", "overrides": {}, "results": results
            }
        })).unwrap()];
        for r in 0..results {
            statements.push(serde_json::to_vec(&json!({
                "_type": STATEMENT_TYPE, "subject": [], "predicateType": RESULT_PREDICATE,
                "predicate": {
                    "run": run, "rule": {"id": format!("R-{r}"), "version": "1.0.0"},
                    "module": {"name": "m", "sha256": "s"}, "pack": {"name": "p", "version": "1.0.0", "digest": "d"},
                    "parameters": {}, "as_of": "2026-01-02", "host": host, "fuel": n, "outcome": "pass", "findings": []
                }
            })).unwrap());
        }
        writer.append_run("CRASH", &statements).expect("append");
        n = writer.len();
        let mut out = std::io::stdout().lock();
        writeln!(out, "ack {n}").unwrap();
        out.flush().unwrap();
    }
}
