//! The README's numbers against the code: each test writes the README's
//! sentence from the value the page uses and fails when the README no
//! longer says it, so a default changed in one place and not the other
//! is caught. (Scenario sizes: `scenario::tests`.)

use prefplay_core::labs::toy_policy::{SCENARIO_NINE_STEPS, ToyConfig, ToyMetrics, ToyRun};
use prefplay_core::playground::model_choice::{BOOTSTRAP_SEED, ModelChoice, REPLICATES_RANGE};

use crate::analyses::{FOLLOWED, REPLAY_MAX_VOTES};
use crate::app::url::SIMULATED_ITEMS;
use crate::components::WIN_MATRIX_ITEMS;
use crate::components::elo_vs_bt::{DEFAULT_K, K_CHOICES};
use crate::components::model_controls::{ELO_KS, PRIORS};
use crate::lab::explorer::EXPLORER_BETA;
use crate::lab::runs::scenario_nine;
use crate::lab::state::{DEFAULT_BETA, DEFAULT_STEPS};
use crate::lab::trainer::{COMPARISON_MIN_NOISE, MAX_NOISE};
use crate::words::grouped;

/// The README with every run of white space made one space.
fn readme() -> String {
    include_str!("../README.md")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_says(claim: &str) {
    assert!(
        readme().contains(claim),
        "README.md no longer says (or the code changed): {claim}"
    );
}

fn percent(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

#[test]
fn the_loss_lab_defaults_are_the_readmes() {
    let toy = ToyConfig::default();
    assert_says(&format!(
        "Defaults: {} prompts, {} responses, {} pairs, β = {DEFAULT_BETA}, step size {}, {DEFAULT_STEPS} steps, seed {}.",
        toy.prompts, toy.responses, toy.pairs, toy.learning_rate, toy.seed
    ));
    assert_says(&format!("Sliders for β (default {EXPLORER_BETA} here"));
    assert_says(&format!(
        "raised to {} when it is lower (the setting goes up to {}",
        percent(COMPARISON_MIN_NOISE),
        percent(MAX_NOISE)
    ));
}

#[test]
fn scenario_nines_numbers_are_the_readmes() {
    let seed = ToyConfig::default().seed;
    let [dpo, ipo, online] = scenario_nine(seed).map(|(_, config)| {
        let mut run = ToyRun::new(config).unwrap();
        for _ in 0..SCENARIO_NINE_STEPS {
            run.step().unwrap();
        }
        run.metrics().unwrap()
    });
    let m = |x: &ToyMetrics| (x.kl, x.max_probability);
    assert_says(&format!(
        "({} steps, seed {seed}: KL {:.2}, largest probability {:.2})",
        grouped(SCENARIO_NINE_STEPS as u64),
        m(&dpo).0,
        m(&dpo).1
    ));
    assert_says(&format!(
        "IPO settles near the reference (KL {:.2}, {:.2})",
        m(&ipo).0,
        m(&ipo).1
    ));
    assert_says(&format!(
        "a true reward of {:.2} where offline data stop at {:.2}",
        online.true_reward, dpo.true_reward
    ));
}

#[test]
fn the_model_menus_defaults_and_ranges_are_the_readmes() {
    let choice = ModelChoice::default();
    assert_says(&format!(
        "bootstrap (Poisson, {} draws by default, {}–{}, seed {BOOTSTRAP_SEED})",
        choice.bootstrap_replicates,
        REPLICATES_RANGE.start(),
        grouped(u64::from(*REPLICATES_RANGE.end()))
    ));
    let ks: Vec<String> = K_CHOICES
        .iter()
        .map(|&k| {
            if k == DEFAULT_K {
                format!("{k} (default)")
            } else {
                k.to_string()
            }
        })
        .collect();
    let (last, rest) = ks.split_last().unwrap();
    assert_says(&format!("Elo's K from {} or {last}", rest.join(", ")));
    assert_says(&format!(
        "N simulated votes on M items (default {SIMULATED_ITEMS})"
    ));
    // The menus list their default first.
    let menu = |values: &[f64], default: f64, zero: &str| {
        std::iter::once(default)
            .chain(values.iter().copied().filter(|&v| v != default))
            .map(|v| {
                if v == 0.0 {
                    zero.to_string()
                } else {
                    v.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    assert_says(&format!(
        "| Prior strength λ | {} |",
        menu(&PRIORS, choice.prior, "0 (plain maximum likelihood)")
    ));
    assert_says(&format!(
        "| K (Elo) | {} |",
        menu(&ELO_KS, choice.elo_k, "0")
    ));
}

#[test]
fn the_charts_sizes_are_the_readmes() {
    assert_says(&format!(
        "(ties count half; grey where a pair was never compared), top {WIN_MATRIX_ITEMS} items;"
    ));
    assert_says(&format!(
        "Elo's ratings of the top {FOLLOWED} items after every vote"
    ));
    assert_says(&format!(
        "the first {} votes), Elo's K",
        grouped(REPLAY_MAX_VOTES as u64)
    ));
}

#[test]
fn the_gpu_crossover_is_the_readmes() {
    let crossover = prefplay_gpu::engine::choice::HARDWARE_CROSSOVER_CELL_FITS;
    assert_says(&format!("crossover ({}; see", grouped(crossover)));
}
