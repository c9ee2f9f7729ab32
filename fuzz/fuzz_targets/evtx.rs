//! Fuzz target `evtx`: see `mizuchi_host::fuzz::evtx`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi_host::fuzz::evtx(data));
