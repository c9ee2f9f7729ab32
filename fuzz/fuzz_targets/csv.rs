//! Fuzz target `csv`: see `mizuchi_host::fuzz::csv`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi_host::fuzz::csv(data));
