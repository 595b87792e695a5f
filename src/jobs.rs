//! Runs one job of the protocol (`worker_protocol`) where jobs run: in the
//! worker, or on the page when no worker can be started. Fits go through
//! the engine (`fit_job`), the personalized models train on the engine's
//! trainer (`personal_lab::analysis::run`); the other analyses are pure
//! functions (`analyses`).

use prefplay_core::Vote;
use prefplay_gpu::{Engine, Step};

use crate::analyses;
use crate::fit_job::{FitInput, fit_votes, simulate_and_fit};
use crate::worker_protocol::{Job, JobResult};

/// Runs `job` on `votes` (the votes it reads) with `engine`, reporting
/// each Newton step of a fit; `thread` ("worker" or "page") is named in a
/// fit's result.
pub async fn run_job(
    engine: &Engine,
    job: Job,
    votes: Vec<Vote>,
    thread: &str,
    on_step: &mut dyn FnMut(Step),
) -> Result<JobResult, String> {
    if let Some(result) = analyses::run(&job, &votes) {
        return result;
    }
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
        // Analyses returned above.
        _ => Err("not a fit".to_string()),
    }?;
    Ok(JobResult::Fit(summary))
}
