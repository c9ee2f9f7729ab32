//! Fuzz target `csv`: see `mizuchi::fuzz::csv`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi::fuzz::csv(data));
