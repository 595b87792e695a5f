//! The leaderboard table.

use leptos::prelude::*;

use crate::job_runner::RowView;

/// The table's caption for the model named `name`.
pub fn caption_for(name: &str) -> String {
    match name {
        "Elo" => {
            "Elo ratings as log-odds (ln 10 / 400 per point, mean 0); Elo has no intervals".into()
        }
        "Thurstone" => "Thurstone scores (probit scale, mean 0) with 95% intervals".into(),
        "" => "Bradley–Terry scores (log-strength, mean 0) with 95% intervals".into(),
        name => format!("{name} scores (log-strength, mean 0) with 95% intervals"),
    }
}

/// The row's 95% interval, or "—" when the model gives none (Elo: an
/// interval of zero width would claim a certainty it does not have).
pub fn interval_text(r: &RowView) -> String {
    if r.ci_high > r.ci_low {
        format!("[{:.3}, {:.3}]", r.ci_low, r.ci_high)
    } else {
        "—".into()
    }
}

/// The places the intervals allow ("2–5", or "3" when pinned), or "—"
/// without intervals.
pub fn rank_interval_text(r: &RowView) -> String {
    if interval_text(r) == "—" {
        "—".into()
    } else if r.rank_best == r.rank_worst {
        r.rank_best.to_string()
    } else {
        format!("{}–{}", r.rank_best, r.rank_worst)
    }
}

/// Rank, item, score, 95% interval, rank interval and raw tallies, best
/// first. Each row
/// carries `data-item` and `data-score` (full precision) for scripts.
#[component]
pub fn Leaderboard(
    /// Rows to show, already ranked.
    #[prop(into)]
    rows: Signal<Vec<RowView>>,
    /// How many votes the rows were fitted on (`data-votes` on the table).
    #[prop(into)]
    n_votes: Signal<usize>,
    /// The true score per label (a simulated class, revealed): shown in
    /// an extra column when non-empty.
    #[prop(optional)]
    truth: Option<Signal<std::collections::HashMap<String, f64>>>,
    /// The model that made the rows, in words ("Bradley–Terry, …"; the
    /// caption uses its first part). Default: Bradley–Terry.
    #[prop(optional, into)]
    model: Option<Signal<String>>,
) -> impl IntoView {
    let caption = move || {
        let model = model.map(|m| m.get()).unwrap_or_default();
        caption_for(model.split(',').next().unwrap_or_default())
    };
    let truth = truth.unwrap_or_else(|| Signal::derive(std::collections::HashMap::new));
    let shown = move || truth.with(|t| !t.is_empty());
    view! {
        <table id="leaderboard" class="leaderboard" data-votes=move || n_votes.get().to_string()>
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Rank"</th>
                    <th scope="col">"Item"</th>
                    <th scope="col" class="num">"Score"</th>
                    <th scope="col" class="num">"95% interval"</th>
                    <th scope="col" class="num" title="The places the intervals allow: best–worst">"Rank interval"</th>
                    <th scope="col" class="num tally">"Wins"</th>
                    <th scope="col" class="num tally">"Losses"</th>
                    <th scope="col" class="num tally">"Ties"</th>
                    {move || shown().then(|| view! { <th scope="col" class="num truth">"Truth"</th> })}
                </tr>
            </thead>
            <tbody>
                {move || {
                    rows.get()
                        .into_iter()
                        .map(|r| {
                            let item = r.label.clone();
                            let true_score = truth.with(|t| t.get(&r.label).copied());
                            let (interval, places) = (interval_text(&r), rank_interval_text(&r));
                            view! {
                                <tr data-item=item data-score=r.score.to_string() data-rank-best=r.rank_best.to_string() data-rank-worst=r.rank_worst.to_string()>
                                    <td>{r.rank}</td>
                                    <td>{r.label}</td>
                                    <td class="num">{format!("{:.3}", r.score)}</td>
                                    <td class="num">{interval}</td>
                                    <td class="num">{places}</td>
                                    <td class="num tally">{r.wins}</td>
                                    <td class="num tally">{r.losses}</td>
                                    <td class="num tally">{r.ties}</td>
                                    {true_score.map(|t| view! { <td class="num truth" data-truth=t.to_string()>{format!("{t:.3}")}</td> })}
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caption_names_the_model_and_its_scale() {
        assert!(caption_for("").starts_with("Bradley–Terry scores"));
        assert!(caption_for("Thurstone").contains("probit"));
        assert!(caption_for("Elo").contains("no intervals"));
        assert!(caption_for("Plackett–Luce").starts_with("Plackett–Luce scores"));
    }

    #[test]
    fn a_model_without_intervals_shows_none_rather_than_zero_width_ones() {
        let elo = RowView::example("a", 0.665, 0.0);
        assert_eq!(interval_text(&elo), "—");
        assert_eq!(rank_interval_text(&elo), "—");
        let bt = RowView::example("a", 0.5, 0.25);
        assert_eq!(interval_text(&bt), "[0.250, 0.750]");
        assert_eq!(rank_interval_text(&bt), "1–2");
    }
}
