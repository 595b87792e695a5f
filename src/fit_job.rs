//! One fit, from votes to the rows the page shows: run in the fit worker
//! (`worker.rs`) or, when no worker can be started, on the page.

use prefplay_core::leaderboard::rank_rows;
use prefplay_core::model_choice::{ModelChoice, fit_choice};
use prefplay_core::rankings::Ranking;
use prefplay_core::simulate::{SimulationSettings, simulate};
use prefplay_core::{BtSettings, ComparisonGraph, Dataset, LeaderboardRow, Vote, leaderboard};
use prefplay_gpu::{Engine, Step};
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
    /// `prefplay_core::leaderboard::rank_intervals`).
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

/// The latest finished fit, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitSummary {
    /// Ranked rows.
    pub rows: Vec<RowView>,
    /// Votes the fit used.
    pub n_votes: usize,
    /// "GPU: <adapter>" or "CPU".
    pub engine: String,
    /// Why the CPU ran when the GPU was meant to, if so.
    pub fallback_reason: Option<String>,
    /// Why the auto engine chose the CPU, if it did.
    pub choice: Option<String>,
    /// Wall time of the fit (aggregation, solve, read-backs), milliseconds.
    pub fit_ms: f64,
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

/// Milliseconds on the current global's clock (window or worker).
pub fn now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| wasm_bindgen::JsCast::dyn_into::<web_sys::Performance>(p).ok())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Fits `input`, reporting each Newton step. Plain Bradley–Terry runs on
/// `engine` (the GPU where chosen); every other model, tie handling,
/// order effect or interval method runs on the CPU
/// (`prefplay_core::model_choice`).
pub async fn fit_votes(
    engine: &Engine,
    input: FitInput,
    thread: &str,
    on_step: &mut dyn FnMut(Step),
) -> Result<FitSummary, String> {
    let FitInput {
        items,
        votes,
        model,
        rankings,
    } = input;
    let n_votes = votes.len();
    let started = now_ms();
    if !model.is_plain_bt() {
        return fit_other(&items, &votes, &rankings, &model, started, thread);
    }
    let data = Dataset::new(items, votes).map_err(|e| e.to_string())?;
    let graph = ComparisonGraph::from_dataset(&data);
    let settings = BtSettings {
        l2: model.prior,
        ..BtSettings::default()
    };
    let mut summary = fit_graph(
        engine,
        &graph,
        data.items(),
        (n_votes, settings),
        started,
        thread,
        on_step,
    )
    .await?;
    summary.model = model.describe();
    Ok(summary)
}

fn fit_other(
    items: &[String],
    votes: &[Vote],
    rankings: &[Ranking],
    model: &ModelChoice,
    started: f64,
    thread: &str,
) -> Result<FitSummary, String> {
    let fit = fit_choice(items, votes, rankings, model).map_err(|e| e.to_string())?;
    let fit_ms = now_ms() - started;
    let intervals = fit
        .intervals
        .clone()
        .unwrap_or_else(|| fit.scores.iter().map(|&s| (s, s)).collect());
    let data = Dataset::new(items.to_vec(), votes.to_vec()).map_err(|e| e.to_string())?;
    let records = ComparisonGraph::from_dataset(&data).records;
    let rows = rank_rows(&fit.scores, &intervals, &records, items)
        .into_iter()
        .map(|r| row_view(&r, &items[r.item]))
        .collect();
    let mut notes = Vec::new();
    if let Some((effect, se)) = fit.order_effect {
        notes.push(format!(
            "Order effect: {effect:+.2} ± {:.2} log-odds for the item on the left (the odds of the left item winning ×{:.2}).",
            1.96 * se,
            effect.exp()
        ));
    }
    if let Some((name, estimate, se)) = fit.tie_parameter {
        let name = if name == "nu" { "ν" } else { "θ" };
        notes.push(format!(
            "Tie parameter {name} = {estimate:.2} ± {:.2}.",
            1.96 * se
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
    Ok(FitSummary {
        rows,
        n_votes: votes.len(),
        engine: "CPU".into(),
        fallback_reason: None,
        choice: Some(format!("{} runs on the CPU", model.describe())),
        fit_ms,
        iterations: fit.iterations,
        thread: thread.to_string(),
        model: model.describe(),
        notes,
        order_effect: fit.order_effect,
    })
}

/// Simulates `n_votes` votes on `n_items` items (hidden utilities,
/// random pairs; `prefplay_core::simulate`, seeded) and fits them: the
/// page's `?simulate=N` load test.
pub async fn simulate_and_fit(
    engine: &Engine,
    n_votes: usize,
    n_items: usize,
    seed: u64,
    thread: &str,
    on_step: &mut dyn FnMut(Step),
) -> Result<FitSummary, String> {
    let started = now_ms();
    let settings = SimulationSettings {
        items: n_items,
        votes: n_votes,
        seed,
        ..SimulationSettings::default()
    };
    let sim = simulate(&settings).map_err(|e| e.to_string())?;
    let graph = ComparisonGraph::from_table(&sim.table);
    let labels = sim.table.items().to_vec();
    let what = (n_votes, BtSettings::default());
    fit_graph(engine, &graph, &labels, what, started, thread, on_step).await
}

/// `(n_votes, settings)`: how many votes the graph holds and the BT settings.
async fn fit_graph(
    engine: &Engine,
    graph: &ComparisonGraph,
    labels: &[String],
    (n_votes, settings): (usize, BtSettings),
    started: f64,
    thread: &str,
    on_step: &mut dyn FnMut(Step),
) -> Result<FitSummary, String> {
    let run = engine
        .fit_bt_observed(graph, settings, on_step)
        .await
        .map_err(|e| e.to_string())?;
    let fit_ms = now_ms() - started;
    let rows = leaderboard(&run.value, &graph.records, labels)
        .into_iter()
        .map(|r| row_view(&r, &labels[r.item]))
        .collect();
    Ok(FitSummary {
        rows,
        n_votes,
        engine: run.engine,
        fallback_reason: run.fallback_reason,
        choice: run.choice,
        fit_ms,
        iterations: run.value.iterations,
        thread: thread.to_string(),
        model: ModelChoice::default().describe(),
        notes: Vec::new(),
        order_effect: None,
    })
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
