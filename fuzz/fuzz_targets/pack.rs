//! Fuzz target `pack`: see `mizuchi::fuzz::pack`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi::fuzz::pack(data));
