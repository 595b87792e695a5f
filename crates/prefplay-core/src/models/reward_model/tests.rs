use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::*;

/// n items with d uniform features, and pairs whose wins follow BT on
/// `truth(x)`.
fn data(
    n: usize,
    d: usize,
    n_pairs: usize,
    seed: u64,
    truth: impl Fn(&[f64]) -> f64,
) -> (Vec<f64>, RewardPairs) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let features: Vec<f64> = (0..n * d).map(|_| rng.random_range(-1.0..1.0)).collect();
    let utility: Vec<f64> = features.chunks_exact(d).map(&truth).collect();
    let mut pairs = RewardPairs::default();
    for _ in 0..n_pairs {
        let a = rng.random_range(0..n);
        let b = (a + rng.random_range(1..n)) % n;
        let p = sigmoid(utility[a] - utility[b]);
        let wins_a = (0..5).filter(|_| rng.random_bool(p)).count() as f64;
        pairs.item_a.push(a as u32);
        pairs.item_b.push(b as u32);
        pairs.wins_a.push(wins_a);
        pairs.wins_b.push(5.0 - wins_a);
    }
    (features, pairs)
}

#[test]
fn gradients_match_finite_differences() {
    let (features, pairs) = data(15, 4, 60, 1, |x| x[0] - x[1]);
    for head in [RewardHead::Linear, RewardHead::Mlp { hidden: 5 }] {
        let model = RewardModel::init(4, head, 9);
        let (_, grad) = model.loss_and_gradient(&features, &pairs, 0.01);
        for (k, &analytic) in grad.iter().enumerate() {
            let mut up = model.clone();
            let mut down = model.clone();
            up.params[k] += 1e-6;
            down.params[k] -= 1e-6;
            let numeric = (up.loss_and_gradient(&features, &pairs, 0.01).0
                - down.loss_and_gradient(&features, &pairs, 0.01).0)
                / 2e-6;
            assert!(
                (numeric - analytic).abs() < 1e-7,
                "{head:?} parameter {k}: {numeric} vs {analytic}"
            );
        }
    }
}

#[test]
fn a_linear_reward_recovers_a_linear_utility() {
    let truth = [1.5, -1.0, 0.5];
    let (features, pairs) = data(40, 3, 800, 2, |x| {
        x.iter().zip(&truth).map(|(a, w)| a * w).sum()
    });
    let settings = RewardSettings {
        head: RewardHead::Linear,
        l2: 0.0,
        steps: 300,
        ..RewardSettings::default()
    };
    let (model, losses) = train_reward(&features, 3, &pairs, &settings).unwrap();
    assert!(losses.last().unwrap() < &(losses[0] - 0.1), "{losses:?}");
    for (w, t) in model.params.iter().zip(&truth) {
        assert!((w - t).abs() < 0.35, "{:?} vs {truth:?}", model.params);
    }
}

#[test]
fn an_mlp_fits_what_a_linear_reward_cannot() {
    // r(x) = 3 x₀²: symmetric, so no linear reward orders it.
    let (features, pairs) = data(40, 2, 800, 3, |x| 3.0 * x[0] * x[0]);
    let fit = |head| {
        let settings = RewardSettings {
            head,
            steps: 400,
            ..RewardSettings::default()
        };
        *train_reward(&features, 2, &pairs, &settings)
            .unwrap()
            .1
            .last()
            .unwrap()
    };
    let (linear, mlp) = (fit(RewardHead::Linear), fit(RewardHead::Mlp { hidden: 8 }));
    assert!(mlp < linear - 0.05, "MLP loss {mlp} vs linear {linear}");
}

#[test]
fn bad_input_is_refused() {
    let (features, pairs) = data(5, 2, 10, 4, |x| x[0]);
    let settings = RewardSettings::default();
    assert!(check_training(&features[..9], 2, &pairs, &settings).is_err());
    let mut far = pairs.clone();
    far.item_b[0] = 5;
    assert!(check_training(&features, 2, &far, &settings).is_err());
    let lr = RewardSettings {
        learning_rate: 0.0,
        ..settings
    };
    assert!(check_training(&features, 2, &pairs, &lr).is_err());
    let hidden = RewardSettings {
        head: RewardHead::Mlp { hidden: 0 },
        ..settings
    };
    assert!(check_training(&features, 2, &pairs, &hidden).is_err());
    assert_eq!(check_training(&features, 2, &pairs, &settings).unwrap(), 5);
}
