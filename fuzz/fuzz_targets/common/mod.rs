//! What every reader's fuzz target checks: any bytes give a table or an
//! error, never a panic; whatever was read can be fitted without a panic;
//! a table written as pairs CSV reads back.

use prefplay_core::data::formats::{Format, read_table, write_table};

/// Reads `data` as `format`, fits what was read, and re-reads its pairs CSV.
pub fn read_fit_round_trip(data: &[u8], format: Format) {
    let Ok(table) = read_table(data, format, "fuzz", &[]) else {
        return;
    };
    let _ = prefplay_core::models::pairwise::PairwiseModel::new(&table, Default::default())
        .map(|mut m| m.fit(None));
    let mut out = Vec::new();
    if write_table(&table, Format::Pairs, &mut out).is_ok() {
        let back = read_table(&out[..], Format::Pairs, "fuzz-round-trip", &[]);
        assert!(back.is_ok(), "re-reading written pairs failed: {back:?}");
    }
}
