//! Simulated raters with known structure, for the tests and scenarios (7)
//! and (8): groups that disagree, and a rock-paper-scissors cycle.

use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

use super::data::{PersonalVote, RaterVotes};
use crate::numerics::sigmoid;

/// `raters` raters in `groups` groups (rater u in group u mod groups), each
/// group with its own standard-normal utilities times `spread` (so groups
/// disagree), each rater voting `votes_per_rater` times on random pairs by
/// Bradley–Terry on their group's utilities. Returns the votes and each
/// rater's group.
pub fn simulate_groups(
    raters: usize,
    items: usize,
    votes_per_rater: usize,
    groups: usize,
    spread: f64,
    seed: u64,
) -> (RaterVotes, Vec<usize>) {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let utilities = draw_utilities(&mut rng, items, groups, spread);
    let group_of: Vec<usize> = (0..raters).map(|u| u % groups.max(1)).collect();
    let votes = bt_votes(&mut rng, &group_of, items, votes_per_rater, |g, i| {
        utilities[g][i]
    });
    let data = RaterVotes {
        items: (0..items).map(|i| format!("item {i}")).collect(),
        raters: (0..raters).map(|u| format!("rater {u}")).collect(),
        votes,
        ..RaterVotes::default()
    };
    (data, group_of)
}

/// `per_rater` Bradley–Terry votes by each rater (of group
/// `group_of[u]`) on random pairs of `items` items, with utility
/// `utility(group, item)`.
fn bt_votes(
    rng: &mut impl Rng,
    group_of: &[usize],
    items: usize,
    per_rater: usize,
    utility: impl Fn(usize, usize) -> f64,
) -> Vec<PersonalVote> {
    let mut votes = Vec::with_capacity(group_of.len() * per_rater);
    for (u, &g) in group_of.iter().enumerate() {
        for _ in 0..per_rater {
            let a = rng.random_range(0..items);
            let b = (a + rng.random_range(1..items)) % items;
            let p = sigmoid(utility(g, a) - utility(g, b));
            votes.push(PersonalVote {
                rater: u as u32,
                a: a as u32,
                b: b as u32,
                y: f64::from(u8::from(rng.random::<f64>() < p)),
            });
        }
    }
    votes
}

/// The groups' utilities `simulate_groups` with the same arguments uses
/// (`utilities[g][i]`).
pub fn group_utilities(items: usize, groups: usize, spread: f64, seed: u64) -> Vec<Vec<f64>> {
    draw_utilities(
        &mut rand_pcg::Pcg64::seed_from_u64(seed),
        items,
        groups,
        spread,
    )
}

fn draw_utilities(rng: &mut impl Rng, items: usize, groups: usize, spread: f64) -> Vec<Vec<f64>> {
    (0..groups.max(1))
        .map(|_| {
            (0..items)
                .map(|_| {
                    let z: f64 = StandardNormal.sample(rng);
                    spread * z
                })
                .collect()
        })
        .collect()
}

/// Like [`simulate_groups`], but each item has `features` standard-normal
/// features and group g's utility is w_gᵀx with w_g standard normal times
/// `spread` (so a model of the features can generalise across items).
pub fn simulate_feature_groups(
    raters: usize,
    items: usize,
    features: usize,
    votes_per_rater: usize,
    groups: usize,
    spread: f64,
    seed: u64,
) -> (RaterVotes, Vec<usize>) {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let x: Vec<f64> = (0..items * features)
        .map(|_| StandardNormal.sample(&mut rng))
        .collect();
    let weights = draw_utilities(&mut rng, features, groups, spread);
    let group_of: Vec<usize> = (0..raters).map(|u| u % groups.max(1)).collect();
    let utility = |g: usize, i: usize| -> f64 {
        (0..features)
            .map(|c| weights[g][c] * x[i * features + c])
            .sum()
    };
    let votes = bt_votes(&mut rng, &group_of, items, votes_per_rater, utility);
    let data = RaterVotes {
        items: (0..items).map(|i| format!("item {i}")).collect(),
        raters: (0..raters).map(|u| format!("rater {u}")).collect(),
        votes,
        features: x,
        feature_names: (0..features).map(|c| format!("x{c}")).collect(),
    };
    (data, group_of)
}

/// Rock, paper, scissors: each beats the next with probability `p`,
/// `votes` votes spread over `raters` raters.
pub fn simulate_cycle(raters: usize, votes: usize, p: f64, seed: u64) -> RaterVotes {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let out = (0..votes)
        .map(|k| {
            // Item i beats item (i + 1) mod 3: rock ≻ scissors ≻ paper ≻ rock.
            let i = rng.random_range(0..3u32);
            let j = (i + 1) % 3;
            let (a, b) = if rng.random_bool(0.5) { (i, j) } else { (j, i) };
            let i_wins = rng.random::<f64>() < p;
            PersonalVote {
                rater: (k % raters.max(1)) as u32,
                a,
                b,
                y: f64::from(u8::from(i_wins == (a == i))),
            }
        })
        .collect();
    RaterVotes {
        items: ["rock", "scissors", "paper"].map(String::from).to_vec(),
        raters: (0..raters.max(1)).map(|u| format!("rater {u}")).collect(),
        votes: out,
        ..RaterVotes::default()
    }
}

/// The adjusted Rand index of two labelings (Hubert & Arabie 1985): 1 for
/// the same partition, about 0 for unrelated ones.
pub fn adjusted_rand_index(x: &[usize], y: &[usize]) -> f64 {
    let n = x.len().min(y.len());
    let kx = x.iter().copied().max().map_or(0, |m| m + 1);
    let ky = y.iter().copied().max().map_or(0, |m| m + 1);
    let mut table = vec![vec![0.0_f64; ky]; kx];
    for i in 0..n {
        table[x[i]][y[i]] += 1.0;
    }
    let pairs = |c: f64| c * (c - 1.0) / 2.0;
    let index: f64 = table.iter().flatten().map(|&c| pairs(c)).sum();
    let rows: f64 = table.iter().map(|r| pairs(r.iter().sum())).sum();
    let cols: f64 = (0..ky)
        .map(|j| pairs(table.iter().map(|r| r[j]).sum()))
        .sum();
    let expected = rows * cols / pairs(n as f64);
    let max = 0.5 * (rows + cols);
    if (max - expected).abs() < 1e-12 {
        return 1.0;
    }
    (index - expected) / (max - expected)
}
