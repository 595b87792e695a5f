use super::*;

fn setup(seed: u64) -> (ToyProblem, Vec<f64>, Vec<Preference>) {
    let problem = ToyProblem::random(3, 6, 1.0, seed).unwrap();
    let reference = problem.log_probs(&problem.reference_logits);
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let data = Rater::default().label(&problem, &reference, 40, &mut rng);
    (problem, reference, data)
}

#[test]
fn the_logit_gradient_matches_finite_differences() {
    let (problem, reference, data) = setup(1);
    let mut logits = problem.reference_logits.clone();
    logits[2] += 0.7;
    for kind in [
        LossKind::Sigmoid,
        LossKind::Ipo,
        LossKind::Orpo,
        LossKind::NcaPair,
    ] {
        let params = LossParams::default();
        let (grad, _) =
            logit_gradient(&problem, &logits, &reference, &data, kind, &params).unwrap();
        let mean = |l: &[f64]| {
            let rows = problem.loss_rows(&problem.log_probs(l), &reference, &data);
            evaluate(kind, &params, &rows).unwrap().mean
        };
        for i in 0..logits.len() {
            let mut plus = logits.clone();
            let mut minus = logits.clone();
            plus[i] += 1e-6;
            minus[i] -= 1e-6;
            let numeric = (mean(&plus) - mean(&minus)) / 2e-6;
            assert!(
                (numeric - grad[i]).abs() < 1e-7,
                "{} θ{i}: {numeric} vs {}",
                kind.name(),
                grad[i]
            );
        }
    }
}

#[test]
fn dpo_training_fits_the_preferences_and_raises_the_true_reward() {
    let (problem, reference, data) = setup(2);
    let mut logits = problem.reference_logits.clone();
    let params = LossParams {
        beta: 0.5,
        ..LossParams::default()
    };
    let first = train_step(
        &problem,
        &mut logits,
        &reference,
        &data,
        LossKind::Sigmoid,
        &params,
        1.0,
    )
    .unwrap();
    let mut last = first;
    for _ in 0..300 {
        last = train_step(
            &problem,
            &mut logits,
            &reference,
            &data,
            LossKind::Sigmoid,
            &params,
            1.0,
        )
        .unwrap();
    }
    assert!(last.loss < first.loss);
    assert!(last.preference_accuracy > 0.8, "{last:?}");
    assert!(last.true_reward > first.true_reward, "{first:?} → {last:?}");
    assert!(first.kl.abs() < 1e-12 && last.kl > 0.1);
}

#[test]
fn bad_preferences_are_refused() {
    let (problem, reference, _) = setup(3);
    let bad = [Preference {
        prompt: 0,
        chosen: 1,
        rejected: 1,
    }];
    let mut logits = problem.reference_logits.clone();
    let err = train_step(
        &problem,
        &mut logits,
        &reference,
        &bad,
        LossKind::Sigmoid,
        &LossParams::default(),
        0.1,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("row 1"), "{err}");
}
