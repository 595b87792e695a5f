//! A new voter's quick personal model: pairs chosen by expected
//! information gain under the voters so far, answered by buttons or ← →,
//! and a personal top 10 after every answer. Answers stay on the page.

use leptos::prelude::*;
use prefplay_core::models::personal::{FewShot, Fitted, PairChoice};

use super::views::top;

/// The quiz's state; `Copy` into closures.
#[derive(Clone, Copy)]
pub struct Quiz {
    model: StoredValue<Option<FewShot>, LocalStorage>,
    items: StoredValue<Vec<String>>,
    rng: StoredValue<rand_pcg::Pcg64Mcg, LocalStorage>,
    /// The pair asked now.
    pub pair: RwSignal<Option<(u32, u32)>>,
    /// Answers given.
    pub answers: RwSignal<usize>,
    /// The personal top 10 so far.
    pub top: RwSignal<Vec<String>>,
}

impl Quiz {
    /// No quiz until [`Self::start`]; listens for ← → while a pair is shown.
    pub fn new() -> Self {
        let quiz = Self {
            model: StoredValue::new_local(None),
            items: StoredValue::new(Vec::new()),
            rng: StoredValue::new_local(rand_pcg::Pcg64Mcg::new(0x9e37_79b9_7f4a_7c15)),
            pair: RwSignal::new(None),
            answers: RwSignal::new(0),
            top: RwSignal::new(Vec::new()),
        };
        let _ = window_event_listener(leptos::ev::keydown, move |e| {
            if quiz.pair.get_untracked().is_none() {
                return;
            }
            match e.key().as_str() {
                "ArrowLeft" => quiz.answer(true),
                "ArrowRight" => quiz.answer(false),
                _ => {}
            }
        });
        quiz
    }

    /// Starts from the population's low-rank model of `items`.
    pub fn start(self, population: &Fitted, items: Vec<String>) {
        self.items.set_value(items);
        self.model.set_value(FewShot::new(population));
        self.refresh();
    }

    /// The next pair and the top 10 after the answers so far.
    fn refresh(self) {
        let items = self.items.get_value();
        self.model.with_value(|q| {
            if let Some(q) = q {
                let pair = self
                    .rng
                    .try_update_value(|rng| q.next_pair(PairChoice::Information, rng));
                self.pair.set(pair);
                self.top.set(
                    top(&items, &q.scores(), 10)
                        .into_iter()
                        .map(|(l, _)| l)
                        .collect(),
                );
            }
        });
    }

    /// The answer to the pair shown: the left item (`a_wins`) or the right.
    pub fn answer(self, a_wins: bool) {
        let Some((a, b)) = self.pair.get_untracked() else {
            return;
        };
        self.model.update_value(|q| {
            if let Some(q) = q {
                q.answer(a, b, if a_wins { 1.0 } else { 0.0 });
            }
        });
        self.answers.update(|n| *n += 1);
        self.refresh();
    }
}

/// `#quiz`: the pair, the answer count and the personal top 10.
#[component]
pub fn QuizSection(
    /// The quiz.
    quiz: Quiz,
    /// Item labels.
    #[prop(into)]
    labels: Signal<Vec<String>>,
) -> impl IntoView {
    move || {
        quiz.pair.get().map(|(a, b)| {
            let label = |i: u32| labels.with(|l| l.get(i as usize).cloned()).unwrap_or_default();
            view! {
                <section id="quiz" class="lab-section" aria-label="A personal model from a few answers">
                    <h2>"New here? A personal leaderboard from a few answers"</h2>
                    <p class="explain-text">"Each pair is the one whose answer tells the model most about you (expected information gain under the voters so far). Your answers stay on this page and are not saved as votes."</p>
                    <div class="pair">
                        <button id="quiz-left" class="choice" aria-keyshortcuts="ArrowLeft" on:click=move |_| quiz.answer(true)>{label(a)} " " <kbd>"←"</kbd></button>
                        <button id="quiz-right" class="choice" aria-keyshortcuts="ArrowRight" on:click=move |_| quiz.answer(false)>{label(b)} " " <kbd>"→"</kbd></button>
                    </div>
                    <p id="quiz-count" data-answers=move || quiz.answers.get().to_string()>{move || crate::words::count(quiz.answers.get(), "answer", "answers")}</p>
                    <ol id="quiz-top">{move || quiz.top.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ol>
                </section>
            }
        })
    }
}
