//! What is on screen next and why: the task chooser. Pure logic (no DOM),
//! tested natively.
//!
//! Pairs come from `prefplay_core::inference::selection` under the chosen strategy.
//! Best-of-k and ranking show that pair plus the k − 2 items shown least
//! so far on this deck. Thumbs and Likert show the item the active
//! participant has rated least. Without a fit yet, the active strategies
//! fall back to the least-shown pair and say so.

use prefplay_core::data::table::Outcome;
use prefplay_core::inference::selection::{Belief, PairExposures, Strategy, choose_pair};
use prefplay_core::models::pairwise::Link;
use prefplay_core::playground::collect::{Ballot, Observation};
use rand::Rng;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use crate::workspace::{Mode, Settings, StrategyChoice};

/// What a button or key asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A pair outcome: A (left), B (right), tie or both bad.
    Pair(Outcome),
    /// Best of k: the position (0-based) of the chosen item on screen.
    Choose(usize),
    /// Ranking: the items in the order the person put them, best first.
    Rank(Vec<u32>),
    /// Thumb up (`true`) or down.
    Thumb(bool),
    /// Likert score 1 ..= 5.
    Likert(u8),
    /// Show something else; nothing is recorded.
    Skip,
    /// Take back the active participant's last ballot on this deck.
    Undo,
}

/// The items on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
    /// (left, right).
    Pair(u32, u32),
    /// k items in display order (best-of-k and ranking).
    Several(Vec<u32>),
    /// One item (thumbs and Likert).
    One(u32),
}

impl Task {
    /// The items on screen, in display order.
    pub fn items(&self) -> Vec<u32> {
        match self {
            Task::Pair(a, b) => vec![*a, *b],
            Task::Several(items) => items.clone(),
            Task::One(i) => vec![*i],
        }
    }

    /// The observation `action` makes on this task, if it is one for it.
    pub fn observe(&self, action: &Action) -> Option<Observation> {
        match (self, action) {
            (Task::Pair(left, right), Action::Pair(outcome)) => Some(Observation::Pair {
                left: *left,
                right: *right,
                outcome: *outcome,
            }),
            (Task::Several(shown), Action::Choose(k)) => Some(Observation::BestOf {
                shown: shown.clone(),
                chosen: *shown.get(*k)?,
            }),
            (Task::Several(shown), Action::Rank(order)) => {
                let mut a = order.clone();
                let mut b = shown.clone();
                a.sort_unstable();
                b.sort_unstable();
                (a == b).then(|| Observation::Ranking {
                    order: order.clone(),
                })
            }
            (Task::One(item), Action::Thumb(up)) => Some(Observation::Thumb {
                item: *item,
                up: *up,
            }),
            (Task::One(item), Action::Likert(score)) => Some(Observation::Likert {
                item: *item,
                score: *score,
            }),
            _ => None,
        }
    }

    /// The task that shows the items of `observation` again (for undo).
    pub fn of(observation: &Observation) -> Task {
        match observation {
            Observation::Pair { left, right, .. } => Task::Pair(*left, *right),
            Observation::BestOf { shown, .. } => Task::Several(shown.clone()),
            Observation::Ranking { order } => Task::Several(order.clone()),
            Observation::Thumb { item, .. } | Observation::Likert { item, .. } => Task::One(*item),
        }
    }
}

/// Current scores and standard errors per item (from the last fit's
/// typed result, never from the formatted rows).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Estimates {
    /// Score per item, on `link`'s scale.
    pub scores: Vec<f64>,
    /// Standard error per item; `None` where the model has none (Elo).
    pub standard_errors: Option<Vec<f64>>,
    /// The model's win probability: logistic or normal CDF.
    pub link: Link,
    /// The model in words, for the reason line ("Elo, K = 16").
    pub model: String,
}

/// Chooses tasks; remembers skips (they count as shown) for this tab.
#[derive(Debug, Clone)]
pub struct Chooser {
    rng: Pcg64Mcg,
    skipped: Vec<Vec<u32>>,
}

impl Chooser {
    /// A chooser seeded with `seed` (sides, tie-breaks, Thompson draws).
    pub fn new(seed: u64) -> Self {
        Self {
            rng: Pcg64Mcg::seed_from_u64(seed),
            skipped: Vec::new(),
        }
    }

    /// Remembers that `task` was skipped.
    pub fn skip(&mut self, task: &Task) {
        self.skipped.push(task.items());
    }

    /// Forgets the skips (e.g. after a deck change).
    pub fn forget_skips(&mut self) {
        self.skipped.clear();
    }

    /// The next task on a deck of `n_items` given its `ballots`, with a
    /// sentence saying why it was chosen. `None` with fewer than two items
    /// (one for the single-item modes).
    pub fn next(
        &mut self,
        n_items: usize,
        settings: &Settings,
        estimates: Option<&Estimates>,
        ballots: &[Ballot],
        participant: u32,
    ) -> Option<(Task, String)> {
        match settings.mode {
            Mode::Thumb | Mode::Likert => self.next_single(n_items, ballots, participant),
            Mode::Pair | Mode::BestOf | Mode::Ranking => {
                let mut exposures = PairExposures::new(n_items);
                let mut shown = vec![0u32; n_items];
                let skipped = self.skipped.iter().map(Vec::as_slice);
                for items in ballots.iter().map(|b| b.observation.items()) {
                    record(&mut exposures, &mut shown, &items);
                }
                for items in skipped {
                    record(&mut exposures, &mut shown, items);
                }
                // The pairs of the last two ballots and the last skip are
                // not shown again at once (a voter would think the vote
                // was lost), while another pair is left.
                let recent = ballots
                    .iter()
                    .rev()
                    .take(2)
                    .map(|b| b.observation.items())
                    .chain(self.skipped.last().cloned());
                for items in recent {
                    if let [a, b] = items[..] {
                        exposures.avoid(a as usize, b as usize);
                    }
                }
                let (left, right, why) =
                    self.next_pair(n_items, settings, estimates, &exposures)?;
                // The pair is shuffled among the others in best of k and
                // rank modes: "left" would name nothing on screen.
                let why = if settings.mode == Mode::Pair {
                    why
                } else {
                    why.replace("P(left wins)", "P(the first of the two wins)")
                };
                if settings.mode == Mode::Pair {
                    return Some((Task::Pair(left, right), why));
                }
                let k = settings.k.clamp(3, 6).min(n_items);
                let mut items = vec![left, right];
                while items.len() < k {
                    let least = (0..n_items as u32)
                        .filter(|i| !items.contains(i))
                        .map(|i| (shown[i as usize], i))
                        .min_by_key(|&(count, i)| (count, self.tiebreak(i)))?;
                    items.push(least.1);
                }
                // Shuffle so the pair is not always first.
                for i in (1..items.len()).rev() {
                    let j = self.rng.random_range(0..=i);
                    items.swap(i, j);
                }
                let why = format!(
                    "{why} Plus the {}.",
                    crate::words::count(k - 2, "least-shown other item", "least-shown other items")
                );
                Some((Task::Several(items), why))
            }
        }
    }

    /// A random key for breaking ties among equal counts.
    fn tiebreak(&mut self, _item: u32) -> u32 {
        self.rng.random()
    }

    fn next_single(
        &mut self,
        n_items: usize,
        ballots: &[Ballot],
        participant: u32,
    ) -> Option<(Task, String)> {
        if n_items == 0 {
            return None;
        }
        let mut rated = vec![0u32; n_items];
        for b in ballots.iter().filter(|b| b.participant == participant) {
            if let Observation::Thumb { item, .. } | Observation::Likert { item, .. } =
                b.observation
                && let Some(c) = rated.get_mut(item as usize)
            {
                *c += 1;
            }
        }
        for items in &self.skipped {
            if let [item] = items.as_slice()
                && let Some(c) = rated.get_mut(*item as usize)
            {
                *c += 1;
            }
        }
        let (count, item) = (0..n_items as u32)
            .map(|i| (rated[i as usize], i))
            .min_by_key(|&(count, i)| (count, self.tiebreak(i)))?;
        let why = match count {
            0 => "An item you have not rated yet.".to_string(),
            1 => "The item you have rated least (once).".to_string(),
            n => format!("The item you have rated least ({n} times)."),
        };
        Some((Task::One(item), why))
    }

    fn next_pair(
        &mut self,
        n_items: usize,
        settings: &Settings,
        estimates: Option<&Estimates>,
        exposures: &PairExposures,
    ) -> Option<(u32, u32, String)> {
        let active = !matches!(
            settings.strategy,
            StrategyChoice::Random | StrategyChoice::Balanced
        );
        let needs_errors = matches!(
            settings.strategy,
            StrategyChoice::InformationGain | StrategyChoice::Thompson | StrategyChoice::Ucb
        );
        let fitted = estimates.filter(|e| e.scores.len() == n_items);
        let errors = fitted.and_then(|e| {
            e.standard_errors
                .as_ref()
                .filter(|se| se.len() == n_items && se.iter().all(|s| s.is_finite()))
        });
        let flat = vec![0.0; n_items];
        let fallback = match (fitted, errors) {
            (None, _) => active.then(|| "No fit yet, so the least-shown pair.".to_string()),
            (Some(e), None) if needs_errors => Some(format!(
                "{} gives no standard errors, which this strategy needs, so the least-shown pair.",
                e.model.split(',').next().unwrap_or("The model")
            )),
            _ => None,
        };
        let belief = Belief {
            scores: fitted.map_or(&flat[..], |e| &e.scores[..]),
            standard_errors: errors.map_or(&flat[..], |se| &se[..]),
            link: fitted.map_or(Link::Logit, |e| e.link),
        };
        let note = fallback.as_deref();
        let k = settings.top_k.max(1);
        let strategy = match (settings.strategy, note.is_some()) {
            (_, true) | (StrategyChoice::Balanced, _) => Strategy::Balanced,
            (StrategyChoice::Random, _) => Strategy::Random,
            (StrategyChoice::MostUncertain, _) => Strategy::MostUncertain,
            (StrategyChoice::InformationGain, _) => Strategy::InformationGain,
            (StrategyChoice::Thompson, _) => Strategy::Thompson { k },
            (StrategyChoice::Ucb, _) => Strategy::Ucb { k, width: 1.96 },
        };
        let (a, b) = choose_pair(strategy, belief, exposures, &mut self.rng)?;
        let why = match note {
            Some(note) => note.to_string(),
            None => explain(strategy, belief, exposures, a, b),
        };
        Some((a as u32, b as u32, why))
    }
}

fn record(exposures: &mut PairExposures, shown: &mut [u32], items: &[u32]) {
    for (k, &a) in items.iter().enumerate() {
        if let Some(c) = shown.get_mut(a as usize) {
            *c += 1;
        }
        for &b in &items[k + 1..] {
            exposures.record(a as usize, b as usize);
        }
    }
}

/// One sentence on why `strategy` picked (a, b).
fn explain(
    strategy: Strategy,
    belief: Belief<'_>,
    exposures: &PairExposures,
    a: usize,
    b: usize,
) -> String {
    let p = belief.win_probability(a, b);
    match strategy {
        Strategy::Random => "A random pair.".to_string(),
        Strategy::Balanced => match exposures.count(a, b) {
            0 => "The least-shown pair: never shown together yet.".to_string(),
            1 => "The least-shown pair: shown together once before.".to_string(),
            n => format!("The least-shown pair: shown together {n} times before."),
        },
        Strategy::MostUncertain => {
            format!("The closest predicted match: P(left wins) = {p:.2}.")
        }
        Strategy::InformationGain => {
            let gain = belief.information_gain(a, b, exposures.count(a, b));
            format!(
                "The most informative pair: expected information gain {gain:.3} nats; P(left wins) = {p:.2}."
            )
        }
        Strategy::Thompson { k } => format!(
            "A draw from the posterior put these two at places {k} and {} — the top-{k} boundary.",
            k + 1
        ),
        Strategy::Ucb { k, .. } => format!(
            "The top-{k} boundary: the weakest lower bound inside against the strongest upper bound outside; P(left wins) = {p:.2}."
        ),
    }
}

#[cfg(test)]
mod tests;
