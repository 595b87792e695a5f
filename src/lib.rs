//! prefplay's single-page app (Leptos, client-side rendering).
//!
//! Data flows one way: ballots (workspace) → stored (IndexedDB) → fit (in
//! the fit worker, engine WebGPU or CPU) → leaderboard. Nothing is fetched
//! from any other origin. The same library is built twice by Trunk: the
//! page (`src/main.rs`) and the fit worker (`src/bin/prefplay-worker.rs`).
#![deny(missing_docs)]

pub mod analyses;
mod app;
pub mod browser;
pub mod class_sim;
pub mod components;
pub mod decks;
pub mod export;
pub mod fit_job;
mod fragment;
pub mod images;
pub mod job_runner;
pub mod jobs;
pub mod keys;
pub mod lab;
pub mod personal_lab;
#[cfg(test)]
mod readme_claims;
pub mod scenario;
pub mod session;
pub mod share;
pub mod storage;
pub mod transfer;
pub mod words;
pub mod worker;
pub mod worker_protocol;
pub mod workspace;

pub use app::App;

/// Whether the address asks for the loss lab: `?page=loss` or `?scenario=9`.
fn lab_requested() -> bool {
    browser::url_parameter("page").as_deref() == Some("loss")
        || browser::url_parameter("scenario").as_deref() == Some("9")
}

/// Whether the address asks for the personalized page: `?page=personal`,
/// `?scenario=7` or `?scenario=8`.
fn personal_requested() -> bool {
    browser::url_parameter("page").as_deref() == Some("personal")
        || matches!(
            browser::url_parameter("scenario").as_deref(),
            Some("7" | "8")
        )
}

/// Mounts the app (or the loss lab, [`lab`], or the personalized page,
/// [`personal_lab`]) on `<body>` and records, as `data-ready-ms` on `<body>`,
/// the milliseconds from navigation start until the first vote is possible.
pub fn mount() {
    console_error_panic_hook::set_once();
    if personal_requested() {
        leptos::mount::mount_to_body(personal_lab::PersonalLab);
    } else if lab_requested() {
        leptos::mount::mount_to_body(lab::LossLab);
    } else {
        leptos::mount::mount_to_body(App);
    }
    if let Some(window) = web_sys::window() {
        let ready_ms = window.performance().map_or(0.0, |p| p.now());
        if let Some(body) = window.document().and_then(|d| d.body()) {
            let _ = body.set_attribute("data-ready-ms", &format!("{ready_ms:.1}"));
        }
    }
}
