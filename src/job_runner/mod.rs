//! Runs every job of the protocol (`worker_protocol`) off the page's
//! thread: in the worker (`worker.rs`), one at a time, always on the
//! latest votes. The page's components ask through the [`JobRunner`] in
//! Leptos context and read typed results; they never compute.
//!
//! Each vote asks for a fit. While a job runs, newer requests of the same
//! kind replace each other (one fit, and one of each analysis, waits at a
//! time), so a burst of votes costs at most one extra fit and the table
//! always ends on the newest votes; fits go before analyses. Requests
//! wait until the worker's engine is ready. The worker reports every
//! Newton step of a fit; `cancel` terminates it (the job stops at once)
//! and starts a fresh one.
//!
//! When no worker can be started (or it fails to load), jobs run on the
//! page with its own engine, and the engine note says why.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use prefplay_core::Vote;
use wasm_bindgen::prelude::*;

use crate::fit_job::{EngineRequest, FitInput, now_ms};
pub use crate::fit_job::{FitSummary, RowView};
use crate::jobs::{Progress, run_job};
use crate::worker_protocol::{AnalysisKind, Job, JobResult, Request, pack_votes};

mod backend;
mod calibration;

use backend::Backend;
use calibration::CalibrationState;

/// The worker's script, written by Trunk next to index.html.
pub const WORKER_URL: &str = "./prefplay-worker_loader.js";

/// What the fit area shows besides the last result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FitState {
    /// No fit is running.
    Idle,
    /// A fit is running since `started_ms` (page clock); `step` Newton
    /// steps are done.
    Running {
        /// Start, in `performance.now()` milliseconds.
        started_ms: f64,
        /// Newton steps reported so far.
        step: u32,
    },
    /// The last fit was cancelled.
    Cancelled {
        /// Its start, in `performance.now()` milliseconds.
        started_ms: f64,
        /// When it was cancelled.
        at_ms: f64,
    },
}

/// The signals the runner writes.
#[derive(Debug, Clone, Copy)]
pub struct FitOutputs {
    /// The latest finished fit, or why it failed.
    pub result: WriteSignal<Result<FitSummary, String>>,
    /// Running, idle or cancelled.
    pub state: RwSignal<FitState>,
    /// Engine label and, when the CPU was chosen, why.
    pub engine: RwSignal<Option<(String, Option<String>)>>,
    /// Progress messages received (for tests and the curious).
    pub progress_events: RwSignal<u32>,
    /// (start, end) of the last finished fit on the page clock.
    pub last_span_ms: RwSignal<Option<(f64, f64)>>,
    /// The latest result of each analysis, or why it failed.
    pub analyses: RwSignal<HashMap<AnalysisKind, Result<JobResult, String>>>,
    /// Analyses asked for and not answered yet.
    pub analyses_waiting: RwSignal<Vec<AnalysisKind>>,
}

impl FitOutputs {
    /// Fresh signals: no fit yet (`result` is `"Fitting…"` until one ends).
    pub fn new(result: WriteSignal<Result<FitSummary, String>>) -> Self {
        Self {
            result,
            state: RwSignal::new(FitState::Idle),
            engine: RwSignal::new(None),
            progress_events: RwSignal::new(0),
            last_span_ms: RwSignal::new(None),
            analyses: RwSignal::new(HashMap::new()),
            analyses_waiting: RwSignal::new(Vec::new()),
        }
    }
}

/// A job and the votes it reads.
type Work = (Job, Vec<Vote>);

/// The running request.
#[derive(Debug, Clone, Copy)]
struct Running {
    id: u64,
    started_ms: f64,
    /// `None`: a fit.
    kind: Option<AnalysisKind>,
}

struct Inner {
    backend: Backend,
    /// A job that goes before every other: the stored calibration handed
    /// to a fresh worker, so its first fit follows it.
    handover: Option<Work>,
    /// The fit waiting (newest votes).
    pending_fit: Option<Work>,
    /// At most one waiting job per analysis kind, oldest first.
    pending_analyses: Vec<Work>,
    running: Option<Running>,
    next_id: u64,
    engine_request: EngineRequest,
    calibration: CalibrationState,
}

impl Inner {
    /// The next job to run: a calibration handover, then the fit, then
    /// the oldest analysis.
    fn take_next(&mut self) -> Option<Work> {
        if let Some(work) = self.handover.take() {
            return Some(work);
        }
        self.pending_fit.take().or_else(|| {
            (!self.pending_analyses.is_empty()).then(|| self.pending_analyses.remove(0))
        })
    }
}

/// Handle to the runner; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct JobRunner {
    inner: StoredValue<Rc<RefCell<Inner>>, LocalStorage>,
    out: FitOutputs,
}

impl JobRunner {
    /// Starts the worker (or, failing that, the page's engine).
    /// `engine_request`: from `?engine=`.
    pub fn start(out: FitOutputs, engine_request: EngineRequest) -> Self {
        let inner = Inner {
            backend: Backend::Page(None),
            handover: None,
            pending_fit: None,
            pending_analyses: Vec::new(),
            running: None,
            next_id: 1,
            engine_request,
            calibration: CalibrationState::default(),
        };
        let runner = Self {
            inner: StoredValue::new_local(Rc::new(RefCell::new(inner))),
            out,
        };
        runner.spawn_worker();
        runner
    }

    fn cell(self) -> Rc<RefCell<Inner>> {
        self.inner.get_value()
    }

    fn finish(self, id: u64, result: Result<JobResult, String>) {
        let running = match self.cell().borrow().running {
            Some(r) if r.id == id => r,
            _ => return,
        };
        self.cell().borrow_mut().running = None;
        match running.kind {
            None => {
                self.out
                    .last_span_ms
                    .set(Some((running.started_ms, now_ms())));
                self.out.result.set(result.and_then(|r| match r {
                    JobResult::Fit(summary) => Ok(summary),
                    _ => Err("the worker answered a fit with something else".to_string()),
                }));
                self.out.state.set(FitState::Idle);
            }
            Some(kind) => {
                if kind == AnalysisKind::Calibration {
                    self.calibrated(running.started_ms, &result);
                }
                self.settle_analysis(kind, result);
            }
        }
        self.calibrate_when_due();
        self.pump();
    }

    /// Records analysis `kind`'s answer; it stops waiting unless a newer
    /// request of its kind is queued.
    fn settle_analysis(self, kind: AnalysisKind, result: Result<JobResult, String>) {
        self.out.analyses.update(|m| {
            m.insert(kind, result);
        });
        if !self.is_pending(kind) {
            self.out
                .analyses_waiting
                .update(|w| w.retain(|k| *k != kind));
        }
    }

    fn is_pending(self, kind: AnalysisKind) -> bool {
        self.cell()
            .borrow()
            .pending_analyses
            .iter()
            .any(|(job, _)| job.analysis_kind() == Some(kind))
    }

    /// Asks for a fit of these votes (replacing any request not yet started).
    pub fn request(self, input: FitInput) {
        let job = Job::Fit {
            items: input.items,
            model: input.model,
            rankings: input.rankings,
        };
        self.cell().borrow_mut().pending_fit = Some((job, input.votes));
        self.fit_on_its_way();
    }

    /// A fit was asked for: a calibration slice in its way stops at its
    /// next check, the fit line says a fit is running from now (it may
    /// wait for the analysis in front of it), and the queue moves.
    fn fit_on_its_way(self) {
        self.stop_calibration();
        let behind_analysis = self
            .cell()
            .borrow()
            .running
            .is_some_and(|r| r.kind.is_some());
        if behind_analysis {
            self.out.state.set(FitState::Running {
                started_ms: now_ms(),
                step: 0,
            });
        }
        self.pump();
    }

    /// Asks for a simulated data set of `votes` votes on `items` items to
    /// be made and fitted in the worker (`?simulate=N`).
    pub fn request_simulation(self, votes: usize, items: usize, seed: u64) {
        self.cell().borrow_mut().pending_fit =
            Some((Job::Simulate { votes, items, seed }, Vec::new()));
        self.fit_on_its_way();
    }

    /// Asks for an analysis of `votes` (replacing a waiting one of the
    /// same kind); its result appears in [`Self::analysis`]. A fit or
    /// simulation passed here is asked for as a fit.
    pub fn request_analysis(self, job: Job, votes: Vec<Vote>) {
        let Some(kind) = job.analysis_kind() else {
            self.cell().borrow_mut().pending_fit = Some((job, votes));
            self.pump();
            return;
        };
        {
            let cell = self.cell();
            let mut inner = cell.borrow_mut();
            inner
                .pending_analyses
                .retain(|(j, _)| j.analysis_kind() != Some(kind));
            inner.pending_analyses.push((job, votes));
        }
        self.out.analyses_waiting.update(|w| {
            if !w.contains(&kind) {
                w.push(kind);
            }
        });
        self.pump();
    }

    /// Forgets analysis `kind`'s last result (its next one, even if equal,
    /// then reads as new).
    pub fn forget(self, kind: AnalysisKind) {
        self.out.analyses.update(|m| {
            m.remove(&kind);
        });
    }

    /// The latest result of analysis `kind` (tracked), if one came.
    pub fn analysis(self, kind: AnalysisKind) -> Option<Result<JobResult, String>> {
        self.out.analyses.with(|m| m.get(&kind).cloned())
    }

    /// Whether analysis `kind` was asked for and is not answered yet (tracked).
    pub fn analysis_waiting(self, kind: AnalysisKind) -> bool {
        self.out.analyses_waiting.with(|w| w.contains(&kind))
    }

    /// Stops the running job now: the worker is terminated and a fresh
    /// one started; the last finished result stays shown. A cancelled
    /// analysis is answered "cancelled"; waiting analyses still run.
    pub fn cancel(self) {
        let cancelled = {
            let cell = self.cell();
            let mut inner = cell.borrow_mut();
            inner.pending_fit = None;
            inner.running.take()
        };
        let Some(cancelled) = cancelled else {
            return;
        };
        let started_ms = cancelled.started_ms;
        if let Some(kind) = cancelled.kind {
            self.settle_analysis(kind, Err("Cancelled.".to_string()));
        }
        let on_worker = match &self.cell().borrow().backend {
            Backend::Worker(h) => {
                h.worker.terminate();
                true
            }
            Backend::Page(_) => false,
        };
        self.out.state.set(FitState::Cancelled {
            started_ms,
            at_ms: now_ms(),
        });
        if on_worker {
            self.spawn_worker();
        }
    }

    /// Stops analysis `kind` alone: the running job if it is one (as
    /// [`Self::cancel`] does), else its waiting request, answered
    /// "Cancelled.".
    pub fn cancel_kind(self, kind: AnalysisKind) {
        let running = self
            .cell()
            .borrow()
            .running
            .is_some_and(|r| r.kind == Some(kind));
        if running {
            self.cancel();
        } else if self.is_pending(kind) {
            self.cell()
                .borrow_mut()
                .pending_analyses
                .retain(|(j, _)| j.analysis_kind() != Some(kind));
            self.settle_analysis(kind, Err("Cancelled.".to_string()));
        }
    }

    fn pump(self) {
        let cell = self.cell();
        let mut guard = cell.borrow_mut();
        let inner = &mut *guard;
        if inner.running.is_some() {
            return;
        }
        let id = inner.next_id;
        let started = now_ms();
        let engine_on_page = match &inner.backend {
            Backend::Worker(h) if h.ready => None,
            Backend::Page(Some(engine)) => Some(Rc::clone(engine)),
            // The engine is still being set up; the request waits.
            _ => return,
        };
        let Some((job, votes)) = inner.take_next() else {
            return;
        };
        let kind = job.analysis_kind();
        match (engine_on_page, &inner.backend) {
            (None, Backend::Worker(h)) => {
                let request = Request { id, job };
                let Ok(json) = serde_json::to_string(&request) else {
                    return;
                };
                let message = js_sys::Array::new();
                let words = js_sys::Uint32Array::from(pack_votes(&votes).as_slice());
                message.push(&JsValue::from_str(&json));
                message.push(&words);
                let transfer = js_sys::Array::of1(&words.buffer());
                if let Err(e) = h.worker.post_message_with_transfer(&message, &transfer) {
                    drop(guard);
                    self.use_page_engine(format!("the worker refused a message ({e:?})"));
                    return;
                }
            }
            (Some(engine), _) => {
                leptos::task::spawn_local(async move {
                    let mut on_progress = |p: Progress| self.on_reply(p.reply(id));
                    let result =
                        run_job(&engine, job, votes, "page", &mut on_progress, &|| false).await;
                    self.finish(id, result);
                });
            }
            (None, Backend::Page(_)) => return,
        }
        inner.next_id += 1;
        inner.running = Some(Running {
            id,
            started_ms: started,
            kind,
        });
        drop(guard);
        if kind.is_none() {
            self.out.state.set(FitState::Running {
                started_ms: started,
                step: 0,
            });
        }
    }
}

/// A component's hook for one analysis: asks the [`JobRunner`] in context
/// for `kind` whenever what `job` reads changes (`None`: nothing to ask
/// for now), and returns the latest result — computed in the worker, so
/// the page's thread only formats it.
pub fn use_analysis(
    kind: AnalysisKind,
    job: impl Fn() -> Option<(Job, Vec<Vote>)> + Send + Sync + 'static,
) -> Signal<Option<Result<JobResult, String>>> {
    let runner = expect_context::<JobRunner>();
    // Under `?simulate=` the page shows a load test of the worker, not the
    // deck: its analyses are not asked for, so nothing but the simulated
    // fit runs.
    let simulating = use_context::<crate::app::AppState>().is_some_and(|s| s.simulation.is_some());
    Effect::new(move |_| {
        if simulating {
            return;
        }
        if let Some((job, votes)) = job() {
            runner.request_analysis(job, votes);
        }
    });
    Signal::derive(move || runner.analysis(kind))
}
