use super::*;

fn run(config: ToyConfig, steps: usize) -> ToyMetrics {
    let mut run = ToyRun::new(config).unwrap();
    for _ in 0..steps {
        run.step().unwrap();
    }
    run.metrics().unwrap()
}

/// Scenario (9)'s claims, on [`ToyConfig::scenario_nine`].
#[test]
fn scenario_nine_dpo_goes_deterministic_ipo_stays_and_online_helps() {
    let base = ToyConfig::scenario_nine();
    let steps = SCENARIO_NINE_STEPS;
    let dpo = run(base, steps);
    let ipo = run(
        ToyConfig {
            kind: LossKind::Ipo,
            ..base
        },
        steps,
    );
    let online = run(
        ToyConfig {
            online: true,
            ..base
        },
        steps,
    );
    assert!(dpo.max_probability > 0.8 && dpo.kl > 1.0, "DPO {dpo:?}");
    assert!(ipo.max_probability < 0.5 && ipo.kl < 0.15, "IPO {ipo:?}");
    // DPO's KL keeps growing (its loss has no minimum at finite
    // logits); IPO's has converged.
    let dpo_later = run(base, 2 * steps);
    let ipo_later = run(
        ToyConfig {
            kind: LossKind::Ipo,
            ..base
        },
        2 * steps,
    );
    assert!(dpo_later.kl > dpo.kl + 0.02, "{dpo:?} → {dpo_later:?}");
    assert!(
        (ipo_later.kl - ipo.kl).abs() < 1e-3,
        "{ipo:?} → {ipo_later:?}"
    );
    assert!(
        online.true_reward > dpo.true_reward + 0.3,
        "online {online:?} vs offline {dpo:?}"
    );
}
