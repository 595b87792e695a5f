//! Where the runner's jobs run: the worker (started, answered, replaced
//! after a cancel), or the page's own engine when no worker can run them.

use std::rc::Rc;

use leptos::prelude::*;
use prefplay_gpu::Engine;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::{FitState, JobRunner, WORKER_URL};
use crate::fit_job::EngineRequest;
use crate::worker_protocol::Reply;

pub(super) struct WorkerHandle {
    pub(super) worker: web_sys::Worker,
    pub(super) ready: bool,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

pub(super) enum Backend {
    Worker(WorkerHandle),
    Page(Option<Rc<Engine>>),
}

impl JobRunner {
    pub(super) fn spawn_worker(self) {
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
    pub(super) fn use_page_engine(self, why: String) {
        let lost = {
            let cell = self.cell();
            let mut inner = cell.borrow_mut();
            if let Backend::Worker(h) = &inner.backend {
                h.worker.terminate();
            }
            inner.backend = Backend::Page(None);
            inner.running.take().is_some_and(|r| r.kind.is_none())
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

    pub(super) fn on_reply(self, reply: Reply) {
        let running = self.cell().borrow().running;
        match reply {
            Reply::Ready {
                engine,
                note,
                has_gpu,
                calibrate,
            } => {
                self.cell().borrow_mut().calibration.new_worker(calibrate);
                // A stored calibration is handed over before the first job.
                self.calibrate_when_due();
                if !has_gpu && self.cell().borrow().engine_request != EngineRequest::Cpu {
                    self.try_page_gpu(engine, note);
                    return;
                }
                self.worker_ready(engine, note);
            }
            Reply::Progress { id, step, .. } => {
                if let Some(r) = running
                    && r.id == id
                    && r.kind.is_none()
                {
                    self.out.progress_events.update(|n| *n += 1);
                    self.out.state.set(FitState::Running {
                        started_ms: r.started_ms,
                        step,
                    });
                }
            }
            Reply::Partial { id, result } => {
                if let Some(r) = running
                    && r.id == id
                    && let Some(kind) = r.kind
                {
                    self.out.analyses.update(|m| {
                        m.insert(kind, Ok(*result));
                    });
                }
            }
            Reply::Done { id, result } => self.finish(id, Ok(*result)),
            Reply::Failed { id, message } => self.finish(id, Err(message)),
        }
    }

    pub(super) fn worker_ready(self, engine: String, note: Option<String>) {
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
    pub(super) fn try_page_gpu(self, worker_engine: String, worker_note: Option<String>) {
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
}
