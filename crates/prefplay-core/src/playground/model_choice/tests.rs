use super::*;
use crate::data::simulate::{SimulationSettings, simulate};
use crate::data::table::Outcome;
use crate::data::table::PairTable;
use crate::models::pairwise::uncertainty::Method;
use crate::models::pairwise::{PairwiseModel, PairwiseSettings};
use crate::playground::collect::{Ballot, Observation, View, fit_rankings};
use crate::{Dataset, Vote};

fn labels(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("item {i}")).collect()
}

/// Votes from the simulator: side `a` of each row was on the left.
fn simulated_votes(settings: SimulationSettings) -> (Vec<String>, Vec<Vote>, Vec<f64>) {
    let sim = simulate(&settings).unwrap();
    let votes = sim.table.votes();
    (sim.table.items().to_vec(), votes, sim.utilities)
}

fn few_votes() -> (Vec<String>, Vec<Vote>) {
    let votes = vec![
        Vote::new(0, 1, Outcome::A),
        Vote::new(1, 2, Outcome::A),
        Vote::new(2, 0, Outcome::B),
        Vote::new(0, 2, Outcome::Tie),
        Vote::new(1, 0, Outcome::B),
        Vote::new(2, 1, Outcome::Tie),
        Vote::new(1, 2, Outcome::B),
    ];
    (labels(3), votes)
}

#[test]
fn plain_bt_is_the_pairwise_models_fit_with_fisher_intervals() {
    let (items, votes) = few_votes();
    let choice = ModelChoice::default();
    assert!(choice.is_plain_bt());
    let fit = fit_choice(&items, &votes, &[], &choice).unwrap();
    let data = Dataset::new(items.clone(), votes).unwrap();
    let mut model =
        PairwiseModel::new(&PairTable::from_dataset(&data), PairwiseSettings::default()).unwrap();
    let bt = model.fit(None);
    let se = model
        .uncertainty(&bt, Method::Fisher, LEVEL)
        .unwrap()
        .score_se;
    for (a, b) in fit.scores.iter().zip(&bt.scores) {
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }
    assert_eq!(fit.standard_errors.as_deref(), Some(&se[..]));
    let intervals = fit.intervals.unwrap();
    for ((lo, hi), (s, se)) in intervals.iter().zip(bt.scores.iter().zip(&se)) {
        assert!((lo - (s - 1.96 * se)).abs() < 1e-3 && (hi - (s + 1.96 * se)).abs() < 1e-3);
    }
}

#[test]
fn the_order_effect_finds_the_simulated_position_bias() {
    let (items, votes, _) = simulated_votes(SimulationSettings {
        items: 10,
        votes: 4000,
        position_bias: 0.8,
        seed: 3,
        ..SimulationSettings::default()
    });
    let choice = ModelChoice {
        order_effect: true,
        ..ModelChoice::default()
    };
    assert!(!choice.is_plain_bt());
    let fit = fit_choice(&items, &votes, &[], &choice).unwrap();
    let (effect, se) = fit.order_effect.unwrap();
    assert!((effect - 0.8).abs() < 3.0 * se, "{effect} ± {se}");
    assert!(se > 0.0 && se < 0.1);
    let off = fit_choice(&items, &votes, &[], &ModelChoice::default()).unwrap();
    assert!(off.order_effect.is_none());
}

#[test]
fn tie_models_estimate_their_parameter_and_thurstone_refuses_them() {
    let (items, votes) = few_votes();
    for (ties, name, lowest) in [
        (TieChoice::Davidson, "nu", 0.0),
        (TieChoice::RaoKupper, "theta", 1.0),
    ] {
        let choice = ModelChoice {
            ties,
            ..ModelChoice::default()
        };
        let fit = fit_choice(&items, &votes, &[], &choice).unwrap();
        let (n, estimate, _) = fit.tie_parameter.unwrap();
        assert_eq!(n, name);
        assert!(estimate >= lowest, "{name} = {estimate}");
    }
    let bad = ModelChoice {
        model: ModelKind::Thurstone,
        ties: TieChoice::Davidson,
        ..ModelChoice::default()
    };
    let e = fit_choice(&items, &votes, &[], &bad).unwrap_err();
    assert!(e.to_string().contains("logit"), "{e}");
    let thurstone = ModelChoice {
        model: ModelKind::Thurstone,
        ..ModelChoice::default()
    };
    let t = fit_choice(&items, &votes, &[], &thurstone).unwrap();
    let b = fit_choice(&items, &votes, &[], &ModelChoice::default()).unwrap();
    // Same order, smaller scale (probit ≈ logit / 1.7).
    assert!(t.scores[0] > t.scores[1] && b.scores[0] > b.scores[1]);
    assert!(t.scores[0] > 0.0 && t.scores[0] < b.scores[0]);
}

#[test]
fn every_interval_method_brackets_the_score() {
    let (items, votes, _) = simulated_votes(SimulationSettings {
        items: 6,
        votes: 300,
        seed: 5,
        ..SimulationSettings::default()
    });
    for interval in [
        IntervalChoice::Fisher,
        IntervalChoice::Sandwich,
        IntervalChoice::Bootstrap,
    ] {
        let choice = ModelChoice {
            interval,
            bootstrap_replicates: 50,
            ..ModelChoice::default()
        };
        let fit = fit_choice(&items, &votes, &[], &choice).unwrap();
        for (s, (lo, hi)) in fit.scores.iter().zip(fit.intervals.unwrap()) {
            assert!(lo < *s && *s < hi, "{interval:?}: {lo} {s} {hi}");
        }
    }
}

#[test]
fn plackett_luce_uses_rankings_and_best_of_k_as_cast() {
    let ballot = |observation| Ballot {
        id: String::new(),
        participant: 0,
        prompt: None,
        time_ms: 0.0,
        observation,
    };
    let mut ballots = Vec::new();
    for _ in 0..4 {
        ballots.push(ballot(Observation::Ranking {
            order: vec![2, 0, 1],
        }));
        ballots.push(ballot(Observation::BestOf {
            shown: vec![0, 1, 2],
            chosen: 2,
        }));
        ballots.push(ballot(Observation::Pair {
            left: 0,
            right: 1,
            outcome: Outcome::A,
        }));
    }
    ballots.push(ballot(Observation::Pair {
        left: 1,
        right: 0,
        outcome: Outcome::Tie,
    }));
    let rankings = fit_rankings(3, &ballots, View::Pooled);
    assert_eq!(rankings.len(), 12, "the tie says nothing about order");
    assert_eq!(rankings[1].order, vec![2]);
    assert_eq!(rankings[1].unranked, vec![0, 1]);
    let choice = ModelChoice {
        model: ModelKind::PlackettLuce,
        ..ModelChoice::default()
    };
    let fit = fit_choice(&labels(3), &[], &rankings, &choice).unwrap();
    assert!(fit.scores[2] > fit.scores[0] && fit.scores[0] > fit.scores[1]);
    assert!(fit.intervals.is_some());
}

#[test]
fn elo_is_centred_has_no_intervals_and_bad_settings_are_refused() {
    let (items, votes) = few_votes();
    let choice = ModelChoice {
        model: ModelKind::Elo,
        elo_k: 32.0,
        ..ModelChoice::default()
    };
    let fit = fit_choice(&items, &votes, &[], &choice).unwrap();
    assert!(fit.intervals.is_none());
    assert!(fit.scores.iter().sum::<f64>().abs() < 1e-12);
    for bad in [
        ModelChoice {
            prior: -1.0,
            ..ModelChoice::default()
        },
        ModelChoice {
            bootstrap_replicates: 1,
            ..ModelChoice::default()
        },
        ModelChoice {
            elo_k: f64::NAN,
            ..ModelChoice::default()
        },
    ] {
        assert!(fit_choice(&items, &votes, &[], &bad).is_err());
    }
    let old: ModelChoice = serde_json::from_str(r#"{"model":"elo"}"#).unwrap();
    assert_eq!(old.prior, ModelChoice::default().prior);
    assert!(choice.describe().contains("K = 32"));
}

#[test]
fn the_newton_path_climbs_from_equal_scores_to_the_fit() {
    let (items, votes, _) = simulated_votes(SimulationSettings {
        items: 8,
        votes: 400,
        seed: 9,
        ..SimulationSettings::default()
    });
    let data = Dataset::new(items, votes).unwrap();
    let table = PairTable::from_dataset(&data);
    let mut model = PairwiseModel::new(&table, PairwiseSettings::default()).unwrap();
    let fit = model.fit(None);
    let path = model.newton_path(50);
    assert!(path.len() >= 3, "{} frames", path.len());
    assert!(path[0].iter().all(|s| *s == 0.0));
    let last = path.last().unwrap();
    for (a, b) in last.iter().zip(&fit.scores) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
    assert!(model.newton_path(1).len() == 2);
}

#[test]
fn newton_frames_follow_the_choice_and_end_at_its_fit() {
    let (items, votes) = few_votes();
    let choice = ModelChoice {
        model: ModelKind::Thurstone,
        ..ModelChoice::default()
    };
    let frames = newton_frames(&items, &votes, &choice, 30).unwrap();
    let fit = fit_choice(&items, &votes, &[], &choice).unwrap();
    for (a, b) in frames.last().unwrap().iter().zip(&fit.scores) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
    let elo = ModelChoice {
        model: ModelKind::Elo,
        ..ModelChoice::default()
    };
    assert!(newton_frames(&items, &votes, &elo, 30).unwrap().len() >= 2);
    assert!(
        !newton_frames(&items, &[], &ModelChoice::default(), 30)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_held_out_check_beats_a_coin_on_informative_votes() {
    let (items, votes, _) = simulated_votes(SimulationSettings {
        items: 8,
        votes: 600,
        utility_sd: 1.5,
        seed: 11,
        ..SimulationSettings::default()
    });
    let h = held_out(&items, &votes, &ModelChoice::default(), 0.2, 1).unwrap();
    assert!(h.n_test > 80 && h.n_test < 160, "{}", h.n_test);
    assert!(h.log_loss < 0.6, "{}", h.log_loss);
    assert_eq!(h.calibration.len(), 10);
    assert!(held_out(&items, &votes, &ModelChoice::default(), 1.5, 1).is_err());
}

#[test]
fn every_model_fits_a_deck_without_votes() {
    for model in [
        ModelKind::Bt,
        ModelKind::Thurstone,
        ModelKind::PlackettLuce,
        ModelKind::Elo,
    ] {
        for interval in [
            IntervalChoice::Fisher,
            IntervalChoice::Sandwich,
            IntervalChoice::Bootstrap,
        ] {
            let choice = ModelChoice {
                model,
                interval,
                order_effect: true,
                ..ModelChoice::default()
            };
            let fit = fit_choice(&labels(4), &[], &[], &choice)
                .unwrap_or_else(|e| panic!("{model:?} {interval:?}: {e}"));
            assert_eq!(fit.scores, vec![0.0; 4], "{model:?} {interval:?}");
        }
    }
}
