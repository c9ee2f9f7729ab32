//! Fuzz target `evtx`: see `mizuchi::fuzz::evtx`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi::fuzz::evtx(data));
