//! Small helpers on the browser window shared by the pages.

/// The address's query parameter `name`, if present.
pub fn url_parameter(name: &str) -> Option<String> {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .and_then(|p| p.get(name))
}

/// Resolves after a zero-delay timeout, so the browser can draw between
/// chunks of work on the page's thread (and a worker can read its
/// messages between chunks of a job).
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&resolve);
        } else if let Ok(scope) =
            wasm_bindgen::JsCast::dyn_into::<web_sys::WorkerGlobalScope>(js_sys::global())
        {
            let _ = scope.set_timeout_with_callback(&resolve);
        } else {
            // Nowhere to wait: go on at once rather than never.
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The page's one clock, in milliseconds: `performance.now()` on the
/// current global (window or worker), for durations and spans; falls back
/// to `Date.now()` where there is no `performance`.
pub fn now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| wasm_bindgen::JsCast::dyn_into::<web_sys::Performance>(p).ok())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// The wall clock in milliseconds since 1970 (`Date.now()`), for the time
/// stamps stored with ballots; spans use [`now_ms`].
pub fn epoch_ms() -> f64 {
    js_sys::Date::now()
}

/// This tab's id, drawn once: it names the tab's ballots and the storage
/// records it writes, so two tabs never write the same key.
pub fn tab_id() -> u32 {
    thread_local! {
        static TAB: u32 = (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    }
    TAB.with(|t| *t)
}
