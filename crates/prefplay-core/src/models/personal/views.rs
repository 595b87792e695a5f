//! What the page shows of a personalized fit: each rater's scores, a 2-D
//! map of raters, and how much each pair of raters agrees.

use super::fits::Fitted;
use crate::inference::evaluation::kendall_tau;

impl Fitted {
    /// `rater`'s score of each of `n_items` items: the model's own scores
    /// where it has them; a mixture's responsibility-weighted group
    /// scores; for GPM (no scores: it can hold cycles) each item's mean
    /// probability of beating the others (its Copeland-style strength).
    pub fn rater_scores(&self, rater: u32, n_items: usize) -> Vec<f64> {
        match self {
            Fitted::Pooled { scores } => scores.clone(),
            Fitted::PerRater {
                scores, n_items, ..
            } => scores[rater as usize * n_items..(rater as usize + 1) * n_items].to_vec(),
            Fitted::LowRank { .. } => (0..n_items).map(|i| self.rater_score(rater, i)).collect(),
            Fitted::Mixture {
                groups,
                responsibilities,
            } => (0..n_items)
                .map(|i| {
                    responsibilities[rater as usize]
                        .iter()
                        .zip(groups)
                        .map(|(r, g)| r * g[i])
                        .sum()
                })
                .collect(),
            Fitted::Gpm { .. } => (0..n_items)
                .map(|i| {
                    (0..n_items)
                        .filter(|&j| j != i)
                        .map(|j| self.prob(rater, i as u32, j as u32))
                        .sum::<f64>()
                        / (n_items.max(2) - 1) as f64
                })
                .collect(),
        }
    }
}

/// Each rater's point on a 2-D map: their score vectors (centred per
/// rater, then across raters) projected on the two leading principal
/// components, found by power iteration with deflation.
pub fn rater_map(scores: &[Vec<f64>]) -> Vec<(f64, f64)> {
    let r = scores.len();
    let n = scores.first().map_or(0, Vec::len);
    if r == 0 || n == 0 {
        return Vec::new();
    }
    let mut x: Vec<Vec<f64>> = scores
        .iter()
        .map(|s| {
            let m = s.iter().sum::<f64>() / n as f64;
            s.iter().map(|v| v - m).collect()
        })
        .collect();
    for i in 0..n {
        let m = x.iter().map(|row| row[i]).sum::<f64>() / r as f64;
        x.iter_mut().for_each(|row| row[i] -= m);
    }
    let mut components: Vec<Vec<f64>> = Vec::new();
    for c in 0..2 {
        // Power iteration on XᵀX, from a fixed start.
        let mut v: Vec<f64> = (0..n).map(|i| 1.0 + ((i + c) % 3) as f64).collect();
        for _ in 0..200 {
            let xv: Vec<f64> = x.iter().map(|row| dot(row, &v)).collect();
            let mut next = vec![0.0; n];
            for (row, s) in x.iter().zip(&xv) {
                for i in 0..n {
                    next[i] += row[i] * s;
                }
            }
            for prev in &components {
                let d = dot(&next, prev);
                next.iter_mut().zip(prev).for_each(|(a, b)| *a -= d * b);
            }
            let norm = dot(&next, &next).sqrt();
            if norm < 1e-12 {
                break;
            }
            v = next.iter().map(|a| a / norm).collect();
        }
        components.push(v);
    }
    x.iter()
        .map(|row| (dot(row, &components[0]), dot(row, &components[1])))
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Kendall's τ between every two raters' scores (1 on the diagonal).
pub fn agreement(scores: &[Vec<f64>]) -> Vec<Vec<f64>> {
    scores
        .iter()
        .map(|a| scores.iter().map(|b| kendall_tau(a, b)).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_separates_opposite_raters_and_agreement_sees_them() {
        let up: Vec<f64> = (0..6).map(f64::from).collect();
        let down: Vec<f64> = up.iter().map(|v| -v).collect();
        let scores = vec![up.clone(), up.clone(), down.clone(), down];
        let map = rater_map(&scores);
        assert!((map[0].0 - map[1].0).abs() < 1e-9);
        assert!(map[0].0 * map[2].0 < 0.0, "{map:?}");
        let a = agreement(&scores);
        assert!((a[0][1] - 1.0).abs() < 1e-12 && (a[0][2] + 1.0).abs() < 1e-12);
    }
}
