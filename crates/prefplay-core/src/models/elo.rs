//! Online Elo ratings, as Chatbot Arena's baseline leaderboard computes them.
//!
//! Votes are taken in order; after each, both ratings move by K·(S − E) with
//! E = 1 / (1 + base^((R_b − R_a)/scale)) and S = 1, ½ or 0 (Elo 1978,
//! *The Rating of Chessplayers*, §1.6). The result depends on vote order —
//! that is the point of showing it next to Bradley–Terry.

use crate::error::check_finite_above;
use crate::{Outcome, Result, Vote};

/// Elo settings. Defaults follow Arena's notebook: K = 4, scale 400, base 10,
/// initial rating 1000.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EloSettings {
    /// Step size K (rating points per unit surprise). Default `4.0`; finite, > 0.
    pub k: f64,
    /// Rating points per factor `base` in odds. Default `400.0`; finite, > 0.
    pub scale: f64,
    /// Odds base. Default `10.0`; finite, > 1.
    pub base: f64,
    /// Everyone's starting rating. Default `1000.0`; finite.
    pub initial: f64,
}

impl Default for EloSettings {
    fn default() -> Self {
        Self {
            k: 4.0,
            scale: 400.0,
            base: 10.0,
            initial: 1000.0,
        }
    }
}

impl EloSettings {
    /// Checks every field against its documented range.
    pub fn check(&self) -> Result<()> {
        check_finite_above("k", self.k, 0.0, false, "must be finite and > 0")?;
        check_finite_above("scale", self.scale, 0.0, false, "must be finite and > 0")?;
        check_finite_above("base", self.base, 1.0, false, "must be finite and > 1")?;
        check_finite_above(
            "initial",
            self.initial,
            f64::NEG_INFINITY,
            false,
            "must be finite",
        )?;
        Ok(())
    }
}

/// Ratings after each vote in turn, one per item. Votes must name items
/// below `n_items` and two different items (a checked [`crate::Dataset`]
/// guarantees both).
pub fn elo_ratings(n_items: usize, votes: &[Vote], settings: EloSettings) -> Result<Vec<f64>> {
    settings.check()?;
    let mut rating = vec![settings.initial; n_items];
    for (k, v) in votes.iter().enumerate() {
        crate::data::dataset::check_vote(k, v, n_items)?;
        step(&mut rating, v, settings);
    }
    Ok(rating)
}

/// The ratings before any vote and after each in turn: `votes.len() + 1`
/// rows of `n_items` ratings (row t follows the first t votes).
pub fn elo_trajectory(
    n_items: usize,
    votes: &[Vote],
    settings: EloSettings,
) -> Result<Vec<Vec<f64>>> {
    settings.check()?;
    let mut rating = vec![settings.initial; n_items];
    let mut rows = Vec::with_capacity(votes.len() + 1);
    rows.push(rating.clone());
    for (k, v) in votes.iter().enumerate() {
        crate::data::dataset::check_vote(k, v, n_items)?;
        step(&mut rating, v, settings);
        rows.push(rating.clone());
    }
    Ok(rows)
}

/// One Elo update for vote `v`.
fn step(rating: &mut [f64], v: &Vote, settings: EloSettings) {
    let (ra, rb) = (rating[v.item_a], rating[v.item_b]);
    let expected_a = 1.0 / (1.0 + settings.base.powf((rb - ra) / settings.scale));
    let score_a = match v.outcome {
        Outcome::A => 1.0,
        Outcome::B => 0.0,
        Outcome::Tie | Outcome::BothBad => 0.5,
    };
    let delta = settings.k * (score_a - expected_a);
    rating[v.item_a] += delta;
    rating[v.item_b] -= delta;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    /// Worked by hand: two new players (1000 each) expect ½; A wins, so A
    /// gains K·½ = 2 and B loses 2. Next A (1002) vs B (998):
    /// E_A = 1/(1 + 10^(−4/400)) = 0.505756…, B wins: A moves by
    /// −4·0.505756 = −2.023025.
    #[test]
    fn two_votes_match_the_hand_computation() {
        let votes = [Vote::new(0, 1, Outcome::A), Vote::new(0, 1, Outcome::B)];
        let r = elo_ratings(2, &votes, EloSettings::default()).unwrap();
        let e = 1.0 / (1.0 + 10f64.powf(-4.0 / 400.0));
        assert!((e - 0.505_756).abs() < 1e-6);
        assert!((r[0] - (1002.0 - 4.0 * e)).abs() < 1e-12);
        assert!((r[0] + r[1] - 2000.0).abs() < 1e-12, "Elo is zero-sum");
    }

    #[test]
    fn the_trajectory_starts_level_and_ends_at_the_ratings() {
        let votes = [Vote::new(0, 1, Outcome::A), Vote::new(1, 2, Outcome::B)];
        let s = EloSettings::default();
        let rows = elo_trajectory(3, &votes, s).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], vec![1000.0; 3]);
        assert_eq!(rows[2], elo_ratings(3, &votes, s).unwrap());
    }

    #[test]
    fn order_matters() {
        let votes = [
            Vote::new(0, 1, Outcome::A),
            Vote::new(1, 2, Outcome::A),
            Vote::new(2, 0, Outcome::A),
        ];
        let mut reversed = votes;
        reversed.reverse();
        let s = EloSettings::default();
        assert_ne!(
            elo_ratings(3, &votes, s).unwrap(),
            elo_ratings(3, &reversed, s).unwrap()
        );
    }

    #[test]
    fn ties_between_equals_change_nothing_and_bad_settings_are_named() {
        let r = elo_ratings(2, &[Vote::new(0, 1, Outcome::Tie)], EloSettings::default()).unwrap();
        assert_eq!(r, vec![1000.0, 1000.0]);
        let err = elo_ratings(
            2,
            &[],
            EloSettings {
                base: 1.0,
                ..EloSettings::default()
            },
        );
        assert!(matches!(
            err,
            Err(Error::InvalidParameter { name: "base", .. })
        ));
        let out = elo_ratings(2, &[Vote::new(0, 5, Outcome::A)], EloSettings::default());
        assert!(matches!(out, Err(Error::ItemOutOfRange { item: 5, .. })));
    }
}
