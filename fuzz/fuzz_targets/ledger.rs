//! Fuzz target `ledger`: see `mizuchi_host::fuzz::ledger`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi_host::fuzz::ledger(data));
