//! Fuzz target `evidence_tar`: see `mizuchi_host::fuzz::evidence_tar`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi_host::fuzz::evidence_tar(data));
