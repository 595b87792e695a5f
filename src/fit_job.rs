//! One fit, from votes to the rows the page shows: run in the fit worker
//! (`worker.rs`) or, when no worker can be started, on the page.

use prefplay_core::data::rankings::Ranking;
use prefplay_core::data::simulate::{SimulationSettings, simulate};
use prefplay_core::inference::leaderboard::{ItemRecord, Z_95, rank_rows};
use prefplay_core::models::pairwise::uncertainty::Method;
use prefplay_core::models::pairwise::{Link, PairwiseFit, PairwiseModel, PairwiseSettings};
use prefplay_core::playground::model_choice::{
    BOOTSTRAP_SEED, ChoiceFit, LEVEL, ModelChoice, finish_pairwise, finish_pairwise_with,
    fit_choice, pairwise_model,
};
use prefplay_core::{LeaderboardRow, Vote};
use prefplay_gpu::{Engine, EngineOutput, Step};
use serde::{Deserialize, Serialize};

/// One leaderboard row as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowView {
    /// 1-based rank.
    pub rank: usize,
    /// Item label.
    pub label: String,
    /// Score (log-strength, centred).
    pub score: f64,
    /// 95% interval, score ± 1.96·SE.
    pub ci_low: f64,
    /// Upper end of the interval.
    pub ci_high: f64,
    /// Raw tallies.
    pub wins: u32,
    /// Raw tallies.
    pub losses: u32,
    /// Raw tallies.
    pub ties: u32,
    /// Best rank the 95% intervals allow (see
    /// `prefplay_core::inference::leaderboard::rank_intervals`).
    pub rank_best: usize,
    /// Worst rank the 95% intervals allow.
    pub rank_worst: usize,
}

#[cfg(test)]
impl RowView {
    /// A row for unit tests: `label` at `score` ± `half`, rank 1, rank
    /// interval 1–2, no tallies.
    pub(crate) fn example(label: &str, score: f64, half: f64) -> Self {
        Self {
            rank: 1,
            label: label.into(),
            score,
            ci_low: score - half,
            ci_high: score + half,
            wins: 0,
            losses: 0,
            ties: 0,
            rank_best: 1,
            rank_worst: 2,
        }
    }
}

/// The latest finished fit: typed estimates for the pair chooser and the
/// charts, and ranked rows ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitSummary {
    /// Ranked rows.
    pub rows: Vec<RowView>,
    /// The items fitted, in the order of [`Self::scores`].
    #[serde(default)]
    pub items: Vec<String>,
    /// One score per item, in the deck's item order, on [`Self::link`]'s
    /// scale.
    #[serde(default)]
    pub scores: Vec<f64>,
    /// Their standard errors (Fisher, sandwich or bootstrap, as chosen);
    /// `None` where the model has none (Elo).
    #[serde(default)]
    pub standard_errors: Option<Vec<f64>>,
    /// How a score difference becomes the model's win probability.
    #[serde(default)]
    pub link: Link,
    /// Votes the fit used.
    pub n_votes: usize,
    /// "GPU: <adapter>" or "CPU".
    pub engine: String,
    /// Why the CPU ran when the GPU was meant to, if so.
    pub fallback_reason: Option<String>,
    /// Why the auto engine chose the CPU, if it did.
    pub choice: Option<String>,
    /// Wall time of the whole job (aggregation, solve, read-backs,
    /// intervals), milliseconds.
    pub fit_ms: f64,
    /// Where that time went, milliseconds: aggregating the votes into the
    /// model's cells, the solver, the intervals (zeros for models fitted
    /// in one step).
    #[serde(default)]
    pub phase_ms: PhaseMs,
    /// Newton steps.
    pub iterations: u32,
    /// Where the fit ran: "worker" or "page".
    pub thread: String,
    /// The model, in words ("Bradley–Terry, ties as half wins, …").
    #[serde(default)]
    pub model: String,
    /// What the model estimated besides the scores, and what it dropped
    /// or changed, in words.
    #[serde(default)]
    pub notes: Vec<String>,
    /// The order effect (log-odds for the left item) and its standard
    /// error, when estimated.
    #[serde(default)]
    pub order_effect: Option<(f64, f64)>,
}

/// A fit's time by phase, milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PhaseMs {
    /// Checking the votes and aggregating them into cells.
    pub aggregate: f64,
    /// The solver.
    pub solve: f64,
    /// Standard errors and intervals.
    pub intervals: f64,
}

/// What one fit needs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FitInput {
    /// Item labels.
    pub items: Vec<String>,
    /// Pairwise votes, `item_a` on the left.
    pub votes: Vec<Vote>,
    /// Model and settings.
    pub model: ModelChoice,
    /// The rankings, for Plackett–Luce.
    pub rankings: Vec<Ranking>,
}

/// Which engine the address asks for: `?engine=cpu`, `?engine=gpu`, or
/// (absent or anything else) auto.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineRequest {
    /// `Engine::Auto`: the GPU where the committed benchmark says it is faster.
    Auto,
    /// The CPU.
    Cpu,
    /// The GPU whatever the work.
    Gpu,
}

impl EngineRequest {
    /// From the `engine` query parameter's value.
    pub fn from_param(value: Option<&str>) -> Self {
        match value.map(str::to_ascii_lowercase).as_deref() {
            Some("cpu") => EngineRequest::Cpu,
            Some("gpu") => EngineRequest::Gpu,
            _ => EngineRequest::Auto,
        }
    }

    /// Sets up the engine; the note says why the CPU was chosen, if so.
    pub async fn create(self) -> (Engine, Option<String>) {
        match self {
            EngineRequest::Cpu => (
                Engine::Cpu,
                Some("chosen by ?engine=cpu in the address".to_string()),
            ),
            EngineRequest::Gpu => Engine::gpu().await,
            EngineRequest::Auto => Engine::auto().await,
        }
    }
}

pub use crate::browser::now_ms;

/// Fits `input`, reporting each Newton step. Every model goes through
/// `prefplay_core::playground::model_choice`; the pairwise ones (BT, Thurstone) fit
/// on `engine` — the one solver, its evaluations on the GPU where the
/// engine chooses it and its kernel covers the model, else on the CPU.
/// `fit_ms` covers the whole job: aggregation, fit and intervals.
pub async fn fit_votes(
    engine: &Engine,
    input: FitInput,
    thread: &str,
    on_step: &mut dyn FnMut(Step),
) -> Result<FitSummary, String> {
    let FitInput {
        items,
        votes,
        model: choice,
        rankings,
    } = input;
    let started = now_ms();
    let records = ItemRecord::tally(items.len(), &votes);
    let mut phases = PhaseMs::default();
    let (fit, run) = match pairwise_model(&items, &votes, &choice).map_err(|e| e.to_string())? {
        Some(mut model) => {
            phases.aggregate = now_ms() - started;
            let mut run = engine.fit_pairwise_observed(&mut model, on_step).await;
            phases.solve = now_ms() - started - phases.aggregate;
            let (fit, bootstrap) = finish(engine, &model, &run.value, &choice).await;
            phases.intervals = now_ms() - started - phases.aggregate - phases.solve;
            if let Some((boot_engine, why)) = bootstrap {
                run.choice = if boot_engine == run.engine && why == run.choice {
                    // Where and why the fit ran, the bootstrap did too.
                    run.choice
                        .take()
                        .map(|fit| format!("{fit}; its bootstrap too"))
                } else {
                    let boot = match why {
                        Some(why) => format!("bootstrap on the {boot_engine}: {why}"),
                        None => format!("bootstrap on the {boot_engine}"),
                    };
                    Some(match run.choice.take() {
                        Some(fit) => format!("fit: {fit}; {boot}"),
                        None => boot,
                    })
                };
            }
            (fit, Some(run))
        }
        None => {
            let fit = fit_choice(&items, &votes, &rankings, &choice).map_err(|e| e.to_string())?;
            (fit, None)
        }
    };
    let fit_ms = now_ms() - started;
    let mut summary = summarize(
        &fit,
        run.as_ref(),
        &choice,
        (&items, &records, votes.len()),
        fit_ms,
        thread,
    );
    summary.phase_ms = phases;
    Ok(summary)
}

/// The pairwise fit's intervals under `choice` and the typed result: a
/// bootstrap runs on `engine` (every replicate at once on the GPU where
/// the engine chooses it), the other methods on the CPU. For a bootstrap,
/// also the engine it ran on and why (the choice, or the GPU's failure).
async fn finish(
    engine: &Engine,
    model: &PairwiseModel,
    fit: &PairwiseFit,
    choice: &ModelChoice,
) -> (ChoiceFit, Option<(String, Option<String>)>) {
    let Method::Bootstrap { replicates, seed } = choice.method(BOOTSTRAP_SEED) else {
        return (finish_pairwise(model, fit, choice), None);
    };
    match engine.bootstrap(model, fit, replicates, seed, LEVEL).await {
        Ok(boot) => {
            let why = match boot.fallback_reason {
                Some(failure) => Some(format!("GPU failed: {failure}")),
                None => boot.choice,
            };
            let fit = finish_pairwise_with(model, fit, Ok(boot.value));
            (fit, Some((boot.engine, why)))
        }
        Err(e) => (finish_pairwise_with(model, fit, Err(e)), None),
    }
}

/// Simulates `n_votes` votes on `n_items` items (hidden utilities,
/// random pairs; `prefplay_core::data::simulate`, seeded) and fits them with
/// the default model: the page's `?simulate=N` load test.
pub async fn simulate_and_fit(
    engine: &Engine,
    n_votes: usize,
    n_items: usize,
    seed: u64,
    thread: &str,
    on_step: &mut dyn FnMut(Step),
) -> Result<FitSummary, String> {
    let settings = SimulationSettings {
        items: n_items,
        votes: n_votes,
        seed,
        ..SimulationSettings::default()
    };
    let sim = simulate(&settings).map_err(|e| e.to_string())?;
    let started = now_ms();
    let choice = ModelChoice::default();
    let records = sim.table.records();
    let mut model =
        PairwiseModel::new(&sim.table, PairwiseSettings::default()).map_err(|e| e.to_string())?;
    let aggregate = now_ms() - started;
    let run = engine.fit_pairwise_observed(&mut model, on_step).await;
    let solve = now_ms() - started - aggregate;
    let fit = finish_pairwise(&model, &run.value, &choice);
    let fit_ms = now_ms() - started;
    let labels = sim.table.items().to_vec();
    let mut summary = summarize(
        &fit,
        Some(&run),
        &choice,
        (&labels, &records, n_votes),
        fit_ms,
        thread,
    );
    summary.phase_ms = PhaseMs {
        aggregate,
        solve,
        intervals: fit_ms - aggregate - solve,
    };
    Ok(summary)
}

/// The typed fit as the page shows it; `run` says which engine fitted a
/// pairwise model (`None`: the CPU, for a model the engine does not run).
fn summarize<T>(
    fit: &ChoiceFit,
    run: Option<&EngineOutput<T>>,
    choice: &ModelChoice,
    (items, records, n_votes): (&[String], &[ItemRecord], usize),
    fit_ms: f64,
    thread: &str,
) -> FitSummary {
    let intervals = fit
        .intervals
        .clone()
        .unwrap_or_else(|| fit.scores.iter().map(|&s| (s, s)).collect());
    let rows = rank_rows(&fit.scores, &intervals, records, items)
        .into_iter()
        .map(|r| row_view(&r, &items[r.item]))
        .collect();
    let mut notes = Vec::new();
    if let Some((effect, se)) = fit.order_effect {
        notes.push(format!(
            "Order effect: {effect:+.2} ± {:.2} log-odds for the item on the left (the odds of the left item winning ×{:.2}).",
            Z_95 * se,
            effect.exp()
        ));
    }
    if let Some((name, estimate, se)) = fit.tie_parameter {
        let name = if name == "nu" { "ν" } else { "θ" };
        notes.push(format!(
            "Tie parameter {name} = {estimate:.2} ± {:.2}.",
            Z_95 * se
        ));
    }
    notes.extend(fit.warnings.iter().map(|w| {
        let mut w = w.clone();
        if let Some(first) = w.get(..1) {
            let upper = first.to_uppercase();
            w.replace_range(..1, &upper);
        }
        format!("{w}.")
    }));
    let (engine, fallback_reason, choice_note) = match run {
        Some(run) => (
            run.engine.clone(),
            run.fallback_reason.clone(),
            run.choice.clone(),
        ),
        None => (
            "CPU".to_string(),
            None,
            Some(format!("{} runs on the CPU", choice.describe())),
        ),
    };
    FitSummary {
        rows,
        items: items.to_vec(),
        scores: fit.scores.clone(),
        standard_errors: fit.standard_errors.clone(),
        link: fit.link,
        n_votes,
        engine,
        fallback_reason,
        choice: choice_note,
        fit_ms,
        phase_ms: PhaseMs::default(),
        iterations: fit.iterations,
        thread: thread.to_string(),
        model: choice.describe(),
        notes,
        order_effect: fit.order_effect,
    }
}

fn row_view(r: &LeaderboardRow, label: &str) -> RowView {
    RowView {
        rank: r.rank,
        label: label.to_string(),
        score: r.score,
        ci_low: r.ci_low,
        ci_high: r.ci_high,
        wins: r.record.wins,
        losses: r.record.losses,
        ties: r.record.ties,
        rank_best: r.rank_interval.0,
        rank_worst: r.rank_interval.1,
    }
}
