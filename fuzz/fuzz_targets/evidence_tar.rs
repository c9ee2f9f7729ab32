//! Fuzz target `evidence_tar`: see `mizuchi::fuzz::evidence_tar`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi::fuzz::evidence_tar(data));
