//! The loss lab's number inputs.

use leptos::prelude::*;

/// A numeric input bound to a signal (ignores what does not parse; clamps
/// to `min..=max`).
#[component]
pub fn NumberField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<f64>,
    min: f64,
    max: f64,
    step: f64,
    #[prop(optional)] range: bool,
) -> impl IntoView {
    let kind = if range { "range" } else { "number" };
    view! {
        <label class="field">{label} " "
            <input id=id type=kind min=min max=max step=step
                prop:value=move || value.get().to_string()
                on:input=move |e| {
                    if let Ok(v) = event_target_value(&e).parse::<f64>()
                        && v.is_finite()
                    {
                        value.set(v.clamp(min, max));
                    }
                } />
            {range.then(|| view! { <output>{move || format!("{:.2}", value.get())}</output> })}
        </label>
    }
}
