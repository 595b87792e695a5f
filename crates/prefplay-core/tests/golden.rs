//! Golden values: prefplay's fits against independent code (statsmodels'
//! GLM and scipy's optimiser), on data shipped in `tests/golden/`. The
//! script `tests/golden/make_golden.py` made both the data and the numbers.
//! Estimates must agree to 1e-4, standard errors to 1e-3 relative.

#![allow(clippy::unwrap_used)]

use prefplay_core::data::formats::{Format, read_table};
use prefplay_core::data::table::PairTable;
use prefplay_core::models::pairwise::uncertainty::Method;
use prefplay_core::models::pairwise::{Link, PairwiseModel, PairwiseSettings, TieModel};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");

fn data() -> (PairTable, Value) {
    let csv = std::fs::read(format!("{DIR}/home_games.csv")).unwrap();
    let teams: Vec<String> = ["Lions", "Tigers", "Bears", "Wolves", "Hawks", "Sharks"]
        .map(String::from)
        .to_vec();
    let table = read_table(&csv[..], Format::Pairs, "home_games.csv", &teams).unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/expected.json")).unwrap())
            .unwrap();
    (table, expected)
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(what: &str, got: f64, want: f64, rel: f64, abs: f64) {
    assert!(
        (got - want).abs() <= abs + rel * want.abs(),
        "{what}: got {got}, want {want}"
    );
}

fn check(case: &str, settings: PairwiseSettings, method: Method) {
    let (table, expected) = data();
    let want = &expected["cases"][case];
    let mut model = PairwiseModel::new(&table, settings).unwrap();
    let fit = model.fit(None);
    assert!(fit.converged(), "{case}: {:?}", fit.status);
    let unc = model.uncertainty(&fit, method, 0.95).unwrap();
    let (se_key, order_se_key) = if method == Method::Sandwich {
        ("sandwich_se", "sandwich_order_se")
    } else {
        ("se", "order_effect")
    };
    for (i, (s, w)) in fit.scores.iter().zip(numbers(&want["scores"])).enumerate() {
        close(&format!("{case} score {i}"), *s, w, 0.0, 1e-4);
    }
    for (i, (s, w)) in unc.score_se.iter().zip(numbers(&want[se_key])).enumerate() {
        close(&format!("{case} se {i}"), *s, w, 1e-3, 1e-9);
    }
    if let Some(order) = want.get("order_effect") {
        let o = numbers(order);
        close(
            &format!("{case} order effect"),
            fit.order_effect.unwrap(),
            o[0],
            0.0,
            1e-4,
        );
        let want_se = if method == Method::Sandwich {
            want[order_se_key].as_f64().unwrap()
        } else {
            o[1]
        };
        close(
            &format!("{case} order effect se"),
            unc.order_effect_se.unwrap(),
            want_se,
            1e-3,
            0.0,
        );
    }
    if let Some(tie) = want.get("tie_parameter") {
        let t = numbers(tie);
        close(
            &format!("{case} tie parameter"),
            fit.tie_parameter.unwrap().estimate,
            t[0],
            0.0,
            1e-4,
        );
        close(
            &format!("{case} tie se"),
            unc.tie_se.unwrap(),
            t[1],
            1e-3,
            0.0,
        );
    }
    if let Some(ll) = want.get("log_likelihood") {
        close(
            &format!("{case} log-likelihood"),
            fit.log_likelihood,
            ll.as_f64().unwrap(),
            0.0,
            1e-6,
        );
    }
}

fn ml(link: Link, ties: TieModel, order_effect: bool) -> PairwiseSettings {
    PairwiseSettings {
        link,
        ties,
        order_effect,
        l2: 0.0,
        reference: Some(0),
        ..PairwiseSettings::default()
    }
}

#[test]
fn bradley_terry_with_home_advantage_matches_glm() {
    check(
        "bt_drop_order",
        ml(Link::Logit, TieModel::Drop, true),
        Method::Fisher,
    );
    check(
        "bt_half_order",
        ml(Link::Logit, TieModel::Half, true),
        Method::Fisher,
    );
    check(
        "bt_drop_plain",
        ml(Link::Logit, TieModel::Drop, false),
        Method::Fisher,
    );
}

#[test]
fn sandwich_errors_match_glm_hc0() {
    check(
        "bt_drop_order",
        ml(Link::Logit, TieModel::Drop, true),
        Method::Sandwich,
    );
}

#[test]
fn thurstone_matches_probit_glm() {
    check(
        "thurstone_drop_order",
        ml(Link::Probit, TieModel::Drop, true),
        Method::Fisher,
    );
}

#[test]
fn tie_models_match_direct_likelihood() {
    check(
        "davidson_order",
        ml(Link::Logit, TieModel::Davidson, true),
        Method::Fisher,
    );
    check(
        "rao_kupper_order",
        ml(Link::Logit, TieModel::RaoKupper, true),
        Method::Fisher,
    );
}

#[test]
fn map_with_a_prior_matches_direct_optimisation() {
    let settings = PairwiseSettings {
        l2: 0.5,
        ..PairwiseSettings::default()
    };
    check("bt_half_map_l2_0.5", settings, Method::Fisher);
}
