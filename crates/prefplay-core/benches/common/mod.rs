//! What the native and the browser benchmarks share: the data sets, the
//! fit, and the median of repeated runs.

use prefplay_core::data::formats::{Format, read_table, write_table};
use prefplay_core::data::simulate::{SimulationSettings, simulate};
use prefplay_core::data::table::PairTable;
use prefplay_core::models::pairwise::uncertainty::Method;
use prefplay_core::models::pairwise::{PairwiseModel, PairwiseSettings};

/// (items, votes, timed runs) of each fit benchmarked.
pub const SIZES: [(usize, usize, usize); 2] = [(100, 100_000, 21), (1000, 1_000_000, 7)];

/// Bootstrap replicates timed on the first size.
pub const REPLICATES: u32 = 1000;

/// The median wall time of `runs` calls of `f` (after one warm-up call),
/// in milliseconds as `now_ms` reads them.
pub fn median_ms(runs: usize, now_ms: impl Fn() -> f64, mut f: impl FnMut()) -> f64 {
    f(); // warm-up
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = now_ms();
            f();
            now_ms() - t
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

/// A simulated data set: one rater, the simulator's defaults, seed 42.
pub fn data(items: usize, votes: usize) -> PairTable {
    let settings = SimulationSettings {
        items,
        votes,
        raters: 1,
        group_spread: 0.0,
        seed: 42,
        ..SimulationSettings::default()
    };
    match simulate(&settings) {
        Ok(sim) => sim.table,
        Err(e) => panic!("simulator: {e}"),
    }
}

/// One Bradley–Terry fit with the default settings; the first score.
pub fn fit(table: &PairTable) -> f64 {
    match PairwiseModel::new(table, PairwiseSettings::default()) {
        Ok(mut model) => model.fit(None).scores[0],
        Err(e) => panic!("fit: {e}"),
    }
}

/// `table` as pairs CSV bytes.
pub fn csv_bytes(table: &PairTable) -> Vec<u8> {
    let mut csv = Vec::new();
    if let Err(e) = write_table(table, Format::Pairs, &mut csv) {
        panic!("writing CSV: {e}");
    }
    csv
}

/// Reads pairs CSV bytes; the number of rows.
pub fn parse(csv: &[u8]) -> usize {
    read_table(csv, Format::Pairs, "bench.csv", &[]).map_or(0, |t| t.rows.len())
}

/// A fitted model and a call that draws its bootstrap intervals
/// ([`REPLICATES`] replicates, seed 1); the call returns the first SE.
pub fn bootstrap(table: &PairTable) -> impl FnMut() -> f64 {
    let Ok(mut model) = PairwiseModel::new(table, PairwiseSettings::default()) else {
        panic!("model");
    };
    let fitted = model.fit(None);
    let method = Method::Bootstrap {
        replicates: REPLICATES,
        seed: 1,
    };
    move || {
        model
            .uncertainty(&fitted, method, 0.95)
            .map_or(0.0, |u| u.score_se[0])
    }
}

/// Issue 7's size: 1,000 raters × 50 items × 20k votes in 3 groups.
pub const PERSONAL_SIZE: (usize, usize, usize) = (1000, 50, 20);

/// The personalized data set of [`PERSONAL_SIZE`].
pub fn personal_data() -> prefplay_core::models::personal::RaterVotes {
    let (raters, items, per_rater) = PERSONAL_SIZE;
    prefplay_core::models::personal::simulate_groups(raters, items, per_rater, 3, 1.5, 1).0
}

/// Trains the low-rank model (rank chosen inside the data, as `eval`
/// does); returns its first score for `black_box`.
pub fn personal_lowrank(data: &prefplay_core::models::personal::RaterVotes) -> f64 {
    use prefplay_core::models::personal::{Fitted, PersonalKind, PersonalSettings, fit};
    match fit(PersonalKind::LowRank, data, &PersonalSettings::default()) {
        Ok(Fitted::LowRank { mean, .. }) => mean[0],
        _ => f64::NAN,
    }
}
