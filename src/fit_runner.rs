//! Runs fits off the page's thread: in the fit worker (`worker.rs`), one
//! at a time, always on the latest votes.
//!
//! Each vote asks for a fit. While a fit runs, newer requests replace each
//! other, so a burst of votes costs at most one extra fit and the table
//! always ends on the newest votes. Requests wait until the worker's
//! engine is ready. The worker reports every Newton step; `cancel`
//! terminates it (the fit stops at once) and starts a fresh one.
//!
//! When no worker can be started (or it fails to load), fits run on the
//! page with its own engine, and the engine note says why.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use prefplay_gpu::Engine;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::fit_job::{EngineRequest, FitInput, fit_votes, now_ms, simulate_and_fit};
pub use crate::fit_job::{FitSummary, RowView};
use crate::worker_protocol::{Job, Reply, Request, pack_votes};

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
}

enum Work {
    /// Fit these votes under this model.
    Fit(FitInput),
    Simulate {
        votes: usize,
        items: usize,
        seed: u64,
    },
}

struct WorkerHandle {
    worker: web_sys::Worker,
    ready: bool,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

enum Backend {
    Worker(WorkerHandle),
    Page(Option<Rc<Engine>>),
}

struct Inner {
    backend: Backend,
    pending: Option<Work>,
    /// The running request and its start.
    running: Option<(u64, f64)>,
    next_id: u64,
    engine_request: EngineRequest,
}

/// Handle to the runner; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct FitRunner {
    inner: StoredValue<Rc<RefCell<Inner>>, LocalStorage>,
    out: FitOutputs,
}

impl FitRunner {
    /// Starts the fit worker (or, failing that, the page's engine).
    /// `engine_request`: from `?engine=`.
    pub fn start(out: FitOutputs, engine_request: EngineRequest) -> Self {
        let inner = Inner {
            backend: Backend::Page(None),
            pending: None,
            running: None,
            next_id: 1,
            engine_request,
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

    fn spawn_worker(self) {
        // The worker reads the page's own options (?engine=, ?worker-gpu=).
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let url = format!("{WORKER_URL}{search}");
        let worker = match web_sys::Worker::new(&url) {
            Ok(w) => w,
            Err(e) => {
                self.use_page_engine(format!("no fit worker ({e:?})"));
                return;
            }
        };
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let Some(json) = event.data().as_string() else {
                    return;
                };
                match serde_json::from_str::<Reply>(&json) {
                    Ok(reply) => self.on_reply(reply),
                    Err(e) => web_sys::console::error_1(&format!("fit worker reply: {e}").into()),
                }
            },
        );
        let on_error =
            Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
                event.prevent_default();
                self.use_page_engine(format!("the fit worker failed: {}", event.message()));
            });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.cell().borrow_mut().backend = Backend::Worker(WorkerHandle {
            worker,
            ready: false,
            _on_message: on_message,
            _on_error: on_error,
        });
    }

    /// Switches to fitting on the page, e.g. when the worker cannot load.
    fn use_page_engine(self, why: String) {
        let lost = {
            let cell = self.cell();
            let mut inner = cell.borrow_mut();
            if let Backend::Worker(h) = &inner.backend {
                h.worker.terminate();
            }
            inner.backend = Backend::Page(None);
            inner.running.take().is_some()
        };
        if lost {
            self.out
                .result
                .set(Err(format!("{why}; fitting again on the page")));
        }
        self.out.state.set(FitState::Idle);
        let request = self.cell().borrow().engine_request;
        leptos::task::spawn_local(async move {
            let (engine, note) = request.create().await;
            let note = Some(match note {
                Some(n) => format!("{n}; {why}"),
                None => why,
            });
            self.out.engine.set(Some((engine.label(), note)));
            self.cell().borrow_mut().backend = Backend::Page(Some(Rc::new(engine)));
            self.pump();
        });
    }

    fn on_reply(self, reply: Reply) {
        let running = self.cell().borrow().running;
        match reply {
            Reply::Ready {
                engine,
                note,
                has_gpu,
            } => {
                if !has_gpu && self.cell().borrow().engine_request != EngineRequest::Cpu {
                    self.try_page_gpu(engine, note);
                    return;
                }
                self.worker_ready(engine, note);
            }
            Reply::Progress { id, step, .. } => {
                if let Some((running_id, started_ms)) = running
                    && running_id == id
                {
                    self.out.progress_events.update(|n| *n += 1);
                    self.out.state.set(FitState::Running { started_ms, step });
                }
            }
            Reply::Done { id, summary } => self.finish(id, Ok(*summary)),
            Reply::Failed { id, message } => self.finish(id, Err(message)),
        }
    }

    fn worker_ready(self, engine: String, note: Option<String>) {
        if let Backend::Worker(h) = &mut self.cell().borrow_mut().backend {
            h.ready = true;
        }
        self.out.engine.set(Some((engine, note)));
        self.pump();
    }

    /// The worker has no GPU adapter: if the page has a GPU that the
    /// engine request would use (a forced GPU, or a hardware adapter for
    /// auto), fits run on the page, where every Newton step awaits its
    /// GPU read-back, so the page's thread works in short slices between
    /// them; else the worker's CPU stays.
    fn try_page_gpu(self, worker_engine: String, worker_note: Option<String>) {
        let request = self.cell().borrow().engine_request;
        leptos::task::spawn_local(async move {
            let (engine, _) = request.create().await;
            let usable = match &engine {
                Engine::Gpu(_) => true,
                Engine::Auto(ctx) => !ctx.is_software(),
                Engine::Cpu => false,
            };
            if !usable {
                self.worker_ready(worker_engine, worker_note);
                return;
            }
            let note = format!(
                "the fit worker has no WebGPU ({}); fits run on the page's GPU, one Newton step per task",
                worker_note.unwrap_or_default()
            );
            self.out.engine.set(Some((engine.label(), Some(note))));
            {
                let cell = self.cell();
                let mut inner = cell.borrow_mut();
                if let Backend::Worker(h) = &inner.backend {
                    h.worker.terminate();
                }
                inner.backend = Backend::Page(Some(Rc::new(engine)));
            }
            self.pump();
        });
    }

    fn finish(self, id: u64, result: Result<FitSummary, String>) {
        let started = match self.cell().borrow().running {
            Some((running_id, started)) if running_id == id => started,
            _ => return,
        };
        self.cell().borrow_mut().running = None;
        self.out.last_span_ms.set(Some((started, now_ms())));
        self.out.result.set(result);
        self.out.state.set(FitState::Idle);
        self.pump();
    }

    /// Asks for a fit of these votes (replacing any request not yet started).
    pub fn request(self, input: FitInput) {
        self.cell().borrow_mut().pending = Some(Work::Fit(input));
        self.pump();
    }

    /// Asks for a simulated data set of `votes` votes on `items` items to
    /// be made and fitted in the worker (`?simulate=N`).
    pub fn request_simulation(self, votes: usize, items: usize, seed: u64) {
        self.cell().borrow_mut().pending = Some(Work::Simulate { votes, items, seed });
        self.pump();
    }

    /// Stops the running fit now: the worker is terminated and a fresh one
    /// started; the last finished result stays shown.
    pub fn cancel(self) {
        let cancelled = {
            let cell = self.cell();
            let mut inner = cell.borrow_mut();
            inner.pending = None;
            inner.running.take()
        };
        let Some((_, started_ms)) = cancelled else {
            return;
        };
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

    fn pump(self) {
        let cell = self.cell();
        let mut guard = cell.borrow_mut();
        let inner = &mut *guard;
        if inner.running.is_some() {
            return;
        }
        let id = inner.next_id;
        let started = now_ms();
        let pending = &mut inner.pending;
        match &inner.backend {
            Backend::Worker(h) if h.ready => {
                let Some(work) = pending.take() else {
                    return;
                };
                let message = js_sys::Array::new();
                let (job, words) = match work {
                    Work::Fit(input) => (
                        Job::Fit {
                            items: input.items,
                            model: input.model,
                            rankings: input.rankings,
                        },
                        pack_votes(&input.votes),
                    ),
                    Work::Simulate { votes, items, seed } => {
                        (Job::Simulate { votes, items, seed }, Vec::new())
                    }
                };
                let request = Request { id, job };
                let Ok(json) = serde_json::to_string(&request) else {
                    return;
                };
                let words = js_sys::Uint32Array::from(words.as_slice());
                message.push(&JsValue::from_str(&json));
                message.push(&words);
                let transfer = js_sys::Array::of1(&words.buffer());
                if let Err(e) = h.worker.post_message_with_transfer(&message, &transfer) {
                    drop(guard);
                    self.use_page_engine(format!("the fit worker refused a message ({e:?})"));
                    return;
                }
            }
            Backend::Page(Some(engine)) => {
                let Some(work) = pending.take() else {
                    return;
                };
                let engine = Rc::clone(engine);
                leptos::task::spawn_local(async move {
                    let mut on_step = |step: prefplay_gpu::Step| {
                        self.on_reply(Reply::Progress {
                            id,
                            step: step.iteration,
                            log_lik: step.log_lik.is_finite().then_some(step.log_lik),
                        });
                    };
                    let result = match work {
                        Work::Fit(input) => fit_votes(&engine, input, "page", &mut on_step).await,
                        Work::Simulate { votes, items, seed } => {
                            simulate_and_fit(&engine, votes, items, seed, "page", &mut on_step)
                                .await
                        }
                    };
                    self.finish(id, result);
                });
            }
            // The engine is still being set up; the request waits.
            _ => return,
        }
        inner.next_id += 1;
        inner.running = Some((id, started));
        drop(guard);
        self.out.state.set(FitState::Running {
            started_ms: started,
            step: 0,
        });
    }
}
