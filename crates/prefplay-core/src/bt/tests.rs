use super::*;
use crate::{Dataset, Vote, Winner};

fn graph(n: usize, votes: &[(usize, usize, Winner)]) -> ComparisonGraph {
    let items = (0..n).map(|i| format!("item {i}")).collect();
    let votes = votes
        .iter()
        .map(|&(item_a, item_b, winner)| Vote {
            item_a,
            item_b,
            winner,
        })
        .collect();
    ComparisonGraph::from_dataset(&Dataset::new(items, votes).unwrap())
}

/// Worked by hand. Two items, A beats B three times and loses once.
/// Without a prior the MLE satisfies 3 − 4σ(d) = 0 for d = s_A − s_B, so
/// σ(d) = 3/4 and d = ln 3 = 1.098612…; centred, s_A = −s_B = ln(3)/2.
/// The information for d is n·p(1 − p) = 4 · ¾ · ¼ = ¾, so Var(d) = 4/3 and
/// Var(s_A) = Var(d/2) = 1/3: SE = 1/√3 = 0.577350….
#[test]
fn two_items_match_the_hand_computation() {
    use Winner::{A, B};
    let g = graph(2, &[(0, 1, A), (1, 0, B), (0, 1, A), (0, 1, B)]);
    let fit = fit_bt(
        &g,
        BtSettings {
            l2: 1e-9,
            ..BtSettings::default()
        },
    )
    .unwrap();
    assert_eq!(fit.status, NewtonStatus::Converged);
    let half_ln3 = 3f64.ln() / 2.0;
    assert!((fit.scores[0] - half_ln3).abs() < 1e-6, "{:?}", fit.scores);
    assert!((fit.scores[1] + half_ln3).abs() < 1e-6);
    assert!((fit.standard_errors[0] - 1.0 / 3f64.sqrt()).abs() < 1e-6);
    assert!((fit.standard_errors[1] - 1.0 / 3f64.sqrt()).abs() < 1e-6);
}

/// A beats B 2–1, B beats C 2–1, C beats A 2–1: by symmetry all scores are 0.
#[test]
fn a_balanced_cycle_gives_equal_scores() {
    use Winner::{A, B};
    let g = graph(
        3,
        &[
            (0, 1, A),
            (0, 1, A),
            (0, 1, B),
            (1, 2, A),
            (1, 2, A),
            (1, 2, B),
            (2, 0, A),
            (2, 0, A),
            (2, 0, B),
        ],
    );
    let fit = fit_bt(&g, BtSettings::default()).unwrap();
    for s in &fit.scores {
        assert!(s.abs() < 1e-12);
    }
}

/// With a vanishing prior the MLE satisfies Zermelo's (1929) condition:
/// each item's expected wins equal its observed wins.
#[test]
fn expected_wins_equal_observed_wins_at_the_mle() {
    use Winner::{A, B, Tie};
    let g = graph(
        4,
        &[
            (0, 1, A),
            (1, 0, A),
            (1, 2, A),
            (2, 3, Tie),
            (3, 0, A),
            (0, 2, B),
            (2, 1, A),
            (3, 1, B),
            (0, 3, A),
        ],
    );
    let fit = fit_bt(
        &g,
        BtSettings {
            l2: 1e-10,
            ..BtSettings::default()
        },
    )
    .unwrap();
    assert_eq!(fit.status, NewtonStatus::Converged);
    for i in 0..4 {
        let (mut observed, mut expected) = (0.0, 0.0);
        for e in g.row(i) {
            let j = g.opponent[e] as usize;
            observed += g.wins_for[e];
            let total = g.wins_for[e] + g.wins_against[e];
            expected += total * crate::numerics::sigmoid(fit.scores[i] - fit.scores[j]);
        }
        assert!(
            (observed - expected).abs() < 1e-7,
            "item {i}: {observed} vs {expected}"
        );
    }
}

#[test]
fn an_item_that_never_lost_gets_a_finite_top_score() {
    use Winner::A;
    let g = graph(3, &[(0, 1, A), (0, 2, A), (0, 1, A), (1, 2, A)]);
    let fit = fit_bt(&g, BtSettings::default()).unwrap();
    assert!(fit.scores.iter().all(|s| s.is_finite()));
    assert!(fit.scores[0] > fit.scores[1] && fit.scores[1] > fit.scores[2]);
    assert!(
        fit.scores.iter().sum::<f64>().abs() < 1e-9,
        "MAP is centred"
    );
}

#[test]
fn warm_start_reaches_the_same_answer() {
    use Winner::{A, B, Tie};
    let g = graph(3, &[(0, 1, A), (1, 2, Tie), (2, 0, B), (0, 2, A)]);
    let cold = fit_bt(&g, BtSettings::default()).unwrap();
    let warm = fit_bt_from(&g, BtSettings::default(), Some(&[1.0, -2.0, 0.5])).unwrap();
    for (a, b) in cold.scores.iter().zip(&warm.scores) {
        assert!((a - b).abs() < 1e-9);
    }
}

#[test]
fn settings_out_of_range_are_rejected_by_name() {
    let g = graph(2, &[]);
    for (settings, name) in [
        (
            BtSettings {
                l2: 0.0,
                ..BtSettings::default()
            },
            "l2",
        ),
        (
            BtSettings {
                l2: f64::NAN,
                ..BtSettings::default()
            },
            "l2",
        ),
        (
            BtSettings {
                tolerance: -1.0,
                ..BtSettings::default()
            },
            "tolerance",
        ),
        (
            BtSettings {
                max_iterations: 0,
                ..BtSettings::default()
            },
            "max_iterations",
        ),
    ] {
        match fit_bt(&g, settings) {
            Err(Error::InvalidParameter { name: got, .. }) => assert_eq!(got, name),
            other => panic!("expected InvalidParameter({name}), got {other:?}"),
        }
    }
}

#[test]
fn no_votes_gives_zero_scores_and_prior_standard_errors() {
    let g = graph(4, &[]);
    let fit = fit_bt(&g, BtSettings::default()).unwrap();
    assert_eq!(fit.scores, vec![0.0; 4]);
    // Var(s_i − mean) = (1/λ)(1 − 1/n) = 10 · 3/4.
    for se in &fit.standard_errors {
        assert!((se - 7.5f64.sqrt()).abs() < 1e-12);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn votes_strategy() -> impl Strategy<Value = (usize, Vec<(usize, usize, Winner)>)> {
        (2usize..8).prop_flat_map(|n| {
            let vote = (
                0..n,
                0..n,
                prop_oneof![Just(Winner::A), Just(Winner::B), Just(Winner::Tie)],
            )
                .prop_filter("two different items", |(a, b, _)| a != b);
            (Just(n), proptest::collection::vec(vote, 0..40))
        })
    }

    proptest! {
        /// At the returned point the posterior gradient vanishes.
        #[test]
        fn posterior_gradient_vanishes_at_the_fit((n, votes) in votes_strategy(), l2 in 0.01f64..2.0) {
            let g = graph(n, &votes);
            let fit = fit_bt(&g, BtSettings { l2, ..BtSettings::default() }).unwrap();
            prop_assert_eq!(fit.status, NewtonStatus::Converged);
            let pieces = bt_pieces_reference(&g, &fit.scores);
            for i in 0..n {
                prop_assert!((pieces.grad[i] - l2 * fit.scores[i]).abs() < 1e-8);
            }
        }
    }
}
