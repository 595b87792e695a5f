//! Fuzzes format detection and the auto-detected read: never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prefplay_core::data::formats::{detect, read_table};

fuzz_target!(|data: &[u8]| {
    if let Ok(format) = detect("fuzz", data) {
        let _ = read_table(data, format, "fuzz", &[]);
    }
});
