//! Training runs of the loss lab: advancing a [`ToyRun`] on an engine,
//! recording its metrics, training several runs as one job of the worker
//! ([`train`], `Job::Policy`), scenario (9)'s three runs, and the
//! playground's votes as preferences.

use std::future::Future;

use prefplay_core::Outcome;
use prefplay_core::labs::loss::{LossKind, LossParams};
use prefplay_core::labs::toy_policy::{Preference, ToyConfig, ToyMetrics, ToyProblem, ToyRun};
use prefplay_core::playground::collect::{self, Ballot, View};
use prefplay_gpu::Engine;

/// Metrics recorded every [`RECORD_EVERY`] steps (more sparsely on long
/// runs: see [`record_interval`]).
pub const RECORD_EVERY: usize = 10;

/// Most records a run keeps on a chart line.
pub const MOST_RECORDS: usize = 250;

/// Least time between two partial results of a training job, in ms: the
/// page redraws its charts at most this often while a job runs.
pub const PARTIAL_EVERY_MS: f64 = 120.0;

/// Steps between records when training up to `steps`: every
/// [`RECORD_EVERY`], or a multiple of it so a line holds at most about
/// [`MOST_RECORDS`] points.
pub fn record_interval(steps: usize) -> usize {
    RECORD_EVERY * steps.div_ceil(RECORD_EVERY * MOST_RECORDS).max(1)
}

/// A run's recorded metrics.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Recorded {
    /// The step of each record (0 = before training).
    pub steps: Vec<usize>,
    /// The metrics at that step.
    pub metrics: Vec<ToyMetrics>,
}

impl Recorded {
    /// Records `run`'s metrics at its current step.
    pub fn record(&mut self, run: &ToyRun) -> prefplay_core::Result<()> {
        self.steps.push(run.steps);
        self.metrics.push(run.metrics()?);
        Ok(())
    }

    /// (step, value) pairs of one metric.
    pub fn series(&self, metric: fn(&ToyMetrics) -> f64) -> Vec<(f64, f64)> {
        self.steps
            .iter()
            .zip(&self.metrics)
            .map(|(&s, m)| (s as f64, metric(m)))
            .collect()
    }

    /// The last record.
    pub fn last(&self) -> Option<&ToyMetrics> {
        self.metrics.last()
    }
}

/// Takes `steps` steps of `run` on `engine` (offline: one engine call;
/// online: one call per step, each on a fresh batch drawn from the policy).
/// Returns the engine that ran, with why it fell back or chose the CPU.
pub async fn advance(
    run: &mut ToyRun,
    engine: &Engine,
    steps: usize,
) -> prefplay_core::Result<String> {
    let per_call = if run.config.online { 1 } else { steps };
    let mut done = 0;
    let mut label = String::from("CPU");
    while done < steps {
        run.refresh_data();
        let out = engine
            .train_toy_policy(
                &run.problem,
                &run.logits,
                &run.reference,
                &run.data,
                run.config.kind,
                &run.config.params,
                run.config.learning_rate,
                per_call,
            )
            .await?;
        run.logits = out.value;
        run.steps += per_call;
        done += per_call;
        label = match (out.fallback_reason, out.choice) {
            (Some(why), _) => format!("{} (GPU failed: {why})", out.engine),
            (None, Some(why)) => format!("{} ({why})", out.engine),
            (None, None) => out.engine,
        };
    }
    Ok(label)
}

/// One run of a training job as it stands: its name on the charts, the
/// run (policy, data and random stream: a paused job resumes from it),
/// what was recorded, and the engine that took its last steps.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PolicyTrack {
    /// The line's name ("DPO", "β = 0.3", "training").
    pub name: String,
    /// The run.
    pub run: ToyRun,
    /// Its metrics so far.
    pub recorded: Recorded,
    /// The engine of its last steps, and why it was chosen ("" before any).
    pub engine: String,
}

impl PolicyTrack {
    /// A track of a fresh run, its first record taken.
    pub fn start(name: impl Into<String>, run: ToyRun) -> prefplay_core::Result<Self> {
        let mut recorded = Recorded::default();
        recorded.record(&run)?;
        Ok(Self {
            name: name.into(),
            run,
            recorded,
            engine: String::new(),
        })
    }
}

/// Where a run of a training job starts: made afresh in the worker (the
/// simulated problem of `config`, or the deck's votes as preferences on
/// `n_items` responses), or resumed from a track as it stood. Making a
/// large run (a 64 × 64 policy, thousands of labelled pairs) is work the
/// page's thread does not do.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum PolicyStart {
    /// A fresh run.
    Fresh {
        /// The line's name.
        name: String,
        /// Its settings.
        config: ToyConfig,
        /// The deck's item count and votes as preferences, when it trains
        /// on them.
        votes: Option<(usize, Vec<Preference>)>,
    },
    /// A paused run.
    Resume(Box<PolicyTrack>),
}

impl PolicyStart {
    /// The track this start stands for; a bad setting is an error naming
    /// the run.
    pub fn into_track(self) -> Result<PolicyTrack, String> {
        match self {
            PolicyStart::Resume(track) => Ok(*track),
            PolicyStart::Fresh {
                name,
                config,
                votes,
            } => {
                let run = match votes {
                    Some((n_items, preferences)) => {
                        run_on_preferences(config, n_items, preferences)
                    }
                    None => ToyRun::new(config),
                };
                run.and_then(|run| PolicyTrack::start(name.clone(), run))
                    .map_err(|e| format!("could not start {name}: {e}"))
            }
        }
    }
}

/// Trains every track up to `steps` steps, round robin in chunks of
/// [`record_interval`] steps, recording after each chunk. Calls
/// `on_partial` with the tracks as they stand at most every
/// [`PARTIAL_EVERY_MS`] of `clock` (ms), then awaits `pause()` (where the
/// page draws, when the job runs on the page's thread). An engine error
/// stops the job and names the track.
pub async fn train<P: Future<Output = ()>>(
    engine: &Engine,
    tracks: &mut [PolicyTrack],
    steps: usize,
    clock: impl Fn() -> f64,
    mut pause: impl FnMut() -> P,
    on_partial: &mut dyn FnMut(&[PolicyTrack]),
) -> Result<(), String> {
    let interval = record_interval(steps);
    let mut last_partial = clock();
    while tracks.iter().any(|t| t.run.steps < steps) {
        for track in tracks.iter_mut().filter(|t| t.run.steps < steps) {
            let chunk = interval.min(steps - track.run.steps);
            track.engine = advance(&mut track.run, engine, chunk)
                .await
                .map_err(|e| format!("{} stopped: {e}", track.name))?;
            track
                .recorded
                .record(&track.run)
                .map_err(|e| format!("{} stopped: {e}", track.name))?;
        }
        if clock() - last_partial >= PARTIAL_EVERY_MS {
            on_partial(tracks);
            pause().await;
            last_partial = clock();
        }
    }
    Ok(())
}

/// Scenario (9)'s runs: DPO offline, IPO offline, DPO online, all on the
/// problem of `seed`.
pub fn scenario_nine(seed: u64) -> [(&'static str, ToyConfig); 3] {
    let base = ToyConfig {
        seed,
        ..ToyConfig::scenario_nine()
    };
    [
        ("DPO, offline", base),
        (
            "IPO, offline",
            ToyConfig {
                kind: LossKind::Ipo,
                ..base
            },
        ),
        (
            "DPO, online",
            ToyConfig {
                online: true,
                ..base
            },
        ),
    ]
}

/// The β values of the β sweep.
pub const BETA_SWEEP: [f64; 6] = [0.03, 0.1, 0.3, 1.0, 3.0, 10.0];

/// `config` at each β of [`BETA_SWEEP`].
pub fn beta_sweep(config: ToyConfig) -> Vec<ToyConfig> {
    BETA_SWEEP
        .iter()
        .map(|&beta| ToyConfig {
            params: LossParams {
                beta,
                ..config.params
            },
            ..config
        })
        .collect()
}

/// The deck's ballots as preferences on one prompt whose responses are
/// the deck's items: every decided comparison the ballots imply (ties and
/// "both bad" carry no preference and are left out), pooled over voters.
pub fn preferences_from_votes(n_items: usize, ballots: &[Ballot]) -> Vec<Preference> {
    collect::fit_votes(n_items, ballots, View::Pooled)
        .into_iter()
        .filter_map(|v| {
            let (w, l) = match v.outcome {
                Outcome::A => (v.item_a, v.item_b),
                Outcome::B => (v.item_b, v.item_a),
                Outcome::Tie | Outcome::BothBad => return None,
            };
            Some(Preference {
                prompt: 0,
                chosen: w as u32,
                rejected: l as u32,
            })
        })
        .collect()
}

/// A run on the deck's items trained on its votes (uniform reference).
pub fn run_on_votes(
    config: ToyConfig,
    n_items: usize,
    ballots: &[Ballot],
) -> prefplay_core::Result<ToyRun> {
    run_on_preferences(config, n_items, preferences_from_votes(n_items, ballots))
}

/// A run on `n_items` responses of one prompt trained on `preferences`
/// (uniform reference).
pub fn run_on_preferences(
    config: ToyConfig,
    n_items: usize,
    preferences: Vec<Preference>,
) -> prefplay_core::Result<ToyRun> {
    let problem = ToyProblem::from_items(n_items)?;
    let mut run = ToyRun::with_problem(
        ToyConfig {
            prompts: 1,
            responses: n_items,
            online: false,
            ..config
        },
        problem,
    )?;
    run.set_data(preferences)?;
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use prefplay_core::data::table::Outcome;
    use prefplay_core::playground::collect::Observation;

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn advancing_on_the_cpu_engine_matches_the_core_steps() {
        let config = ToyConfig::default();
        let mut a = ToyRun::new(config).unwrap();
        let mut b = ToyRun::new(config).unwrap();
        let label = pollster::block_on(advance(&mut a, &Engine::Cpu, 25)).unwrap();
        for _ in 0..25 {
            b.step().unwrap();
        }
        assert_eq!(label, "CPU");
        assert_eq!(a.steps, 25);
        assert_eq!(a.logits, b.logits);
        let online = ToyConfig {
            online: true,
            ..config
        };
        let mut a = ToyRun::new(online).unwrap();
        let mut b = ToyRun::new(online).unwrap();
        pollster::block_on(advance(&mut a, &Engine::Cpu, 7)).unwrap();
        for _ in 0..7 {
            b.step().unwrap();
        }
        assert_eq!(a.logits, b.logits);
        assert_eq!(a.data, b.data);
    }

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn a_training_job_records_every_chunk_and_resumes_where_it_paused() {
        let config = ToyConfig::default();
        let fresh = || vec![PolicyTrack::start("a", ToyRun::new(config).unwrap()).unwrap()];
        let (mut straight, mut paused) = (fresh(), fresh());
        let ticks = std::cell::Cell::new(0.0);
        let clock = || {
            ticks.set(ticks.get() + 100.0);
            ticks.get()
        };
        let mut partials = 0;
        let mut count = |_: &[PolicyTrack]| partials += 1;
        let train_to =
            |tracks: &mut Vec<PolicyTrack>, steps, on: &mut dyn FnMut(&[PolicyTrack])| {
                pollster::block_on(train(&Engine::Cpu, tracks, steps, clock, || async {}, on))
            };
        train_to(&mut straight, 100, &mut count).unwrap();
        assert!(partials >= 5, "a partial every other chunk: {partials}");
        train_to(&mut paused, 40, &mut |_| {}).unwrap();
        let json = serde_json::to_string(&paused).unwrap();
        let mut resumed: Vec<PolicyTrack> = serde_json::from_str(&json).unwrap();
        train_to(&mut resumed, 100, &mut |_| {}).unwrap();
        assert_eq!(resumed, straight);
        assert_eq!(straight[0].recorded.steps.len(), 11);
        assert_eq!(straight[0].engine, "CPU");
    }

    #[test]
    fn a_start_is_made_in_the_worker_or_resumed_as_it_stood() {
        let prefs = vec![Preference {
            prompt: 0,
            chosen: 2,
            rejected: 0,
        }];
        let fresh = PolicyStart::Fresh {
            name: "votes".into(),
            config: ToyConfig::default(),
            votes: Some((3, prefs.clone())),
        };
        let track = fresh.into_track().unwrap();
        assert_eq!(
            (track.run.data.clone(), track.recorded.steps.len()),
            (prefs, 1)
        );
        let resumed = PolicyStart::Resume(Box::new(track.clone())).into_track();
        assert_eq!(resumed, Ok(track));
        let bad = PolicyStart::Fresh {
            name: "noisy".into(),
            config: ToyConfig {
                rater: prefplay_core::labs::toy_policy::Rater {
                    noise: 0.7,
                    ..Default::default()
                },
                ..ToyConfig::default()
            },
            votes: None,
        };
        let e = bad.into_track().unwrap_err();
        assert!(
            e.starts_with("could not start noisy") && e.contains("noise"),
            "{e}"
        );
    }

    #[test]
    fn long_runs_keep_at_most_about_250_records() {
        assert_eq!(record_interval(100), 10);
        assert_eq!(record_interval(2_500), 10);
        assert_eq!(record_interval(2_510), 20);
        assert_eq!(record_interval(20_000), 80);
        assert!(20_000 / record_interval(20_000) <= MOST_RECORDS);
    }

    #[test]
    fn votes_become_preferences_without_ties() {
        let ballot = |left, right, outcome| Ballot {
            id: format!("{left}{right}"),
            participant: 0,
            prompt: None,
            time_ms: 0.0,
            observation: Observation::Pair {
                left,
                right,
                outcome,
            },
        };
        let ballots = [
            ballot(0, 1, Outcome::A),
            ballot(2, 1, Outcome::B),
            ballot(0, 2, Outcome::Tie),
        ];
        let prefs = preferences_from_votes(3, &ballots);
        assert_eq!(
            prefs,
            vec![
                Preference {
                    prompt: 0,
                    chosen: 0,
                    rejected: 1
                },
                Preference {
                    prompt: 0,
                    chosen: 1,
                    rejected: 2
                },
            ]
        );
        let mut run = run_on_votes(ToyConfig::default(), 3, &ballots).unwrap();
        for _ in 0..200 {
            run.step().unwrap();
        }
        let p = run.problem.log_probs(&run.logits);
        assert!(p[0] > p[1] && p[1] > p[2], "{p:?}");
    }

    #[test]
    fn the_beta_sweep_changes_only_beta() {
        let sweep = beta_sweep(ToyConfig::default());
        assert_eq!(sweep.len(), BETA_SWEEP.len());
        assert!(
            sweep
                .iter()
                .zip(BETA_SWEEP)
                .all(|(c, b)| c.params.beta == b && c.seed == 9)
        );
    }
}
