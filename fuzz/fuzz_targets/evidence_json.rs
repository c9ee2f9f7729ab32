//! Fuzz target `evidence_json`: see `mizuchi::fuzz::evidence_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi::fuzz::evidence_json(data));
