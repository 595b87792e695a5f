//! The pairwise models the parity tests run: every (link, tie model)
//! pair with and without an order effect and features, and a reference
//! item without a prior; tables drawn to exercise each.

use prefplay_core::data::table::{Advantage, Outcome, PairRow, PairTable};
use prefplay_core::models::pairwise::{Link, MODELS, PairwiseModel, PairwiseSettings, TieModel};
use prefplay_core::numerics::sigmoid;
use rand::Rng;
use rand_pcg::Pcg64Mcg;

/// One case: a model and what it adds to η (fields documented by name).
#[derive(Debug, Clone, Copy)]
pub struct Case {
    pub link: Link,
    pub ties: TieModel,
    pub order_effect: bool,
    pub features: usize,
    /// A reference item held at 0 (no prior) instead of the default prior.
    pub reference: bool,
}

/// Every model, alone and with an order effect and two features, and
/// plain Bradley–Terry and Thurstone against a reference item.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (link, ties) in MODELS {
        for (order_effect, features) in [(false, 0), (true, 2)] {
            cases.push(Case {
                link,
                ties,
                order_effect,
                features,
                reference: false,
            });
        }
    }
    for link in [Link::Logit, Link::Probit] {
        cases.push(Case {
            link,
            ties: TieModel::Half,
            order_effect: true,
            features: 1,
            reference: true,
        });
    }
    cases
}

/// `n_votes` rows on random pairs of `n_items` items: outcomes from
/// Bradley–Terry strengths in ±2 plus a home advantage of 0.3 and feature
/// effects, 10% ties, the advantage on either side or neither.
pub fn random_table(
    rng: &mut Pcg64Mcg,
    n_items: usize,
    n_votes: usize,
    features: usize,
) -> PairTable {
    let items: Vec<String> = (0..n_items).map(|i| format!("item {i}")).collect();
    let mut table = PairTable::with_items(&items);
    table.feature_names = (0..features).map(|j| format!("f{j}")).collect();
    let strength: Vec<f64> = (0..n_items).map(|_| rng.random_range(-2.0..2.0)).collect();
    for _ in 0..n_votes {
        let a = rng.random_range(0..n_items);
        let b = (a + rng.random_range(1..n_items)) % n_items;
        let advantage = [Advantage::A, Advantage::B, Advantage::None][rng.random_range(0..3)];
        let x: Vec<f64> = (0..features).map(|_| rng.random_range(-1.0..1.0)).collect();
        let eta = strength[a] - strength[b]
            + 0.3 * f64::from(advantage.sign())
            + x.iter().map(|v| 0.5 * v).sum::<f64>();
        let outcome = if rng.random_bool(0.1) {
            Outcome::Tie
        } else if rng.random_bool(sigmoid(eta)) {
            Outcome::A
        } else {
            Outcome::B
        };
        let row = PairRow {
            item_a: a as u32,
            item_b: b as u32,
            outcome,
            advantage,
            count: rng.random_range(1..3),
            rater: None,
        };
        table.push(row, &x).unwrap();
    }
    table
}

pub fn model_of(case: Case, table: &PairTable) -> PairwiseModel {
    let mut settings = PairwiseSettings {
        link: case.link,
        ties: case.ties,
        order_effect: case.order_effect,
        use_features: case.features > 0,
        ..PairwiseSettings::default()
    };
    if case.reference {
        settings.reference = Some(0);
        settings.l2 = 0.0;
    }
    PairwiseModel::new(table, settings).unwrap()
}
