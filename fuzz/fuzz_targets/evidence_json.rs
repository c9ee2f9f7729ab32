//! Fuzz target `evidence_json`: see `mizuchi_host::fuzz::evidence_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi_host::fuzz::evidence_json(data));
