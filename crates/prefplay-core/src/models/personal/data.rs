//! Votes with raters, and the within-rater train/test split.

use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::data::table::{Outcome, PairTable};
use crate::{Error, Result};

/// One vote by one rater.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PersonalVote {
    /// The rater's index.
    pub rater: u32,
    /// The item listed first.
    pub a: u32,
    /// The item listed second.
    pub b: u32,
    /// 1 if a won, 0 if b won, ½ for a tie.
    pub y: f64,
}

/// Votes of several raters on one set of items.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RaterVotes {
    /// Item labels.
    pub items: Vec<String>,
    /// Rater labels.
    pub raters: Vec<String>,
    /// One entry per vote (a row with count c is c votes).
    pub votes: Vec<PersonalVote>,
    /// Item features for the feature-based models, item-major
    /// (`items.len() × feature_names.len()`); empty when there are none.
    pub features: Vec<f64>,
    /// The features' names.
    pub feature_names: Vec<String>,
}

impl RaterVotes {
    /// The votes of `table`; every row needs a rater. "Both bad" counts as
    /// a tie.
    pub fn from_table(table: &PairTable, source_name: &str) -> Result<Self> {
        let mut votes = Vec::new();
        for (k, row) in table.rows.iter().enumerate() {
            let Some(rater) = row.rater else {
                return Err(Error::Format {
                    source_name: source_name.to_string(),
                    line: k as u64 + 2,
                    field: "rater".into(),
                    message: "personalized models need a rater on every vote".into(),
                });
            };
            let y = match row.outcome {
                Outcome::A => 1.0,
                Outcome::B => 0.0,
                _ => 0.5,
            };
            for _ in 0..row.count {
                votes.push(PersonalVote {
                    rater,
                    a: row.item_a,
                    b: row.item_b,
                    y,
                });
            }
        }
        Ok(Self {
            items: table.items().to_vec(),
            raters: table.raters().to_vec(),
            votes,
            ..Self::default()
        })
    }

    /// Each rater's vote indices.
    pub fn by_rater(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.raters.len()];
        for (i, v) in self.votes.iter().enumerate() {
            out[v.rater as usize].push(i);
        }
        out
    }

    /// The same items and raters with only `votes`.
    pub fn with_votes(&self, votes: Vec<PersonalVote>) -> Self {
        Self {
            votes,
            ..self.clone_without_votes()
        }
    }

    fn clone_without_votes(&self) -> Self {
        Self {
            items: self.items.clone(),
            raters: self.raters.clone(),
            votes: Vec::new(),
            features: self.features.clone(),
            feature_names: self.feature_names.clone(),
        }
    }
}

/// Splits every rater's votes: round(`fraction` × n) of a rater's n votes,
/// drawn at random (seeded), go to the test set, the rest to training. A
/// rater with one vote keeps it in training.
pub fn split_within_raters(
    data: &RaterVotes,
    fraction: f64,
    seed: u64,
) -> Result<(RaterVotes, RaterVotes)> {
    crate::inference::evaluation::check_holdout(fraction)?;
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let mut is_test = vec![false; data.votes.len()];
    for mut mine in data.by_rater() {
        mine.shuffle(&mut rng);
        let n_test =
            ((fraction * mine.len() as f64).round() as usize).min(mine.len().saturating_sub(1));
        for &i in &mine[..n_test] {
            is_test[i] = true;
        }
    }
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (v, t) in data.votes.iter().zip(is_test) {
        if t {
            test.push(*v);
        } else {
            train.push(*v);
        }
    }
    Ok((data.with_votes(train), data.with_votes(test)))
}
