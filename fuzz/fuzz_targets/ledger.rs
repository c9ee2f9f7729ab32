//! Fuzz target `ledger`: see `mizuchi::fuzz::ledger`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi::fuzz::ledger(data));
