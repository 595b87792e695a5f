//! Online Elo ratings, as Chatbot Arena's baseline leaderboard computes them.
//!
//! Votes are taken in order; after each, both ratings move by K·(S − E) with
//! E = 1 / (1 + base^((R_b − R_a)/scale)) and S = 1, ½ or 0 (Elo 1978,
//! *The Rating of Chessplayers*, §1.6). The result depends on vote order —
//! that is the point of showing it next to Bradley–Terry.

use crate::{Error, Result, Vote, Winner};

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
        let bad = |name: &'static str, value: f64, reason: &'static str| Error::InvalidParameter {
            name,
            value: value.to_string(),
            reason,
        };
        if !(self.k.is_finite() && self.k > 0.0) {
            return Err(bad("k", self.k, "must be finite and > 0"));
        }
        if !(self.scale.is_finite() && self.scale > 0.0) {
            return Err(bad("scale", self.scale, "must be finite and > 0"));
        }
        if !(self.base.is_finite() && self.base > 1.0) {
            return Err(bad("base", self.base, "must be finite and > 1"));
        }
        if !self.initial.is_finite() {
            return Err(bad("initial", self.initial, "must be finite"));
        }
        Ok(())
    }
}

/// Ratings after each vote in turn, one per item. Votes must name items
/// below `n_items` (a checked [`crate::Dataset`] guarantees it).
pub fn elo_ratings(n_items: usize, votes: &[Vote], settings: EloSettings) -> Result<Vec<f64>> {
    settings.check()?;
    let mut rating = vec![settings.initial; n_items];
    for (k, v) in votes.iter().enumerate() {
        for item in [v.item_a, v.item_b] {
            if item >= n_items {
                return Err(Error::ItemOutOfRange {
                    vote: k,
                    item,
                    n_items,
                });
            }
        }
        let (ra, rb) = (rating[v.item_a], rating[v.item_b]);
        let expected_a = 1.0 / (1.0 + settings.base.powf((rb - ra) / settings.scale));
        let score_a = match v.winner {
            Winner::A => 1.0,
            Winner::B => 0.0,
            Winner::Tie => 0.5,
        };
        let delta = settings.k * (score_a - expected_a);
        rating[v.item_a] += delta;
        rating[v.item_b] -= delta;
    }
    Ok(rating)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked by hand: two new players (1000 each) expect ½; A wins, so A
    /// gains K·½ = 2 and B loses 2. Next A (1002) vs B (998):
    /// E_A = 1/(1 + 10^(−4/400)) = 0.505756…, B wins: A moves by
    /// −4·0.505756 = −2.023025.
    #[test]
    fn two_votes_match_the_hand_computation() {
        let votes = [Vote::new(0, 1, Winner::A), Vote::new(0, 1, Winner::B)];
        let r = elo_ratings(2, &votes, EloSettings::default()).unwrap();
        let e = 1.0 / (1.0 + 10f64.powf(-4.0 / 400.0));
        assert!((e - 0.505_756).abs() < 1e-6);
        assert!((r[0] - (1002.0 - 4.0 * e)).abs() < 1e-12);
        assert!((r[0] + r[1] - 2000.0).abs() < 1e-12, "Elo is zero-sum");
    }

    #[test]
    fn order_matters() {
        let votes = [
            Vote::new(0, 1, Winner::A),
            Vote::new(1, 2, Winner::A),
            Vote::new(2, 0, Winner::A),
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
        let r = elo_ratings(2, &[Vote::new(0, 1, Winner::Tie)], EloSettings::default()).unwrap();
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
        let out = elo_ratings(2, &[Vote::new(0, 5, Winner::A)], EloSettings::default());
        assert!(matches!(out, Err(Error::ItemOutOfRange { item: 5, .. })));
    }
}
