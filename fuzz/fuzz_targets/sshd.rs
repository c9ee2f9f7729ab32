//! Fuzz target `sshd`: see `mizuchi::fuzz::sshd`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi::fuzz::sshd(data));
