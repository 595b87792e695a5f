//! What the address asks of the playground: `?engine=`, `?simulate=`,
//! `?scenario=&seed=`, `?present=`.

use crate::browser::url_parameter;
use crate::fit_job::EngineRequest;
use crate::scenario::Scenario;

/// `?engine=cpu|gpu` in the address forces an engine; else auto.
pub fn engine() -> EngineRequest {
    EngineRequest::from_param(url_parameter("engine").as_deref())
}

/// Items of `?simulate=N` without `&items=`.
pub const SIMULATED_ITEMS: usize = 12;

/// `?simulate=N[&items=M][&seed=S]`: instead of the stored votes, the page
/// fits N simulated votes on M items (default 12), made in the worker — a
/// load test of the worker that keeps the page responsive.
pub fn simulation() -> Option<(usize, usize, u64)> {
    let votes = url_parameter("simulate")?.parse().ok()?;
    let items = url_parameter("items")
        .and_then(|v| v.parse().ok())
        .unwrap_or(SIMULATED_ITEMS);
    Some((votes, items, seed()))
}

/// `?scenario=N` (a number or a name).
pub fn scenario() -> Option<Scenario> {
    url_parameter("scenario").and_then(|v| Scenario::from_param(&v))
}

/// `?seed=S` [1]: a scenario's or a simulation's seed.
pub fn seed() -> u64 {
    url_parameter("seed")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

/// `?present=1|true|on`: presentation mode from the start.
pub fn present() -> bool {
    matches!(
        url_parameter("present").as_deref(),
        Some("1" | "true" | "on")
    )
}
