//! Runs fits off the input path: one at a time, always on the latest votes.
//!
//! Each vote asks for a fit. While a fit runs, newer requests replace each
//! other, so a burst of votes costs at most one extra fit and the table
//! always ends on the newest votes. Until the engine is ready (GPU set-up is
//! asynchronous), requests wait.

use std::rc::Rc;

use leptos::prelude::*;
use prefplay_core::{BtSettings, ComparisonGraph, Dataset, Vote, leaderboard};
use prefplay_gpu::Engine;

/// One leaderboard row as the page shows it.
#[derive(Debug, Clone, PartialEq)]
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
}

/// The latest finished fit, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct FitSummary {
    /// Ranked rows.
    pub rows: Vec<RowView>,
    /// Votes the fit used.
    pub n_votes: usize,
    /// "GPU: <adapter>" or "CPU".
    pub engine: String,
    /// Why the CPU ran when the GPU was meant to, if so.
    pub fallback_reason: Option<String>,
    /// Wall time of the fit (aggregation, solve, read-backs), milliseconds.
    pub fit_ms: f64,
    /// Newton steps.
    pub iterations: u32,
}

type Request = (Vec<String>, Vec<Vote>);

/// Handle to the runner; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct FitRunner {
    engine: StoredValue<Option<Rc<Engine>>, LocalStorage>,
    pending: StoredValue<Option<Request>, LocalStorage>,
    busy: StoredValue<bool, LocalStorage>,
    publish: WriteSignal<Result<FitSummary, String>>,
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

impl FitRunner {
    /// A runner that publishes results (or an error message) to `publish`.
    pub fn new(publish: WriteSignal<Result<FitSummary, String>>) -> Self {
        Self {
            engine: StoredValue::new_local(None),
            pending: StoredValue::new_local(None),
            busy: StoredValue::new_local(false),
            publish,
        }
    }

    /// Installs the engine and runs any request that was waiting for it.
    pub fn set_engine(self, engine: Engine) {
        self.engine.set_value(Some(Rc::new(engine)));
        self.pump();
    }

    /// Asks for a fit of these votes (replacing any request not yet started).
    pub fn request(self, items: Vec<String>, votes: Vec<Vote>) {
        self.pending.set_value(Some((items, votes)));
        self.pump();
    }

    fn pump(self) {
        if self.busy.get_value() {
            return;
        }
        let Some(engine) = self.engine.get_value() else {
            return;
        };
        self.busy.set_value(true);
        leptos::task::spawn_local(async move {
            while let Some((items, votes)) = self.pending.try_update_value(Option::take).flatten() {
                let result = run_fit(&engine, items, votes).await;
                self.publish.set(result);
            }
            self.busy.set_value(false);
        });
    }
}

async fn run_fit(
    engine: &Engine,
    items: Vec<String>,
    votes: Vec<Vote>,
) -> Result<FitSummary, String> {
    let n_votes = votes.len();
    let data = Dataset::new(items, votes).map_err(|e| e.to_string())?;
    let started = now_ms();
    let graph = ComparisonGraph::from_dataset(&data);
    let run = engine
        .fit_bt(&graph, BtSettings::default())
        .await
        .map_err(|e| e.to_string())?;
    let fit_ms = now_ms() - started;
    let rows = leaderboard(&run.fit, &graph.records, data.items())
        .into_iter()
        .map(|r| RowView {
            rank: r.rank,
            label: data.items()[r.item].clone(),
            score: r.score,
            ci_low: r.ci_low,
            ci_high: r.ci_high,
            wins: r.record.wins,
            losses: r.record.losses,
            ties: r.record.ties,
        })
        .collect();
    Ok(FitSummary {
        rows,
        n_votes,
        engine: run.engine,
        fallback_reason: run.fallback_reason,
        fit_ms,
        iterations: run.fit.iterations,
    })
}
