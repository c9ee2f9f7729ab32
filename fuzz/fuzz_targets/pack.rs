//! Fuzz target `pack`: see `mizuchi_host::fuzz::pack`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi_host::fuzz::pack(data));
