#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| kaiji::ingest::fuzzing::run("date", data));
