use super::*;
use rand::{Rng, SeedableRng};

/// The published formulas' values (`tests/golden/make_loss_table.py`).
const TABLE: &str = include_str!("../../../tests/golden/loss_table.csv");

fn random_rows(rng: &mut rand_pcg::Pcg64, n: usize, labels: bool) -> Vec<LossRow> {
    (0..n)
        .map(|_| {
            let (lc, lr) = (
                rng.random_range(1..20) as f64,
                rng.random_range(1..20) as f64,
            );
            LossRow {
                policy_chosen: -rng.random_range(0.2..3.0) * lc,
                policy_rejected: -rng.random_range(0.2..3.0) * lr,
                ref_chosen: -rng.random_range(0.2..3.0) * lc,
                ref_rejected: -rng.random_range(0.2..3.0) * lr,
                chosen_len: lc,
                rejected_len: lr,
                label: labels.then(|| f64::from(rng.random_range(0..2u8))),
            }
        })
        .collect()
}

#[test]
fn values_match_the_published_formulas() {
    let mut reader = ::csv::Reader::from_reader(TABLE.as_bytes());
    let mut batches: Vec<(LossKind, LossParams, Vec<LossRow>, Vec<f64>)> = Vec::new();
    let mut last_case = String::new();
    for record in reader.records() {
        let record = record.expect("table row");
        let num = |i: usize| record[i].parse::<f64>().expect("number");
        let kind = LossKind::parse(&record[1]).expect("type");
        let params = LossParams {
            beta: num(2),
            label_smoothing: num(3),
            gamma: num(4),
            tau: num(5),
            cpo_alpha: num(6),
            desirable_weight: num(7),
            undesirable_weight: num(8),
            wpo: &record[9] == "1",
        };
        let row = LossRow {
            policy_chosen: num(10),
            policy_rejected: num(11),
            ref_chosen: num(12),
            ref_rejected: num(13),
            chosen_len: num(14),
            rejected_len: num(15),
            label: (!record[16].is_empty()).then(|| num(16)),
        };
        if record[0] != *last_case {
            last_case = record[0].to_string();
            batches.push((kind, params, Vec::new(), Vec::new()));
        }
        let batch = batches.last_mut().expect("a batch");
        batch.2.push(row);
        batch.3.push(num(17));
    }
    let mut seen = std::collections::HashSet::new();
    for (kind, params, rows, expected) in &batches {
        seen.insert(*kind);
        let got = evaluate(*kind, params, rows).expect("valid batch");
        for (g, e) in got.rows.iter().zip(expected) {
            assert!(
                (g.loss - e).abs() <= 1e-10 * (1.0 + e.abs()),
                "{}: {} vs {e}",
                kind.name(),
                g.loss
            );
        }
    }
    assert_eq!(
        seen.len(),
        LossKind::ALL.len(),
        "every loss is in the table"
    );
}

/// Central differences of the batch's summed loss, the detached
/// quantities (context, WPO weights) held fixed.
fn check_gradients(kind: LossKind, params: &LossParams, rows: &[LossRow]) {
    let context = BatchContext::from_rows(rows, params);
    let unweighted = LossParams {
        wpo: false,
        ..*params
    };
    let weights: Vec<f64> = rows
        .iter()
        .map(|r| {
            if params.wpo {
                kinds::wpo_weight(r)
            } else {
                1.0
            }
        })
        .collect();
    let total = |rows: &[LossRow]| -> f64 {
        evaluate_with(kind, &unweighted, rows, &context)
            .rows
            .iter()
            .zip(&weights)
            .map(|(r, w)| r.loss * w)
            .sum()
    };
    let analytic = evaluate_with(kind, params, rows, &context);
    let step = 1e-6;
    for i in 0..rows.len() {
        for chosen in [true, false] {
            let shifted = |d: f64| {
                let mut r = rows.to_vec();
                if chosen {
                    r[i].policy_chosen += d;
                } else {
                    r[i].policy_rejected += d;
                }
                total(&r)
            };
            let numeric = (shifted(step) - shifted(-step)) / (2.0 * step);
            let exact = if chosen {
                analytic.rows[i].grad_chosen
            } else {
                analytic.rows[i].grad_rejected
            };
            assert!(
                (numeric - exact).abs() <= 1e-6 * (1.0 + exact.abs()),
                "{} row {i} {}: analytic {exact}, numeric {numeric}",
                kind.name(),
                if chosen { "chosen" } else { "rejected" }
            );
        }
    }
}

#[test]
fn gradients_match_finite_differences() {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(8);
    for kind in LossKind::ALL {
        for (beta, eps, wpo) in [(0.1, 0.0, false), (0.7, 0.2, true), (3.0, 0.05, false)] {
            let params = LossParams {
                beta,
                label_smoothing: eps,
                gamma: 0.3,
                tau: 0.4,
                cpo_alpha: 0.8,
                desirable_weight: 1.3,
                undesirable_weight: 0.6,
                wpo: wpo && !kind.sorted() && !kind.single_response(),
            };
            check_gradients(kind, &params, &random_rows(&mut rng, 7, false));
            if kind.single_response() {
                check_gradients(kind, &params, &random_rows(&mut rng, 7, true));
            }
        }
    }
}

#[test]
fn dpo_is_log_two_at_zero_margin_and_its_weight_is_beta_sigma() {
    let params = LossParams::default();
    let row = LossRow::pair(-5.0, -5.0, -5.0, -5.0);
    let out = evaluate(LossKind::Sigmoid, &params, &[row]).unwrap();
    assert!((out.mean - std::f64::consts::LN_2).abs() < 1e-15);
    assert!((out.rows[0].grad_chosen + 0.05).abs() < 1e-15);
    assert!((out.rows[0].grad_rejected - 0.05).abs() < 1e-15);
}

#[test]
fn robust_dpo_is_unbiased_under_flipped_labels() {
    // E over flips with probability ε of the rDPO loss equals the clean
    // DPO loss (Chowdhury et al. 2024, Lemma 3.1).
    let eps = 0.2;
    let params = LossParams {
        label_smoothing: eps,
        beta: 1.0,
        ..LossParams::default()
    };
    for h in [-3.0, -0.5, 0.0, 1.2, 4.0] {
        let row = LossRow::pair(h, 0.0, 0.0, 0.0);
        let flipped = LossRow::pair(0.0, h, 0.0, 0.0);
        let l = |r| evaluate(LossKind::Robust, &params, &[r]).unwrap().mean;
        let expected = (1.0 - eps) * l(row) + eps * l(flipped);
        let clean = evaluate(
            LossKind::Sigmoid,
            &LossParams {
                beta: 1.0,
                ..LossParams::default()
            },
            &[row],
        )
        .unwrap()
        .mean;
        assert!((expected - clean).abs() < 1e-12, "h = {h}");
    }
}

#[test]
fn names_parse_and_round_trip() {
    for kind in LossKind::ALL {
        assert_eq!(LossKind::parse(kind.name()).unwrap(), kind);
    }
    assert_eq!(LossKind::parse("DPO").unwrap(), LossKind::Sigmoid);
    let err = LossKind::parse("dpop").unwrap_err().to_string();
    assert!(err.contains("dpop") && err.contains("sigmoid"), "{err}");
}

#[test]
fn bad_rows_and_parameters_are_named() {
    let mut row = LossRow::pair(-1.0, -2.0, -1.0, -2.0);
    row.chosen_len = 0.0;
    let err = evaluate(
        LossKind::Simpo,
        &LossParams::default(),
        &[LossRow::pair(-1.0, -1.0, -1.0, -1.0), row],
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("row 2") && err.contains("chosen_len"), "{err}");
    let err = evaluate(
        LossKind::Orpo,
        &LossParams::default(),
        &[LossRow::pair(0.0, -1.0, 0.0, 0.0)],
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("policy_chosen_logp") && err.contains("orpo"),
        "{err}"
    );
    let mut labelled = LossRow::pair(-1.0, -2.0, -1.0, -2.0);
    labelled.label = Some(0.5);
    assert!(evaluate(LossKind::Kto, &LossParams::default(), &[labelled]).is_err());
    let params = LossParams {
        label_smoothing: 0.5,
        ..LossParams::default()
    };
    let err = evaluate(LossKind::Robust, &params, &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("label_smoothing"), "{err}");
    let params = LossParams {
        wpo: true,
        ..LossParams::default()
    };
    assert!(evaluate(LossKind::Aot, &params, &[]).is_err());
    assert_eq!(
        evaluate(LossKind::Kto, &LossParams::default(), &[])
            .unwrap()
            .mean,
        0.0
    );
}

#[test]
fn extreme_margins_stay_finite() {
    let params = LossParams {
        beta: 5.0,
        ..LossParams::default()
    };
    for kind in LossKind::ALL {
        for h in [-500.0, -60.0, 60.0, 500.0] {
            let row = LossRow::pair(
                -1.0 + h / 2.0 - 300.0,
                -1.0 - h / 2.0 - 300.0,
                -300.0,
                -300.0,
            );
            let out = evaluate(kind, &params, &[row, row]).unwrap();
            for r in &out.rows {
                assert!(
                    r.grad_chosen.is_finite() && r.grad_rejected.is_finite(),
                    "{} at h = {h}: {r:?}",
                    kind.name()
                );
                assert!(!r.loss.is_nan(), "{} at h = {h}", kind.name());
            }
        }
    }
}

#[test]
fn csv_rows_are_read_and_bad_cells_named() {
    let text = "policy_chosen_logp,policy_rejected_logp,ref_chosen_logp,ref_rejected_logp,chosen_len,rejected_len,label\n\
                -1,-2,-1.5,-1.5,3,4,\n\
                -2,,-1,,,,1\n";
    let rows = read_loss_rows(LossKind::Kto, text.as_bytes(), "x.csv").unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].chosen_len, 3.0);
    assert_eq!(rows[0].label, None);
    assert_eq!(rows[1].label, Some(1.0));
    let err = read_loss_rows(LossKind::Sigmoid, text.as_bytes(), "x.csv")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("x.csv, line 3, field `policy_rejected_logp`"),
        "{err}"
    );
    let bad = "policy_chosen_logp,policy_rejected_logp\n-1,abc\n";
    let err = read_loss_rows(LossKind::Simpo, bad.as_bytes(), "y.csv")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("y.csv, line 2, field `policy_rejected_logp`") && err.contains("abc"),
        "{err}"
    );
    let err = read_loss_rows(LossKind::Sigmoid, bad.as_bytes(), "y.csv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("ref_chosen_logp"), "{err}");
    let zero_len = "policy_chosen_logp,policy_rejected_logp,chosen_len\n-1,-2,0\n";
    let err = read_loss_rows(LossKind::Simpo, zero_len.as_bytes(), "z.csv")
        .unwrap_err()
        .to_string();
    assert!(err.contains("z.csv, line 2, field `chosen_len`"), "{err}");
}
