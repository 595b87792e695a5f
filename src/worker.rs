//! The worker: a dedicated Web Worker (built by Trunk from
//! `src/bin/prefplay-worker.rs`) that owns an engine — WebGPU when the
//! worker has it, else the CPU — and runs every job of the protocol
//! (`worker_protocol`: fits and analyses) off the page's thread, posting a
//! progress message after every Newton step of a fit.
//!
//! `?engine=cpu|gpu` in the worker's address forces an engine (the page
//! passes its own on); without it the engine is `Engine::Auto`. When the
//! worker has no GPU adapter it says so, and the page may fit on its own
//! GPU instead (`job_runner.rs`).

use std::cell::RefCell;
use std::rc::Rc;

use prefplay_gpu::Engine;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::fit_job::EngineRequest;
use crate::jobs::{Progress, run_job};
use crate::worker_protocol::{Reply, Request, unpack_votes};

type Incoming = (Request, Vec<u32>);

#[derive(Default)]
struct State {
    engine: Option<Rc<Engine>>,
    /// A request that arrived before the engine was ready.
    waiting: Option<Incoming>,
    /// Set by `Job::StopCalibration`: the running calibration slice stops.
    stop_calibration: Rc<std::cell::Cell<bool>>,
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(reply: &Reply) {
    match readable_json(reply) {
        Ok(json) => {
            // Posting only fails once the page has gone; nobody to tell then.
            let _ = scope().post_message(&JsValue::from_str(&json));
        }
        Err(e) => web_sys::console::error_1(&format!("fit worker: {e}").into()),
    }
}

/// The reply as JSON the page can read back. JSON has no NaN or infinity:
/// serde writes them as `null`, which the page could not parse into a
/// number, so the job's answer would never arrive and the page would wait
/// for it forever. Such a result is answered as a failure that says why.
fn readable_json(reply: &Reply) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(reply)?;
    if serde_json::from_str::<Reply>(&json).is_ok() {
        return Ok(json);
    }
    let id = match reply {
        Reply::Ready { .. } => 0,
        Reply::Progress { id, .. }
        | Reply::Partial { id, .. }
        | Reply::Done { id, .. }
        | Reply::Failed { id, .. } => *id,
    };
    serde_json::to_string(&Reply::Failed {
        id,
        message: "the result held a number that is not finite (NaN or infinity)".into(),
    })
}

fn query_parameter(name: &str) -> Option<String> {
    let search = scope().location().search();
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|p| p.get(name))
}

/// The engine asked for by `?engine=`; `?worker-gpu=off` (a test of the
/// page's fallback) keeps WebGPU out of the worker as a browser without
/// it in workers would.
async fn create_engine() -> (Engine, Option<String>) {
    if query_parameter("worker-gpu").as_deref() == Some("off") {
        return (
            Engine::Cpu,
            Some("WebGPU is off in the fit worker (?worker-gpu=off)".to_string()),
        );
    }
    EngineRequest::from_param(query_parameter("engine").as_deref())
        .create()
        .await
}

/// Reads one message: `[request JSON, Uint32Array of vote words]`.
fn read(event: &MessageEvent) -> Result<Incoming, String> {
    let parts: js_sys::Array = event
        .data()
        .dyn_into()
        .map_err(|_| "the message is not an array".to_string())?;
    let json = parts
        .get(0)
        .as_string()
        .ok_or("the message has no request")?;
    let request: Request = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    let words = parts
        .get(1)
        .dyn_into::<js_sys::Uint32Array>()
        .map(|a| a.to_vec())
        .unwrap_or_default();
    Ok((request, words))
}

async fn handle(engine: Rc<Engine>, stop: Rc<std::cell::Cell<bool>>, (request, words): Incoming) {
    let id = request.id;
    let mut on_progress = |progress: Progress| post(&progress.reply(id));
    stop.set(false);
    let stop_now = || stop.get();
    let result = match unpack_votes(&words) {
        Ok(votes) => {
            run_job(
                &engine,
                request.job,
                votes,
                "worker",
                &mut on_progress,
                &stop_now,
            )
            .await
        }
        Err(e) => Err(e),
    };
    post(&match result {
        Ok(result) => Reply::Done {
            id,
            result: Box::new(result),
        },
        Err(message) => Reply::Failed { id, message },
    });
}

/// The worker's entry point: sets up the engine and answers requests.
pub fn run() {
    console_error_panic_hook::set_once();
    let state = Rc::new(RefCell::new(State::default()));
    let on_message = {
        let state = Rc::clone(&state);
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let incoming = match read(&event) {
                Ok(incoming) => incoming,
                Err(message) => {
                    post(&Reply::Failed { id: 0, message });
                    return;
                }
            };
            let stop = Rc::clone(&state.borrow().stop_calibration);
            if incoming.0.job == crate::worker_protocol::Job::StopCalibration {
                stop.set(true);
                return;
            }
            let engine = state.borrow().engine.clone();
            match engine {
                Some(engine) => wasm_bindgen_futures::spawn_local(handle(engine, stop, incoming)),
                None => state.borrow_mut().waiting = Some(incoming),
            }
        })
    };
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    wasm_bindgen_futures::spawn_local(async move {
        let (engine, note) = create_engine().await;
        let engine = Rc::new(engine);
        post(&Reply::Ready {
            engine: engine.label(),
            note,
            has_gpu: !matches!(*engine, Engine::Cpu),
            calibrate: match &*engine {
                Engine::Auto(ctx) => Some(ctx.adapter_identity().to_string()),
                _ => None,
            },
        });
        let waiting = {
            let mut s = state.borrow_mut();
            s.engine = Some(Rc::clone(&engine));
            s.waiting.take()
        };
        if let Some(incoming) = waiting {
            let stop = Rc::clone(&state.borrow().stop_calibration);
            handle(engine, stop, incoming).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker_protocol::JobResult;
    use prefplay_core::inference::evaluation::HeldOut;

    #[test]
    fn a_result_with_nan_is_answered_as_a_failure_the_page_can_read() {
        let held_out = |accuracy| HeldOut {
            log_loss: 0.5,
            accuracy,
            brier: 0.2,
            n_test: 3,
            calibration: Vec::new(),
        };
        let done = |h| Reply::Done {
            id: 7,
            result: Box::new(JobResult::HeldOut(h)),
        };
        let fine = readable_json(&done(held_out(0.5))).unwrap();
        assert_eq!(
            serde_json::from_str::<Reply>(&fine).unwrap(),
            done(held_out(0.5))
        );
        let nan = readable_json(&done(held_out(f64::NAN))).unwrap();
        match serde_json::from_str::<Reply>(&nan).unwrap() {
            Reply::Failed { id, message } => {
                assert_eq!(id, 7);
                assert!(message.contains("not finite"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}
