//! Properties of the pairwise fits: agreement with the skeleton's BT solver,
//! invariances, optimality, and the warnings for data without an MLE.
#![allow(clippy::unwrap_used)]

use super::uncertainty::Method;
use super::*;
use crate::data::table::{Advantage, Outcome, PairRow, PairTable};

fn row(a: u32, b: u32, outcome: Outcome, advantage: Advantage, count: u32) -> PairRow {
    PairRow {
        item_a: a,
        item_b: b,
        outcome,
        advantage,
        count,
        rater: None,
    }
}

/// Five items, every outcome, both advantage sides, a neutral row.
fn sample_table() -> PairTable {
    let mut t = PairTable::with_items(&["p", "q", "r", "s", "t"].map(String::from));
    let rows = [
        row(0, 1, Outcome::A, Advantage::A, 6),
        row(1, 0, Outcome::A, Advantage::A, 3),
        row(0, 1, Outcome::Tie, Advantage::A, 2),
        row(1, 2, Outcome::B, Advantage::B, 4),
        row(2, 1, Outcome::A, Advantage::A, 5),
        row(2, 3, Outcome::A, Advantage::A, 7),
        row(3, 2, Outcome::BothBad, Advantage::None, 2),
        row(3, 4, Outcome::A, Advantage::A, 5),
        row(4, 3, Outcome::A, Advantage::A, 4),
        row(4, 0, Outcome::B, Advantage::None, 6),
        row(0, 4, Outcome::B, Advantage::B, 2),
        row(1, 3, Outcome::Tie, Advantage::A, 3),
        row(2, 0, Outcome::A, Advantage::A, 3),
        row(0, 2, Outcome::A, Advantage::A, 2),
    ];
    for r in rows {
        t.push(r, &[]).unwrap();
    }
    t
}

fn settings(link: Link, ties: TieModel, order_effect: bool, l2: f64) -> PairwiseSettings {
    PairwiseSettings {
        link,
        ties,
        order_effect,
        l2,
        ..PairwiseSettings::default()
    }
}

#[test]
fn fisher_errors_from_the_factor_equal_those_of_the_full_inverse() {
    let table = sample_table();
    for (link, ties) in super::MODELS {
        for (order, l2, reference) in [(false, 0.1, None), (true, 0.0, None), (true, 0.5, Some(3))]
        {
            let mut s = settings(link, ties, order, l2);
            s.reference = reference;
            let mut model = PairwiseModel::new(&table, s).unwrap();
            let fit = model.fit(None);
            let fast = model.uncertainty(&fit, Method::Fisher, 0.9).unwrap();
            let full = model.fisher_by_full_inverse(&fit, 0.9).unwrap();
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + b.abs());
            for (a, b) in fast.score_se.iter().zip(&full.score_se) {
                assert!(close(*a, *b), "{link:?} {ties:?} {order} {l2}: {a} vs {b}");
            }
            for ((a, b), (c, d)) in fast.score_interval.iter().zip(&full.score_interval) {
                assert!(close(*a, *c) && close(*b, *d));
            }
            let pairs = [
                (fast.order_effect_se, full.order_effect_se),
                (fast.tie_se, full.tie_se),
            ];
            for (a, b) in pairs {
                assert_eq!(a.is_some(), b.is_some());
                if let (Some(a), Some(b)) = (a, b) {
                    assert!(close(a, b), "{a} vs {b}");
                }
            }
        }
    }
}

#[test]
fn every_model_converges_and_beats_small_perturbations() {
    let table = sample_table();
    for (link, ties) in super::MODELS {
        for (order, l2) in [(false, 0.0), (true, 0.0), (true, 0.5)] {
            let mut model = PairwiseModel::new(&table, settings(link, ties, order, l2)).unwrap();
            let fit = model.fit(None);
            let name = format!("{link:?}/{ties:?} order={order} l2={l2}");
            assert!(fit.converged(), "{name}: {:?}", fit.status);
            let mut ev = problem::Evaluation::default();
            model.problem.evaluate(&fit.parameters, &mut ev);
            let best = ev.objective;
            for k in 0..fit.parameters.len() {
                if Some(k) == model.problem.gauge {
                    continue;
                }
                for h in [-1e-3, 1e-3] {
                    let mut p = fit.parameters.clone();
                    p[k] += h;
                    model.problem.evaluate(&p, &mut ev);
                    assert!(
                        ev.objective < best,
                        "{name}: moving θ[{k}] by {h} improved it"
                    );
                }
            }
            let unc = model.uncertainty(&fit, Method::Fisher, 0.95).unwrap();
            assert!(
                unc.score_se.iter().all(|s| s.is_finite() && *s > 0.0),
                "{name}"
            );
        }
    }
}

#[test]
fn relabelling_and_swapping_sides_change_nothing() {
    let table = sample_table();
    // Reverse the item order and list every row the other way round.
    let n = table.items().len() as u32;
    let relabel = |i: u32| n - 1 - i;
    let mut items: Vec<String> = table.items().to_vec();
    items.reverse();
    let mut swapped = PairTable::with_items(&items);
    for r in &table.rows {
        let flipped_adv = match r.advantage {
            Advantage::A => Advantage::B,
            Advantage::B => Advantage::A,
            Advantage::None => Advantage::None,
        };
        swapped
            .push(
                PairRow {
                    item_a: relabel(r.item_b),
                    item_b: relabel(r.item_a),
                    outcome: r.outcome.flipped(),
                    advantage: flipped_adv,
                    ..*r
                },
                &[],
            )
            .unwrap();
    }
    for (link, ties) in super::MODELS {
        let s = settings(link, ties, true, 0.0);
        let a = PairwiseModel::new(&table, s.clone()).unwrap().fit(None);
        let b = PairwiseModel::new(&swapped, s).unwrap().fit(None);
        for i in 0..n as usize {
            let j = relabel(i as u32) as usize;
            assert!(
                (a.scores[i] - b.scores[j]).abs() < 1e-8,
                "{link:?}/{ties:?} item {i}"
            );
        }
        assert!((a.order_effect.unwrap() - b.order_effect.unwrap()).abs() < 1e-8);
        assert!((a.log_likelihood - b.log_likelihood).abs() < 1e-8);
    }
}

#[test]
fn a_reference_item_gives_contrasts_with_gauge_free_errors() {
    let table = sample_table();
    for l2 in [0.0, 0.3] {
        let mut centred =
            PairwiseModel::new(&table, settings(Link::Logit, TieModel::Half, false, l2)).unwrap();
        let mut s = settings(Link::Logit, TieModel::Half, false, l2);
        s.reference = Some(2);
        let mut referenced = PairwiseModel::new(&table, s).unwrap();
        let (fc, fr) = (centred.fit(None), referenced.fit(None));
        assert_eq!(fr.scores[2], 0.0);
        for i in 0..5 {
            assert!(((fc.scores[i] - fc.scores[2]) - fr.scores[i]).abs() < 1e-9);
        }
        let ur = referenced.uncertainty(&fr, Method::Fisher, 0.95).unwrap();
        assert!(ur.score_se[2].abs() < 1e-7);
    }
}

#[test]
fn no_mle_falls_back_to_the_prior_with_a_warning() {
    let mut t = PairTable::with_items(&["top", "mid", "low", "idle"].map(String::from));
    t.push(row(0, 1, Outcome::A, Advantage::A, 3), &[]).unwrap();
    t.push(row(1, 2, Outcome::A, Advantage::A, 2), &[]).unwrap();
    t.push(row(2, 1, Outcome::A, Advantage::A, 1), &[]).unwrap();
    let mut model =
        PairwiseModel::new(&t, settings(Link::Logit, TieModel::Half, false, 0.0)).unwrap();
    let w = model.warnings().join("\n");
    assert!(w.contains("never lost: top"), "{w}");
    assert!(w.contains("never compared: idle"), "{w}");
    assert!(w.contains("does not exist"), "{w}");
    assert_eq!(model.settings().l2, DEFAULT_L2);
    let fit = model.fit(None);
    assert!(fit.converged());
    assert!(fit.scores.iter().all(|s| s.is_finite()));
    assert!(fit.scores[0] > fit.scores[1] && fit.scores[1] > fit.scores[2]);
}

#[test]
fn tie_parameter_without_ties_is_dropped_with_a_warning() {
    let mut t = PairTable::with_items(&["x", "y"].map(String::from));
    t.push(row(0, 1, Outcome::A, Advantage::A, 3), &[]).unwrap();
    t.push(row(0, 1, Outcome::B, Advantage::A, 1), &[]).unwrap();
    let mut model =
        PairwiseModel::new(&t, settings(Link::Logit, TieModel::Davidson, false, 0.0)).unwrap();
    assert!(model.warnings()[0].contains("no ties"));
    let fit = model.fit(None);
    assert!(fit.tie_parameter.is_none());
    // ML with two items: s_x − s_y = log(3/1).
    assert!((fit.scores[0] - fit.scores[1] - 3f64.ln()).abs() < 1e-9);
}

#[test]
fn features_and_the_order_effect_are_recovered_from_exact_proportions() {
    // Two items, each arrangement with counts in exact logistic proportion
    // to η = (s0 − s1) + h·adv + β·x with s0 − s1 = 0.4, h = 0.3, β = −0.5.
    let mut t = PairTable::with_items(&["u", "v"].map(String::from));
    t.feature_names = vec!["len".into()];
    let truth = |adv: f64, x: f64| 0.4 + 0.3 * adv + -0.5 * x;
    for (adv, side, x) in [
        (1.0, Advantage::A, 0.0),
        (-1.0, Advantage::B, 1.0),
        (0.0, Advantage::None, -1.0),
        (1.0, Advantage::A, 2.0),
    ] {
        let p = crate::numerics::sigmoid(truth(adv, x));
        let n = 1_000_000.0;
        let wins = (p * n).round() as u32;
        t.push(row(0, 1, Outcome::A, side, wins), &[x]).unwrap();
        t.push(row(0, 1, Outcome::B, side, n as u32 - wins), &[x])
            .unwrap();
    }
    let mut model =
        PairwiseModel::new(&t, settings(Link::Logit, TieModel::Half, true, 0.0)).unwrap();
    let fit = model.fit(None);
    assert!(fit.converged());
    assert!(
        (fit.scores[0] - fit.scores[1] - 0.4).abs() < 1e-4,
        "{:?}",
        fit.scores
    );
    assert!((fit.order_effect.unwrap() - 0.3).abs() < 1e-4);
    assert!((fit.feature_coefficients[0] + 0.5).abs() < 1e-4);
    let unc = model.uncertainty(&fit, Method::Sandwich, 0.9).unwrap();
    assert!(unc.feature_se[0] > 0.0 && unc.feature_se[0] < 0.01);
}

#[test]
fn bootstrap_is_seeded_and_agrees_with_fisher_on_ample_data() {
    let table = sample_table();
    let mut model =
        PairwiseModel::new(&table, settings(Link::Logit, TieModel::Davidson, true, 0.1)).unwrap();
    let fit = model.fit(None);
    let method = Method::Bootstrap {
        replicates: 60,
        seed: 7,
    };
    let a = model.uncertainty(&fit, method, 0.95).unwrap();
    assert_eq!(a, model.uncertainty(&fit, method, 0.95).unwrap());
    assert!(a.tie_se.unwrap() > 0.0);

    let sim = crate::data::simulate::simulate(&crate::data::simulate::SimulationSettings {
        items: 6,
        votes: 5000,
        tie_rate: 0.2,
        seed: 11,
        ..Default::default()
    })
    .unwrap();
    let mut model = PairwiseModel::new(
        &sim.table,
        settings(Link::Logit, TieModel::Davidson, true, 0.1),
    )
    .unwrap();
    let fit = model.fit(None);
    let boot = model
        .uncertainty(
            &fit,
            Method::Bootstrap {
                replicates: 400,
                seed: 3,
            },
            0.95,
        )
        .unwrap();
    let fisher = model.uncertainty(&fit, Method::Fisher, 0.95).unwrap();
    for i in 0..6 {
        let ratio = boot.score_se[i] / fisher.score_se[i];
        assert!(
            (0.8..1.25).contains(&ratio),
            "item {i}: bootstrap/Fisher SE {ratio}"
        );
        let (lo, hi) = boot.score_interval[i];
        assert!(lo < fit.scores[i] && fit.scores[i] < hi);
    }
    let ratio = boot.tie_se.unwrap() / fisher.tie_se.unwrap();
    assert!((0.8..1.25).contains(&ratio), "tie parameter: {ratio}");
}

#[test]
fn rank_intervals_follow_the_arena_rule() {
    let scores = [2.0, 1.0, 0.9, -1.0];
    let ci = [(1.5, 2.5), (0.5, 1.4), (0.4, 1.6), (-1.5, -0.5)];
    let r = uncertainty::rank_intervals(&scores, &ci);
    assert_eq!(r, vec![(1, 1, 2), (2, 2, 3), (3, 1, 3), (4, 4, 4)]);
}

#[test]
fn the_plain_fast_path_matches_finite_differences_with_and_without_strengths() {
    let table = sample_table();
    let model = PairwiseModel::new(&table, settings(Link::Logit, TieModel::Half, false, 0.1))
        .expect("model");
    let problem = &model.problem;
    let n = problem.layout.dim;
    // A moderate point (strengths used) and one spread past 700 (per-cell
    // exponentials): both give the finite-difference gradient.
    for spread in [1.3, 900.0] {
        let theta: Vec<f64> = (0..n)
            .map(|i| spread * (i as f64 / n as f64 - 0.5))
            .collect();
        assert_eq!(problem.strengths(&theta).is_some(), spread < 700.0);
        let mut ev = super::problem::Evaluation::default();
        problem.evaluate(&theta, &mut ev);
        assert!(ev.objective.is_finite(), "objective at spread {spread}");
        for i in 0..n {
            let h = 1e-6 * (1.0 + theta[i].abs());
            let mut up = theta.clone();
            up[i] += h;
            let mut down = theta.clone();
            down[i] -= h;
            let fd = (problem.objective_at(&up) - problem.objective_at(&down)) / (2.0 * h);
            let tol = 1e-5 * (1.0 + fd.abs()) + 1e-9 * ev.objective.abs() / h;
            assert!(
                (ev.grad[i] - fd).abs() < tol,
                "spread {spread}, item {i}: {} vs {fd}",
                ev.grad[i]
            );
        }
    }
}
