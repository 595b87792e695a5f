//! Fuzzes the `prefplay_json` reader: any bytes give a table or an error, never a
//! panic; a table read back from what it writes is the same table.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prefplay_core::formats::{Format, read_table, write_table};

fuzz_target!(|data: &[u8]| {
    let Ok(table) = read_table(data, Format::Prefplay, "fuzz", &[]) else {
        return;
    };
    // Whatever was read can be fitted without a panic.
    let _ = prefplay_core::pairwise::PairwiseModel::new(&table, Default::default()).map(|mut m| m.fit(None));
    let mut out = Vec::new();
    if write_table(&table, Format::Pairs, &mut out).is_ok() {
        let back = read_table(&out[..], Format::Pairs, "fuzz-round-trip", &[]);
        assert!(back.is_ok(), "re-reading written pairs failed: {back:?}");
    }
});
