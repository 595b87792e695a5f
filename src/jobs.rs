//! Runs one job of the protocol (`worker_protocol`) where jobs run: in the
//! worker, or on the page when no worker can be started. Fits go through
//! the engine (`fit_job`), the personalized models train on the engine's
//! trainer (`personal_lab::analysis::run`); the other analyses are pure
//! functions (`analyses`).

use prefplay_core::Vote;
use prefplay_gpu::{Engine, Step};

use crate::analyses;
use crate::browser::{now_ms, yield_to_browser};
use crate::fit_job::{FitInput, fit_votes, simulate_and_fit};
use crate::lab::runs;
use crate::worker_protocol::{Job, JobResult, Reply};

/// What a running job reports before its result.
#[derive(Debug)]
pub enum Progress {
    /// A Newton step of a fit finished.
    Step(Step),
    /// The result so far (the loss lab's runs as they train).
    Partial(Box<JobResult>),
}

impl Progress {
    /// The reply that carries it for request `id`.
    pub fn reply(self, id: u64) -> Reply {
        match self {
            Progress::Step(step) => Reply::Progress {
                id,
                step: step.iteration,
                log_lik: step.log_lik.is_finite().then_some(step.log_lik),
            },
            Progress::Partial(result) => Reply::Partial { id, result },
        }
    }
}

/// Runs `job` on `votes` (the votes it reads) with `engine`, reporting
/// each Newton step of a fit and each partial result; `thread` ("worker"
/// or "page") is named in a fit's result. `stop` ends a calibration slice
/// early.
pub async fn run_job(
    engine: &Engine,
    job: Job,
    votes: Vec<Vote>,
    thread: &str,
    on_progress: &mut dyn FnMut(Progress),
    stop: &dyn Fn() -> bool,
) -> Result<JobResult, String> {
    if let Some(result) = analyses::run(&job, &votes) {
        return result;
    }
    let mut on_step = |step: Step| on_progress(Progress::Step(step));
    let on_step = &mut on_step;
    let summary = match job {
        Job::Fit {
            items,
            model,
            rankings,
        } => {
            let input = FitInput {
                items,
                votes,
                model,
                rankings,
            };
            fit_votes(engine, input, thread, on_step).await
        }
        Job::Simulate { votes, items, seed } => {
            simulate_and_fit(engine, votes, items, seed, thread, on_step).await
        }
        Job::Personal {
            data,
            seed,
            scenario,
        } => {
            let result = crate::personal_lab::analysis::run(engine, &data, seed, scenario).await?;
            return Ok(JobResult::Personal(Box::new(result)));
        }
        Job::Calibrate {
            known,
            share_ms,
            measure,
        } => {
            let ctx = engine.gpu_context().ok_or("no GPU to calibrate")?;
            if let Some(known) = known {
                ctx.set_calibration(known);
            }
            let calibration = if measure {
                engine.calibrate_next(share_ms, stop).await
            } else {
                ctx.calibration()
            };
            let calibration = calibration.unwrap_or_else(|| {
                prefplay_gpu::engine::calibration::Calibration::new(ctx.adapter_identity())
            });
            return Ok(JobResult::Calibration(calibration));
        }
        Job::Policy { starts, steps, .. } => {
            let mut tracks = starts
                .into_iter()
                .map(runs::PolicyStart::into_track)
                .collect::<Result<Vec<_>, String>>()?;
            let mut on_partial = |t: &[runs::PolicyTrack]| {
                on_progress(Progress::Partial(Box::new(JobResult::Policy(t.to_vec()))))
            };
            runs::train(
                engine,
                &mut tracks,
                steps,
                now_ms,
                yield_to_browser,
                &mut on_partial,
            )
            .await?;
            return Ok(JobResult::Policy(tracks));
        }
        // Analyses returned above.
        _ => Err("not a fit".to_string()),
    }?;
    Ok(JobResult::Fit(summary))
}
