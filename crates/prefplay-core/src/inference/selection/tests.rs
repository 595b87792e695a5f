use super::*;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

#[test]
fn every_pair_is_shown_once_before_any_is_shown_twice() {
    let n = 6;
    let mut exposures = PairExposures::new(n);
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let mut lefts = [0u32; 6];
    for _ in 0..15 {
        let (a, b) = least_compared_pair(&exposures, &mut rng).unwrap();
        assert_eq!(exposures.count(a, b), 0, "pair ({a}, {b}) repeated early");
        exposures.record(a, b);
        lefts[a] += 1;
    }
    assert!(lefts.iter().any(|&l| l > 0) && lefts.iter().sum::<u32>() == 15);
    let (a, b) = least_compared_pair(&exposures, &mut rng).unwrap();
    assert_eq!(exposures.count(a, b), 1);
}

#[test]
fn left_side_is_randomized() {
    let mut exposures = PairExposures::new(2);
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let mut zero_left = 0;
    for _ in 0..200 {
        let (a, b) = least_compared_pair(&exposures, &mut rng).unwrap();
        exposures.record(a, b);
        zero_left += usize::from(a == 0);
    }
    assert!((60..140).contains(&zero_left), "{zero_left}");
}

#[test]
fn the_probit_belief_has_the_normal_cdf_and_its_information() {
    let scores = [0.0, 0.0, 1.0];
    let se = [1.0; 3];
    let belief = Belief {
        scores: &scores,
        standard_errors: &se,
        link: Link::Probit,
    };
    assert!((belief.win_probability(0, 1) - 0.5).abs() < 1e-15);
    assert!((belief.win_probability(2, 0) - 0.841_344_746_068_543).abs() < 1e-12);
    // φ(0)²/(½·½) = 2/π.
    assert!((belief.information(0, 1) - 2.0 / std::f64::consts::PI).abs() < 1e-12);
    // Against −d²/dd² of the log-likelihood of one win, by differences.
    let log_lik = |d: f64| crate::numerics::log_ndtr(d);
    let (d, h) = (1.0, 1e-4);
    let p = belief.win_probability(2, 0);
    let second = |f: &dyn Fn(f64) -> f64| (f(d + h) - 2.0 * f(d) + f(d - h)) / (h * h);
    let expected = -(p * second(&log_lik) + (1.0 - p) * second(&|x| log_lik(-x)));
    assert!(
        (belief.information(2, 0) - expected).abs() < 1e-5,
        "{expected}"
    );
    let far = [0.0, 40.0];
    let far_belief = Belief {
        scores: &far,
        standard_errors: &se[..2],
        link: Link::Probit,
    };
    assert!(far_belief.information(0, 1).is_finite());
}

#[test]
fn active_strategies_pick_what_they_promise() {
    let scores = [2.0, 1.0, 0.95, -1.0, -3.0];
    let se = [0.1, 0.1, 0.1, 2.0, 0.1];
    let belief = Belief {
        scores: &scores,
        standard_errors: &se,
        link: Link::Logit,
    };
    let ex = PairExposures::new(5);
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    let unordered = |p: Option<(usize, usize)>| p.map(|(a, b)| (a.min(b), a.max(b)));
    assert_eq!(
        unordered(choose_pair(Strategy::MostUncertain, belief, &ex, &mut rng)),
        Some((1, 2))
    );
    // Item 3 is the uncertain one; it is paired with a close neighbour.
    let ig = unordered(choose_pair(
        Strategy::InformationGain,
        belief,
        &ex,
        &mut rng,
    ))
    .unwrap();
    assert!(ig.0 == 3 || ig.1 == 3, "{ig:?}");
    // Top 1: the leader against the item most likely to overtake it.
    assert_eq!(
        unordered(choose_pair(
            Strategy::Ucb { k: 1, width: 1.96 },
            belief,
            &ex,
            &mut rng
        )),
        Some((0, 3))
    );
    let mut boundary = 0;
    for _ in 0..200 {
        let p = unordered(choose_pair(
            Strategy::Thompson { k: 2 },
            belief,
            &ex,
            &mut rng,
        ))
        .unwrap();
        assert!(p.0 != p.1);
        boundary += usize::from(p == (1, 2) || p == (2, 3) || p == (1, 3));
    }
    assert!(boundary > 150, "{boundary}");
    for _ in 0..50 {
        let (a, b) = choose_pair(Strategy::Random, belief, &ex, &mut rng).unwrap();
        assert!(a != b && a < 5 && b < 5);
    }
}

#[test]
fn fewer_than_two_items_has_no_pair() {
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    assert_eq!(least_compared_pair(&PairExposures::new(1), &mut rng), None);
    assert_eq!(least_compared_pair(&PairExposures::new(0), &mut rng), None);
}

#[test]
fn a_pair_just_shown_is_not_shown_again_while_another_is_left() {
    let scores = [0.0, 0.0, 3.0];
    let se = [0.1, 0.1, 2.0];
    let belief = Belief {
        scores: &scores,
        standard_errors: &se,
        link: crate::models::pairwise::Link::Logit,
    };
    let mut rng = rand_pcg::Pcg64::seed_from_u64(3);
    for strategy in [
        Strategy::InformationGain,
        Strategy::MostUncertain,
        Strategy::Balanced,
        Strategy::Ucb { k: 1, width: 1.96 },
        Strategy::Thompson { k: 1 },
        Strategy::Random,
    ] {
        for _ in 0..20 {
            let mut exposures = PairExposures::new(3);
            exposures.avoid(0, 1);
            let (a, b) = choose_pair(strategy, belief, &exposures, &mut rng).unwrap();
            assert!((a.min(b), a.max(b)) != (0, 1), "{strategy:?}");
        }
    }
    // With one pair only, it is still shown.
    let mut two = PairExposures::new(2);
    two.avoid(0, 1);
    assert!(choose_pair(Strategy::InformationGain, belief, &two, &mut rng).is_some());
}
