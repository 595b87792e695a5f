//! The model controls: which model ranks the items (BT, Thurstone,
//! Plackett–Luce, Elo), how ties count, the prior's strength, the order
//! effect and the interval method. A change is saved with the workspace
//! and refits at once (in the fit worker; see `fit_job::fit_votes`).

use crate::app::{AppState, Edit};
use leptos::prelude::*;
use prefplay_core::playground::model_choice::{
    IntervalChoice, ModelChoice, ModelKind, REPLICATES_RANGE, TieChoice,
};

use crate::workspace::Workspace;

const MODELS: [(ModelKind, &str, &str); 4] = [
    (ModelKind::Bt, "bt", "Bradley–Terry"),
    (ModelKind::Thurstone, "thurstone", "Thurstone"),
    (ModelKind::PlackettLuce, "plackett_luce", "Plackett–Luce"),
    (ModelKind::Elo, "elo", "Elo (online)"),
];
const TIES: [(TieChoice, &str, &str); 3] = [
    (TieChoice::Half, "half", "half a win each"),
    (TieChoice::Davidson, "davidson", "Davidson"),
    (TieChoice::RaoKupper, "rao_kupper", "Rao–Kupper"),
];
const INTERVALS: [(IntervalChoice, &str, &str); 3] = [
    (IntervalChoice::Fisher, "fisher", "Fisher"),
    (IntervalChoice::Sandwich, "sandwich", "sandwich"),
    (IntervalChoice::Bootstrap, "bootstrap", "bootstrap"),
];
/// The prior strengths offered (0 is plain maximum likelihood).
pub const PRIORS: [f64; 6] = [0.0, 0.01, 0.1, 1.0, 3.0, 10.0];
/// Elo's K values offered.
pub const ELO_KS: [f64; 5] = [4.0, 8.0, 16.0, 32.0, 64.0];

fn name_of<T: PartialEq + Copy>(table: &[(T, &'static str, &'static str)], v: T) -> &'static str {
    table.iter().find(|(x, _, _)| *x == v).map_or("", |t| t.1)
}

fn from_name<T: Copy>(table: &[(T, &'static str, &'static str)], name: &str) -> Option<T> {
    table.iter().find(|t| t.1 == name).map(|t| t.0)
}

/// Two sentences on what the chosen model assumes.
pub fn explain(choice: &ModelChoice) -> &'static str {
    match choice.model {
        ModelKind::Bt => {
            "Bradley–Terry gives each item a score; the chance that one beats another is the logistic of their score difference. The prior pulls scores towards 0 so that an item that never lost still gets a finite score."
        }
        ModelKind::Thurstone => {
            "Thurstone assumes each vote compares two noisy impressions with normal noise, so the win chance is the normal curve of the score difference. Its scores are about 1.7 times smaller than Bradley–Terry's and nearly always in the same order."
        }
        ModelKind::PlackettLuce => {
            "Plackett–Luce reads a ranking as picking the best of the remaining items, again and again, each pick in proportion to the items' strengths. It uses rankings and best-of-k choices as cast instead of breaking them into pairs; pairwise ties carry no order and are left out."
        }
        ModelKind::Elo => {
            "Elo nudges two ratings after every vote by K times the surprise, as in chess. It is quick and needs no refit, but it has no intervals and its order depends on the order of the votes (see Elo vs Bradley–Terry below)."
        }
    }
}

/// The model pickers. Every change goes through `workspace` (and so is
/// saved, and refits).
#[component]
pub fn ModelControls(
    /// The page's state; the choice is `settings.model`.
    workspace: RwSignal<Workspace>,
) -> impl IntoView {
    let choice = Memo::new(move |_| workspace.with(|w| w.settings.model));
    let state = expect_context::<AppState>();
    // A settings edit is never refused.
    let set_model = move |model: ModelChoice| {
        let mut s = workspace.with_untracked(|w| w.settings);
        s.model = model;
        let _ = state.apply(Edit::Settings(s));
    };
    let set = move |f: &dyn Fn(&mut ModelChoice)| {
        let mut m = choice.get_untracked();
        f(&mut m);
        set_model(m);
    };
    let model = move || choice.get().model;
    let is = move |k: ModelKind| move || model() == k;
    let pairwise = move || matches!(model(), ModelKind::Bt | ModelKind::Thurstone);
    view! {
        <fieldset id="model-controls" class="controls model-controls" aria-label="Model">
            <legend>"Model"</legend>
            <label>"Model "
                <select id="model" aria-label="Model" prop:value=move || name_of(&MODELS, model()) on:change=move |e| {
                    if let Some(m) = from_name(&MODELS, &event_target_value(&e)) {
                        set(&|c| {
                            c.model = m;
                            if m == ModelKind::Thurstone {
                                c.ties = TieChoice::Half;
                            }
                        });
                    }
                }>
                    {MODELS.map(|(_, n, t)| view! { <option value=n>{t}</option> }).collect_view()}
                </select>
            </label>
            <Show when=is(ModelKind::Bt)>
                <label>"Ties "
                    <select id="ties" aria-label="Ties" prop:value=move || name_of(&TIES, choice.get().ties) on:change=move |e| {
                        if let Some(t) = from_name(&TIES, &event_target_value(&e)) {
                            set(&|c| c.ties = t);
                        }
                    }>
                        {TIES.map(|(_, n, t)| view! { <option value=n>{t}</option> }).collect_view()}
                    </select>
                </label>
            </Show>
            <Show when=move || model() != ModelKind::Elo>
                <UncertaintyFields choice set=Callback::new(set_model) />
            </Show>
            <Show when=pairwise>
                <label class="check">
                    <input id="order-effect" type="checkbox" prop:checked=move || choice.get().order_effect
                        on:change=move |e| {
                            let on = event_target_checked(&e);
                            set(&|c| c.order_effect = on);
                        } />
                    " Order effect (left side)"
                </label>
            </Show>
            <Show when=is(ModelKind::Elo)>
                <label>"K "
                    <select id="model-elo-k" aria-label="Elo K" prop:value=move || choice.get().elo_k.to_string() on:change=move |e| {
                        if let Ok(k) = event_target_value(&e).parse::<f64>() {
                            set(&|c| c.elo_k = k);
                        }
                    }>
                        {ELO_KS.map(|k| view! { <option value=k.to_string()>{k.to_string()}</option> }).collect_view()}
                    </select>
                </label>
            </Show>
            <button id="model-reset" class="small" disabled=move || choice.get() == ModelChoice::default()
                on:click=move |_| set(&|c| *c = ModelChoice::default())>"Defaults"</button>
            <p id="model-explain" class="explain">{move || explain(&choice.get())}</p>
        </fieldset>
    }
}

/// The prior's strength and the interval method (with the bootstrap's
/// draws): what every model but Elo takes.
#[component]
fn UncertaintyFields(choice: Memo<ModelChoice>, set: Callback<ModelChoice>) -> impl IntoView {
    let set = move |f: &dyn Fn(&mut ModelChoice)| {
        let mut m = choice.get_untracked();
        f(&mut m);
        set.run(m);
    };
    view! {
        <label>"Prior strength "
            <select id="prior" aria-label="Prior strength" prop:value=move || choice.get().prior.to_string() on:change=move |e| {
                if let Ok(p) = event_target_value(&e).parse::<f64>() {
                    set(&|c| c.prior = p);
                }
            }>
                {PRIORS.map(|p| view! { <option value=p.to_string()>{if p == 0.0 { "0 (none)".to_string() } else { p.to_string() }}</option> }).collect_view()}
            </select>
        </label>
        <label>"Intervals "
            <select id="interval" aria-label="Interval method" prop:value=move || name_of(&INTERVALS, choice.get().interval) on:change=move |e| {
                if let Some(i) = from_name(&INTERVALS, &event_target_value(&e)) {
                    set(&|c| c.interval = i);
                }
            }>
                {INTERVALS.map(|(_, n, t)| view! { <option value=n>{t}</option> }).collect_view()}
            </select>
        </label>
        <Show when=move || choice.get().interval == IntervalChoice::Bootstrap>
            <label>"draws "
                <input id="replicates" type="number" min=*REPLICATES_RANGE.start() max=*REPLICATES_RANGE.end() step="10" aria-label="Bootstrap draws"
                    prop:value=move || choice.get().bootstrap_replicates.to_string()
                    on:change=move |e| {
                        if let Ok(n) = event_target_value(&e).parse::<u32>() {
                            set(&|c| c.bootstrap_replicates = n.clamp(*REPLICATES_RANGE.start(), *REPLICATES_RANGE.end()));
                        }
                    } />
            </label>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_choice_has_a_name_that_reads_back() {
        for (m, n, _) in MODELS {
            assert_eq!(from_name(&MODELS, n), Some(m));
            assert!(
                !explain(&ModelChoice {
                    model: m,
                    ..ModelChoice::default()
                })
                .is_empty()
            );
        }
        for (t, n, _) in TIES {
            assert_eq!(name_of(&TIES, t), n);
        }
        assert_eq!(
            from_name(&INTERVALS, "bootstrap"),
            Some(IntervalChoice::Bootstrap)
        );
        assert_eq!(from_name(&INTERVALS, "nope"), None);
        assert!(PRIORS.contains(&ModelChoice::default().prior));
        assert!(ELO_KS.contains(&ModelChoice::default().elo_k));
    }
}
