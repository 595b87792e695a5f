//! Held-out evaluation: split votes into train and test, score a fit's
//! predictions (log-loss, Brier, accuracy, calibration), and compare scores
//! with a known truth (Kendall's τ, RMS error).

use rand::{Rng, SeedableRng};
use rand_distr::{Binomial, Distribution};
use rand_pcg::Pcg64Mcg;

use crate::data::table::{Outcome, PairRow, PairTable};
use crate::error::check_finite_above;
use crate::models::pairwise::{PairwiseFit, PairwiseModel};
use crate::{Error, Result};

/// How to split votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitBy {
    /// Each vote goes to the test set with probability `fraction`.
    Vote,
    /// Each rater (with all their votes) goes to the test set with
    /// probability `fraction`; rows without a rater stay in training.
    Rater,
    /// round(`fraction` × n) of each rater's n votes, drawn at random, go
    /// to the test set (rows without a rater count as one rater); a rater
    /// with one vote keeps it in training. What personalized models are
    /// scored on.
    WithinRater,
}

/// `Ok` when the held-out share `fraction` is in (0, 1).
pub(crate) fn check_holdout(fraction: f64) -> Result<()> {
    check_finite_above("holdout", fraction, 0.0, false, "must be between 0 and 1")?;
    if fraction >= 1.0 {
        return Err(Error::InvalidParameter {
            name: "holdout",
            value: fraction.to_string(),
            reason: "must be between 0 and 1",
        });
    }
    Ok(())
}

/// Splits `table` into (train, test), seeded. `fraction` in (0, 1).
pub fn split_holdout(
    table: &PairTable,
    fraction: f64,
    seed: u64,
    by: SplitBy,
) -> Result<(PairTable, PairTable)> {
    check_holdout(fraction)?;
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let test_rater: Vec<bool> = (0..table.raters().len())
        .map(|_| rng.random_bool(fraction))
        .collect();
    let mut train = table.clone();
    let mut test = table.clone();
    train.rows.clear();
    test.rows.clear();
    train.features.clear();
    test.features.clear();
    train.prompts.clear();
    test.prompts.clear();
    let within = match by {
        SplitBy::WithinRater => within_rater_test_counts(table, fraction, &mut rng),
        _ => Vec::new(),
    };
    for (k, row) in table.rows.iter().enumerate() {
        let n_test = match by {
            SplitBy::WithinRater => within[k],
            SplitBy::Vote => Binomial::new(u64::from(row.count), fraction)
                .map_or(0, |b| b.sample(&mut rng)) as u32,
            SplitBy::Rater => match row.rater {
                Some(r) if test_rater[r as usize] => row.count,
                _ => 0,
            },
        };
        let x = table.row_features(k);
        for (dest, count) in [(&mut train, row.count - n_test), (&mut test, n_test)] {
            if count > 0 {
                dest.push(PairRow { count, ..*row }, x)?;
                if let Some(p) = table.prompts.get(k) {
                    dest.prompts.push(p.clone());
                }
            }
        }
    }
    Ok((train, test))
}

/// How many of each row's votes go to the test set under
/// [`SplitBy::WithinRater`].
fn within_rater_test_counts(table: &PairTable, fraction: f64, rng: &mut Pcg64Mcg) -> Vec<u32> {
    use rand::seq::SliceRandom;
    let unrated = table.raters().len();
    let mut votes: Vec<Vec<usize>> = vec![Vec::new(); unrated + 1];
    for (k, row) in table.rows.iter().enumerate() {
        let rater = row.rater.map_or(unrated, |r| r as usize);
        votes[rater].extend(std::iter::repeat_n(k, row.count as usize));
    }
    let mut counts = vec![0u32; table.rows.len()];
    for mut mine in votes {
        mine.shuffle(rng);
        let n_test =
            ((fraction * mine.len() as f64).round() as usize).min(mine.len().saturating_sub(1));
        for &k in &mine[..n_test] {
            counts[k] += 1;
        }
    }
    counts
}

/// One calibration bin (predicted P(item_a wins), non-tie votes).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CalibrationBin {
    /// Mean predicted probability in the bin.
    pub predicted: f64,
    /// Observed share of `item_a` wins.
    pub observed: f64,
    /// Votes in the bin.
    pub votes: u64,
}

/// Held-out metrics, per vote.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HeldOut {
    /// Mean negative log-probability of the observed outcome (ties: the
    /// tie probability under Davidson/Rao–Kupper, the mean of the two
    /// sides' log-probabilities under "half"; dropped under "drop").
    pub log_loss: f64,
    /// Share of non-tie votes whose winner had p > ½ (p = ½ counts half).
    pub accuracy: f64,
    /// Mean (p − y)², p = P(a) + ½P(tie), y = 1, 0 or ½ for a tie.
    pub brier: f64,
    /// Test votes scored.
    pub n_test: u64,
    /// Ten equal-width bins of predicted P(item_a wins).
    pub calibration: Vec<CalibrationBin>,
}

/// Scores `fit` (from `model`, trained on a table with the same items) on `test`.
pub fn evaluate(model: &PairwiseModel, fit: &PairwiseFit, test: &PairTable) -> HeldOut {
    let has_tie_parameter = fit.tie_parameter.is_some();
    let drop_ties = model.settings().ties == crate::models::pairwise::TieModel::Drop;
    let (mut log_loss, mut brier, mut correct, mut n, mut n_decisive) = (0.0, 0.0, 0.0, 0u64, 0u64);
    let mut bins = vec![(0.0, 0.0, 0u64); 10];
    for (k, row) in test.rows.iter().enumerate() {
        let (pa, pb, pt) = model.outcome_probabilities(fit, row, test.row_features(k));
        let w = f64::from(row.count);
        let tie = matches!(row.outcome, Outcome::Tie | Outcome::BothBad);
        if tie && drop_ties {
            continue;
        }
        let loss = match row.outcome {
            Outcome::A => -pa.ln(),
            Outcome::B => -pb.ln(),
            _ if has_tie_parameter => -pt.ln(),
            _ => -0.5 * (pa.ln() + pb.ln()),
        };
        let p = pa + 0.5 * pt;
        let y = match row.outcome {
            Outcome::A => 1.0,
            Outcome::B => 0.0,
            _ => 0.5,
        };
        log_loss += w * loss;
        brier += w * (p - y) * (p - y);
        n += u64::from(row.count);
        if !tie {
            let hit = if p == 0.5 {
                0.5
            } else if (p > 0.5) == (y == 1.0) {
                1.0
            } else {
                0.0
            };
            correct += w * hit;
            n_decisive += u64::from(row.count);
            let bin = &mut bins[((p * 10.0) as usize).min(9)];
            bin.0 += w * p;
            bin.1 += w * y;
            bin.2 += u64::from(row.count);
        }
    }
    let per = |x: f64, n: u64| if n > 0 { x / n as f64 } else { f64::NAN };
    HeldOut {
        log_loss: per(log_loss, n),
        accuracy: per(correct, n_decisive),
        brier: per(brier, n),
        n_test: n,
        calibration: bins
            .into_iter()
            .filter(|b| b.2 > 0)
            .map(|(p, y, v)| CalibrationBin {
                predicted: p / v as f64,
                observed: y / v as f64,
                votes: v,
            })
            .collect(),
    }
}

/// Kendall's τ-b between two score vectors (ties in either handled).
pub fn kendall_tau(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let (mut concordant, mut discordant, mut ties_x, mut ties_y) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for i in 0..n {
        for j in i + 1..n {
            let (dx, dy) = (x[i] - x[j], y[i] - y[j]);
            if dx == 0.0 && dy == 0.0 {
                continue;
            } else if dx == 0.0 {
                ties_x += 1.0;
            } else if dy == 0.0 {
                ties_y += 1.0;
            } else if (dx > 0.0) == (dy > 0.0) {
                concordant += 1.0;
            } else {
                discordant += 1.0;
            }
        }
    }
    let denom = ((concordant + discordant + ties_x) * (concordant + discordant + ties_y)).sqrt();
    if denom > 0.0 {
        (concordant - discordant) / denom
    } else {
        0.0
    }
}

/// Root-mean-square difference after centring both vectors.
pub fn centred_rmse(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n == 0 {
        return 0.0;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let sq: f64 = x
        .iter()
        .zip(y)
        .map(|(a, b)| ((a - mx) - (b - my)).powi(2))
        .sum();
    (sq / n as f64).sqrt()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn kendall_tau_of_same_and_reversed_orders() {
        let a = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(kendall_tau(&a, &a), 1.0);
        assert_eq!(kendall_tau(&a, &[4.0, 3.0, 2.0, 1.0]), -1.0);
        assert!((centred_rmse(&a, &[11.0, 12.0, 13.0, 14.0])).abs() < 1e-12);
    }
}
