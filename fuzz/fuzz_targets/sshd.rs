//! Fuzz target `sshd`: see `mizuchi_host::fuzz::sshd`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mizuchi_host::fuzz::sshd(data));
