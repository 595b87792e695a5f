//! The loss-sweep, reward-training and toy-policy kernels per engine, natively:
//! `cargo xtask bench` (or `cargo bench -p prefplay-gpu --bench kernels`).
//! Each row: the CPU twin's time, the GPU's (upload, dispatches and
//! read-back included), their ratio, and the GPU's arithmetic rate
//! (flops counted from the formulas, not measured) and the bytes it must
//! at least move.

/// The benchmark is native only (it blocks on the GPU with pollster).
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod common;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::common::median_ms;

    use prefplay_core::labs::loss_sweep::{MarginLoss, loss_sweep};
    use prefplay_core::models::reward_model::{
        RewardHead, RewardPairs, RewardSettings, train_reward,
    };
    use prefplay_gpu::GpuContext;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    fn sweeps(ctx: Option<&GpuContext>) {
        println!("\nloss sweep (DPO sigmoid with label smoothing), margins × betas");
        println!(
            "{:>9} {:>7} {:>10} {:>10} {:>8} {:>10} {:>8}",
            "margins", "betas", "cpu_ms", "gpu_ms", "cpu/gpu", "GFLOP/s", "MB"
        );
        for (m, b, runs) in [
            (100, 10, 21),
            (300, 10, 21),
            (1_000, 10, 21),
            (3_000, 10, 11),
            (1_000, 100, 7),
            (10_000, 100, 5),
            (100_000, 100, 3),
        ] {
            let margins: Vec<f64> = (0..m).map(|k| -10.0 + 20.0 * k as f64 / m as f64).collect();
            let betas: Vec<f64> = (0..b).map(|k| 0.01 + k as f64 * 0.05).collect();
            let loss = MarginLoss::Sigmoid;
            let cpu = median_ms(runs, || {
                std::hint::black_box(loss_sweep(loss, &margins, &betas, 0.1).ok());
            });
            let gpu = ctx.map_or(f64::NAN, |c| {
                median_ms(runs, || {
                    std::hint::black_box(
                        pollster::block_on(c.loss_sweep(loss, &margins, &betas, 0.1)).ok(),
                    );
                })
            });
            // About 30 flops a point (two exp, two log, the products); 8
            // bytes out a point, 4 in per margin and β.
            let points = (m * b) as f64;
            let mb = (points * 8.0 + 4.0 * (m + b) as f64) / 1e6;
            println!(
                "{m:>9} {b:>7} {cpu:>10.3} {gpu:>10.3} {:>8.2} {:>10.3} {mb:>8.2}",
                cpu / gpu,
                points * 30.0 / (gpu / 1e3) / 1e9
            );
        }
    }

    fn rewards(ctx: Option<&GpuContext>) {
        println!("\nreward training (MLP, tanh), full-batch Adam");
        println!(
            "{:>7} {:>5} {:>6} {:>7} {:>6} {:>10} {:>10} {:>8} {:>10}",
            "items", "d", "hidden", "pairs", "steps", "cpu_ms", "gpu_ms", "cpu/gpu", "GFLOP/s"
        );
        for (n, d, h, n_pairs, steps) in [
            (100, 8, 16, 1_000, 50),
            (1_000, 32, 64, 20_000, 20),
            (5_000, 64, 128, 100_000, 10),
        ] {
            let mut rng = Pcg64Mcg::seed_from_u64(1);
            let features: Vec<f64> = (0..n * d).map(|_| rng.random_range(-1.0..1.0)).collect();
            let mut pairs = RewardPairs::default();
            for _ in 0..n_pairs {
                let a = rng.random_range(0..n as u32);
                let b = (a + rng.random_range(1..n as u32)) % n as u32;
                pairs.item_a.push(a);
                pairs.item_b.push(b);
                pairs.wins_a.push(f64::from(rng.random_range(0..3u8)));
                pairs.wins_b.push(f64::from(rng.random_range(0..3u8)));
            }
            let settings = RewardSettings {
                head: RewardHead::Mlp { hidden: h },
                steps,
                ..RewardSettings::default()
            };
            let cpu = median_ms(3, || {
                std::hint::black_box(train_reward(&features, d, &pairs, &settings).ok());
            });
            let gpu = ctx.map_or(f64::NAN, |c| {
                median_ms(3, || {
                    std::hint::black_box(
                        pollster::block_on(c.train_reward(&features, d, &pairs, &settings)).ok(),
                    );
                })
            });
            // Per step: the two n·d·h products (2 flops a term each) and
            // about 20 flops per pair side.
            let flops = f64::from(steps) * (4.0 * (n * d * h) as f64 + 40.0 * n_pairs as f64);
            println!(
                "{n:>7} {d:>5} {h:>6} {n_pairs:>7} {steps:>6} {cpu:>10.1} {gpu:>10.1} {:>8.2} {:>10.3}",
                cpu / gpu,
                flops / (gpu / 1e3) / 1e9
            );
        }
    }

    fn policies(ctx: Option<&GpuContext>) {
        use prefplay_core::labs::loss::{LossKind, LossParams};
        use prefplay_core::labs::toy_policy::{Rater, ToyProblem, train_step};
        println!("\ntoy policy training (DPO; AOT sorts the batch), full-batch steps");
        println!(
            "{:>8} {:>9} {:>7} {:>6} {:>9} {:>10} {:>10} {:>8} {:>12}",
            "loss",
            "prompts",
            "resp",
            "pairs",
            "steps",
            "cpu_ms",
            "gpu_ms",
            "cpu/gpu",
            "cpu_ns/row-step"
        );
        for (kind, p, k, n, steps) in [
            (LossKind::Sigmoid, 4, 8, 8, 100),
            (LossKind::Sigmoid, 4, 8, 1_000, 100),
            (LossKind::Sigmoid, 64, 64, 10_000, 50),
            (LossKind::Sigmoid, 256, 64, 100_000, 20),
            (LossKind::Aot, 64, 64, 4_000, 20),
        ] {
            let problem = ToyProblem::random(p, k, 1.0, 1).expect("problem");
            let reference = problem.log_probs(&problem.reference_logits);
            let mut rng = Pcg64Mcg::seed_from_u64(2);
            let data = Rater::default().label(&problem, &reference, n, &mut rng);
            let params = LossParams::default();
            let cpu = median_ms(3, || {
                let mut logits = problem.reference_logits.clone();
                for _ in 0..steps {
                    std::hint::black_box(
                        train_step(&problem, &mut logits, &reference, &data, kind, &params, 0.5)
                            .ok(),
                    );
                }
            });
            let gpu = ctx.map_or(f64::NAN, |c| {
                median_ms(3, || {
                    std::hint::black_box(
                        pollster::block_on(c.train_toy_policy(
                            &problem,
                            &problem.reference_logits,
                            &reference,
                            &data,
                            kind,
                            &params,
                            0.5,
                            steps,
                        ))
                        .ok(),
                    );
                })
            });
            let per_row_step = cpu * 1e6 / (n * steps) as f64;
            println!(
                "{:>8} {p:>9} {k:>7} {n:>6} {steps:>9} {cpu:>10.2} {gpu:>10.2} {:>8.2} {per_row_step:>12.1}",
                kind.name(),
                cpu / gpu
            );
        }
    }

    fn personal(ctx: Option<&GpuContext>) {
        use prefplay_core::models::personal::{
            AdamSettings, EM_ITERATIONS, FeatureModel, PersonalSettings, RaterVotes, feature_start,
            gpm_start, low_rank_start, mixture_m_steps, mixture_start, simulate_feature_groups,
            simulate_groups, train_features, train_gpm, train_low_rank, train_mixture,
            train_shrinkage,
        };
        println!("\npersonalized low-rank training (rank 2, Adam), votes × steps");
        println!(
            "{:>7} {:>6} {:>7} {:>6} {:>10} {:>10} {:>8} {:>16}",
            "raters", "items", "votes", "steps", "cpu_ms", "gpu_ms", "cpu/gpu", "cpu_ns/vote-step"
        );
        for (raters, items, per_rater, steps) in
            [(50, 12, 20, 200), (1000, 50, 20, 500), (5000, 100, 40, 100)]
        {
            let (data, _) = simulate_groups(raters, items, per_rater, 3, 1.5, 1);
            let settings = PersonalSettings {
                adam: AdamSettings {
                    steps,
                    ..AdamSettings::default()
                },
                ..PersonalSettings::default()
            };
            let start = low_rank_start(&data, &settings, 2);
            let cpu = median_ms(3, || {
                std::hint::black_box(train_low_rank(&data, &settings, 2, start.clone()));
            });
            let gpu = ctx.map_or(f64::NAN, |c| {
                median_ms(3, || {
                    std::hint::black_box(
                        pollster::block_on(c.train_low_rank(&data, &settings, 2, &start)).ok(),
                    );
                })
            });
            let votes = data.votes.len();
            println!(
                "{raters:>7} {items:>6} {votes:>7} {steps:>6} {cpu:>10.1} {gpu:>10.1} {:>8.2} {:>16.1}",
                cpu / gpu,
                cpu * 1e6 / (votes * steps) as f64
            );
        }

        // Every personalized model, 100 Adam steps (the mixture: one EM
        // run of EM_ITERATIONS rounds of mixture_m_steps steps per group),
        // on 4 item features.
        println!(
            "\npersonalized models, 100 Adam steps; work in vote-steps (the mixture: × groups)"
        );
        println!(
            "{:>18} {:>7} {:>7} {:>10} {:>10} {:>8} {:>16}",
            "model", "raters", "votes", "cpu_ms", "gpu_ms", "cpu/gpu", "cpu_ns/vote-step"
        );
        type Cpu<'a> = Box<dyn Fn(&RaterVotes, &PersonalSettings) + 'a>;
        type Gpu<'a> = Box<dyn Fn(&GpuContext, &RaterVotes, &PersonalSettings) + 'a>;
        let head = FeatureModel::Head {
            lambda: 3.0,
            hidden: 8,
        };
        let pal = FeatureModel::IdealPoints { prototypes: 3 };
        let features = FeatureModel::LowRank { rank: 2 };
        let feature_case = |name: &'static str,
                            model: FeatureModel|
         -> (&'static str, usize, Cpu, Gpu) {
            (
                name,
                1,
                Box::new(move |d, s| {
                    std::hint::black_box(train_features(d, s, model, feature_start(d, s, model)));
                }),
                Box::new(move |c, d, s| {
                    let start = feature_start(d, s, model);
                    std::hint::black_box(
                        pollster::block_on(c.train_features(d, s, model, &start)).ok(),
                    );
                }),
            )
        };
        let cases: Vec<(&str, usize, Cpu, Gpu)> = vec![
            (
                "shrinkage λ = 3",
                1,
                Box::new(|d, s| {
                    let start = vec![0.0; d.items.len() * (d.raters.len() + 1)];
                    std::hint::black_box(train_shrinkage(d, s, 3.0, start));
                }),
                Box::new(|c, d, s| {
                    let start = vec![0.0; d.items.len() * (d.raters.len() + 1)];
                    std::hint::black_box(
                        pollster::block_on(c.train_shrinkage(d, s, 3.0, &start)).ok(),
                    );
                }),
            ),
            (
                "gpm D = 4",
                1,
                Box::new(|d, s| {
                    std::hint::black_box(train_gpm(d, s, gpm_start(d, s)));
                }),
                Box::new(|c, d, s| {
                    let start = gpm_start(d, s);
                    std::hint::black_box(pollster::block_on(c.train_gpm(d, s, &start)).ok());
                }),
            ),
            (
                "mixture K = 3",
                3,
                Box::new(|d, s| {
                    let start = mixture_start(d, s, 3, 0);
                    std::hint::black_box(train_mixture(d, s, start, EM_ITERATIONS));
                }),
                Box::new(|c, d, s| {
                    let start = mixture_start(d, s, 3, 0);
                    std::hint::black_box(
                        pollster::block_on(c.train_mixture(d, s, &start, EM_ITERATIONS)).ok(),
                    );
                }),
            ),
            feature_case("head tanh 8", head),
            feature_case("pal K = 3", pal),
            feature_case("low-rank features", features),
        ];
        for (raters, items, per_rater) in [(100, 20, 20), (1000, 50, 20)] {
            let (data, _) = simulate_feature_groups(raters, items, 4, per_rater, 3, 1.5, 1);
            let settings = PersonalSettings {
                adam: AdamSettings {
                    steps: 100,
                    ..AdamSettings::default()
                },
                ..PersonalSettings::default()
            };
            for (name, groups, cpu_run, gpu_run) in &cases {
                let cpu = median_ms(3, || cpu_run(&data, &settings));
                let gpu = ctx.map_or(f64::NAN, |c| median_ms(3, || gpu_run(c, &data, &settings)));
                let steps = if *groups > 1 {
                    EM_ITERATIONS * mixture_m_steps(&settings) * groups
                } else {
                    100
                };
                let votes = data.votes.len();
                println!(
                    "{name:>18} {raters:>7} {votes:>7} {cpu:>10.1} {gpu:>10.1} {:>8.2} {:>16.1}",
                    cpu / gpu,
                    cpu * 1e6 / (votes * steps) as f64
                );
            }
        }
    }

    pub fn main() {
        let ctx = pollster::block_on(GpuContext::new());
        match &ctx {
            Ok(c) => println!("GPU adapter: {}", c.adapter_name()),
            Err(e) => println!("no GPU: {e}"),
        }
        if std::env::args().any(|a| a == "--policies-only") {
            policies(ctx.as_ref().ok());
            return;
        }
        if std::env::args().any(|a| a == "--personal-only") {
            personal(ctx.as_ref().ok());
            return;
        }
        sweeps(ctx.as_ref().ok());
        if std::env::args().all(|a| a != "--sweeps-only") {
            rewards(ctx.as_ref().ok());
            policies(ctx.as_ref().ok());
            personal(ctx.as_ref().ok());
        }
    }
}
