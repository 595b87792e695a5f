//! The engine's calibration on the page: when the worker's engine is
//! `Auto` on a GPU adapter, the runner asks it, between other jobs (after
//! the page's first job, as an analysis, so fits go first), to measure one
//! workload family at a time (`Job::Calibrate`), at most
//! [`PAGE_BUDGET_MS`] of work per visit; a later visit measures what is
//! left. Each slice's result is stored in localStorage under the adapter's
//! identity and handed to the worker on the next visit, so `Auto` follows
//! it from the first fit on. A vote waits for at most one slice.

use std::collections::BTreeMap;

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::GetUntracked;
use prefplay_gpu::engine::PAGE_BUDGET_MS;
use prefplay_gpu::engine::calibration::Calibration;

use super::JobRunner;
use crate::fit_job::now_ms;
use crate::worker_protocol::{AnalysisKind, Job, JobResult};

/// localStorage key: calibrations by adapter identity.
const KEY: &str = "prefplay-calibrations";

/// Where this visit's calibration stands.
#[derive(Debug, Default)]
pub(super) struct CalibrationState {
    /// The worker's adapter identity, when its engine is `Auto`.
    pub adapter: Option<String>,
    /// Milliseconds spent on slices this visit.
    pub spent_ms: f64,
    /// Whether the worker has this adapter's stored calibration.
    pub given: bool,
    /// This adapter's calibration as last stored (read from localStorage
    /// once, when the worker is ready; then each slice's answer).
    pub known: Option<Calibration>,
}

impl CalibrationState {
    /// A fresh worker is ready on `adapter` (`None`: no calibration, the
    /// engine is not `Auto` on a GPU): it has not been given what this
    /// device stored, read here. The visit's time spent stays counted.
    pub fn new_worker(&mut self, adapter: Option<String>) {
        self.known = adapter.as_deref().and_then(stored);
        self.adapter = adapter;
        self.given = false;
    }
}

/// The stored calibration of `adapter`.
fn stored(adapter: &str) -> Option<Calibration> {
    LocalStorage::get::<BTreeMap<String, Calibration>>(KEY)
        .ok()?
        .remove(adapter)
}

/// Stores `calibration` under its adapter, keeping the others'.
fn store(calibration: &Calibration) {
    let mut all = LocalStorage::get::<BTreeMap<String, Calibration>>(KEY).unwrap_or_default();
    all.insert(calibration.adapter.clone(), calibration.clone());
    // A full store keeps the old calibration; this visit still uses the new one.
    let _ = LocalStorage::set(KEY, all);
}

impl JobRunner {
    /// Asks for the next calibration slice when one is due: the worker
    /// has not been given the stored calibration yet, or families are
    /// missing and this visit's budget is not spent. Nothing when the
    /// engine is not `Auto` on a GPU, or a slice is already on its way.
    pub(super) fn calibrate_when_due(self) {
        let (known, spent_ms, given) = {
            let cell = self.cell();
            let inner = cell.borrow();
            let c = &inner.calibration;
            let busy = self.calibrating() || inner.handover.is_some();
            if c.adapter.is_none() || busy || self.is_pending(AnalysisKind::Calibration) {
                return;
            }
            (c.known.clone(), c.spent_ms, c.given)
        };
        let missing = known
            .as_ref()
            .map_or(prefplay_gpu::engine::CALIBRATED.len(), |c| {
                c.missing().len()
            });
        // Measuring waits for the page's first fit (the page is usable).
        let fitted = self.out.last_span_ms.get_untracked().is_some();
        let measure = missing > 0 && spent_ms < PAGE_BUDGET_MS && fitted;
        if given && !measure {
            return;
        }
        if !given && known.is_some() {
            // A stored calibration goes to the worker before anything else.
            let job = Job::Calibrate {
                known,
                share_ms: 0.0,
                measure: false,
            };
            self.cell().borrow_mut().handover = Some((job, Vec::new()));
            return;
        }
        let share_ms = (PAGE_BUDGET_MS - spent_ms).max(0.0) / missing.max(1) as f64;
        self.request_analysis(
            Job::Calibrate {
                known,
                share_ms,
                measure,
            },
            Vec::new(),
        );
    }

    /// A fit is waiting: a calibration slice running in the worker stops
    /// at its next check (the fit waits for one run at most).
    pub(super) fn stop_calibration(self) {
        let cell = self.cell();
        let inner = cell.borrow();
        if let (true, super::Backend::Worker(h)) = (self.calibrating(), &inner.backend) {
            let request = crate::worker_protocol::Request {
                id: 0,
                job: Job::StopCalibration,
            };
            if let Ok(json) = serde_json::to_string(&request) {
                let message = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&json));
                // A worker that cannot take it finishes the slice anyway.
                let _ = h.worker.post_message(&message);
            }
        }
    }

    /// Whether a calibration slice is the running job.
    fn calibrating(self) -> bool {
        self.cell()
            .borrow()
            .running
            .is_some_and(|r| r.kind == Some(AnalysisKind::Calibration))
    }

    /// A slice's answer, which started at `started_ms`: stored, and its
    /// time counted against this visit's budget. A failure ends the
    /// calibration for this visit.
    pub(super) fn calibrated(self, started_ms: f64, result: &Result<JobResult, String>) {
        let cell = self.cell();
        let mut inner = cell.borrow_mut();
        let state = &mut inner.calibration;
        state.spent_ms += now_ms() - started_ms;
        match result {
            Ok(JobResult::Calibration(calibration)) => {
                state.given = true;
                store(calibration);
                state.known = Some(calibration.clone());
            }
            _ => state.adapter = None,
        }
    }
}
