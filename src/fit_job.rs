//! One fit, from votes to the rows the page shows: run in the fit worker
//! (`worker.rs`) or, when no worker can be started, on the page.

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

/// Fits the votes on `items`, reporting each Newton step.
pub async fn fit_votes(
    engine: &Engine,
    items: Vec<String>,
    votes: Vec<Vote>,
    thread: &str,
    on_step: &mut dyn FnMut(Step),
) -> Result<FitSummary, String> {
    let n_votes = votes.len();
    let started = now_ms();
    let data = Dataset::new(items, votes).map_err(|e| e.to_string())?;
    let graph = ComparisonGraph::from_dataset(&data);
    fit_graph(
        engine,
        &graph,
        data.items(),
        n_votes,
        started,
        thread,
        on_step,
    )
    .await
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
    fit_graph(engine, &graph, &labels, n_votes, started, thread, on_step).await
}

async fn fit_graph(
    engine: &Engine,
    graph: &ComparisonGraph,
    labels: &[String],
    n_votes: usize,
    started: f64,
    thread: &str,
    on_step: &mut dyn FnMut(Step),
) -> Result<FitSummary, String> {
    let run = engine
        .fit_bt_observed(graph, BtSettings::default(), on_step)
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
