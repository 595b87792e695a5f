#![allow(clippy::unwrap_used)]
use super::*;
use crate::data::rankings::Ranking;
use crate::data::simulate::{SimulationSettings, simulate};
use crate::models::pairwise::{PairwiseModel, PairwiseSettings, TieModel};

#[test]
fn on_pairs_it_is_bradley_terry() {
    let sim = simulate(&SimulationSettings {
        items: 6,
        votes: 800,
        seed: 9,
        ..Default::default()
    })
    .unwrap();
    let (rankings, dropped) = RankingTable::from_pairs(&sim.table);
    assert_eq!(dropped, 0);
    let mut pl = PlackettLuce::new(
        &rankings,
        PlSettings {
            l2: 0.3,
            ..PlSettings::default()
        },
    )
    .unwrap();
    let fit = pl.fit();
    assert_eq!(fit.status, FitStatus::Converged);
    let settings = PairwiseSettings {
        l2: 0.3,
        ties: TieModel::Drop,
        ..PairwiseSettings::default()
    };
    let mut bt = PairwiseModel::new(&sim.table, settings).unwrap();
    let bt_fit = bt.fit(None);
    let pl_se = pl.fisher(&fit, 0.95).unwrap();
    let bt_se = bt
        .uncertainty(
            &bt_fit,
            crate::models::pairwise::uncertainty::Method::Fisher,
            0.95,
        )
        .unwrap();
    let pl_sandwich = pl.sandwich(&fit, 0.9).unwrap();
    let bt_sandwich = bt
        .uncertainty(
            &bt_fit,
            crate::models::pairwise::uncertainty::Method::Sandwich,
            0.9,
        )
        .unwrap();
    for i in 0..6 {
        assert!((fit.scores[i] - bt_fit.scores[i]).abs() < 1e-8);
        assert!((pl_se.score_se[i] - bt_se.score_se[i]).abs() < 1e-8);
        assert!((pl_sandwich.score_se[i] - bt_sandwich.score_se[i]).abs() < 1e-8);
        let (a, b) = (pl_sandwich.score_interval[i], bt_sandwich.score_interval[i]);
        assert!((a.0 - b.0).abs() < 1e-8 && (a.1 - b.1).abs() < 1e-8);
    }
}

#[test]
fn the_bootstrap_is_seeded_and_near_fisher_on_ample_data() {
    let sim = simulate(&SimulationSettings {
        items: 5,
        votes: 4000,
        seed: 3,
        ..Default::default()
    })
    .unwrap();
    let (rankings, _) = RankingTable::from_pairs(&sim.table);
    let mut pl = PlackettLuce::new(&rankings, PlSettings::default()).unwrap();
    let fit = pl.fit();
    let fisher = pl.fisher(&fit, 0.95).unwrap();
    let boot = pl.bootstrap(&fit, 300, 11, 0.95).unwrap();
    assert_eq!(boot, pl.bootstrap(&fit, 300, 11, 0.95).unwrap());
    assert_ne!(boot, pl.bootstrap(&fit, 300, 12, 0.95).unwrap());
    assert_eq!(boot.replicates_converged, Some(300));
    for i in 0..5 {
        let ratio = boot.score_se[i] / fisher.score_se[i];
        assert!((0.8..1.25).contains(&ratio), "item {i}: ratio {ratio}");
        let (lo, hi) = boot.score_interval[i];
        assert!(lo < fit.scores[i] && fit.scores[i] < hi);
    }
    assert!(pl.bootstrap(&fit, 1, 0, 0.95).is_err());
}

#[test]
fn recovers_utilities_from_best_of_four_choices() {
    // Exact expected counts: for each 4-set, choice shares ∝ exp(u).
    let u = [1.0, 0.5, 0.0, -0.5, -1.0];
    let mut t = RankingTable::with_items(&["a", "b", "c", "d", "e"].map(String::from));
    for skip in 0..5u32 {
        let shown: Vec<u32> = (0..5).filter(|&i| i != skip).collect();
        let z: f64 = shown.iter().map(|&i| f64::exp(u[i as usize])).sum();
        for &c in &shown {
            let count = (1e6 * f64::exp(u[c as usize]) / z).round() as u32;
            let unranked = shown.iter().copied().filter(|&i| i != c).collect();
            t.push(Ranking {
                order: vec![c],
                unranked,
                count,
                rater: None,
            })
            .unwrap();
        }
    }
    let mut pl = PlackettLuce::new(
        &t,
        PlSettings {
            l2: 0.0,
            ..PlSettings::default()
        },
    )
    .unwrap();
    let fit = pl.fit();
    for (s, want) in fit.scores.iter().zip(u) {
        assert!((s - want).abs() < 1e-4, "{:?}", fit.scores);
    }
}

#[test]
fn full_rankings_converge_and_order_the_items() {
    let mut t = RankingTable::with_items(&["x", "y", "z", "w"].map(String::from));
    for (order, count) in [
        (vec![0, 1, 2, 3], 5),
        (vec![1, 0, 3, 2], 3),
        (vec![0, 2, 1, 3], 4),
        (vec![3, 0, 1, 2], 1),
    ] {
        t.push(Ranking {
            order,
            unranked: vec![],
            count,
            rater: None,
        })
        .unwrap();
    }
    let mut pl = PlackettLuce::new(
        &t,
        PlSettings {
            l2: 0.0,
            reference: Some(3),
            ..PlSettings::default()
        },
    )
    .unwrap();
    let fit = pl.fit();
    assert_eq!(fit.status, FitStatus::Converged);
    assert_eq!(fit.scores[3], 0.0);
    assert!(fit.scores[0] > fit.scores[1] && fit.scores[1] > fit.scores[2]);
    let unc = pl.fisher(&fit, 0.9).unwrap();
    assert!(unc.score_se[3].abs() < 1e-9 && unc.score_se[0] > 0.0);
}

#[test]
fn an_item_always_first_falls_back_to_the_prior() {
    let mut t = RankingTable::with_items(&["top", "mid", "low"].map(String::from));
    t.push(Ranking {
        order: vec![0, 1, 2],
        unranked: vec![],
        count: 3,
        rater: None,
    })
    .unwrap();
    t.push(Ranking {
        order: vec![0, 2, 1],
        unranked: vec![],
        count: 2,
        rater: None,
    })
    .unwrap();
    let mut pl = PlackettLuce::new(
        &t,
        PlSettings {
            l2: 0.0,
            ..PlSettings::default()
        },
    )
    .unwrap();
    assert!(pl.warnings()[0].contains("does not exist"));
    let fit = pl.fit();
    assert!(fit.scores.iter().all(|s| s.is_finite()));
    assert!(fit.scores[0] > fit.scores[1]);
}
