//! What the personalized page computes: every model scored on held-out
//! votes, the best personalized model's per-rater scores, groups, the
//! rater map, the agreement matrix, and the scenarios' data.

use prefplay_core::data::table::Outcome;
use prefplay_core::models::personal::{
    self, Fitted, PairChoice, PersonalKind, PersonalSettings, PersonalVote, RaterVotes, Trainer,
    accuracy_by_answers, adjusted_rand_index, group_utilities, simulate_cycle, simulate_groups,
    split_within_raters,
};
use prefplay_core::playground::collect::{Ballot, Deck};

/// Share of each rater's votes held out to score the models.
pub const HOLDOUT: f64 = 0.2;

/// One model's held-out scores.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelRow {
    /// The model.
    pub kind: PersonalKind,
    /// Mean cross-entropy on the held-out votes.
    pub log_loss: f64,
    /// Share of decided held-out votes predicted right.
    pub accuracy: f64,
    /// What it chose inside the training votes (λ, K).
    pub chosen: Option<String>,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Analysis {
    /// Item labels.
    pub items: Vec<String>,
    /// Rater names.
    pub raters: Vec<String>,
    /// Votes fitted.
    pub n_votes: usize,
    /// Every model, scored on the same held-out votes.
    pub models: Vec<ModelRow>,
    /// Pooled Bradley–Terry scores on all votes.
    pub pooled: Vec<f64>,
    /// The model with the lowest held-out log-loss, of all of them (pooled
    /// BT and GPM included): the one the table marks.
    pub best_overall: PersonalKind,
    /// The model with per-voter scores (neither pooled BT nor GPM) with
    /// the lowest held-out log-loss: the one the per-voter lists use.
    pub best: PersonalKind,
    /// Its scores per rater (fitted on all votes).
    pub personal: Vec<Vec<f64>>,
    /// Each rater's group (the mixture fitted on all votes).
    pub groups: Vec<usize>,
    /// Each rater's point on the map.
    pub map: Vec<(f64, f64)>,
    /// Kendall τ between raters' personal scores.
    pub agreement: Vec<Vec<f64>>,
    /// GPM's P(row beats column), fitted on all votes.
    pub gpm: Vec<Vec<f64>>,
    /// The low-rank model on all votes: the population a new voter's
    /// few-shot model starts from.
    pub population: Fitted,
}

/// A deck's votes for the personalized models, and what they came from.
#[derive(Debug, Clone)]
pub struct DeckVotes {
    /// The votes, by the voters who cast a ballot on this deck only.
    pub data: RaterVotes,
    /// The ballots they came from (a best-of-k or ranking ballot gives one
    /// vote per pair it implies, so there are more votes than ballots).
    pub ballots: usize,
    /// Which of `data.raters` is the workspace's active voter, if they
    /// voted here.
    pub you: Option<usize>,
}

/// The deck's ballots as votes by participant (ties and "both bad" as
/// y = ½), with the deck's item features ([`personal::deck_features`]).
/// Voters who cast nothing on this deck (another deck's, an imported
/// file's) are left out; `active` is the workspace's active voter.
pub fn votes_of_ballots(
    deck: &Deck,
    participants: &[String],
    ballots: &[Ballot],
    active: u32,
) -> DeckVotes {
    let items = deck.labels();
    let usable: Vec<&Ballot> = ballots
        .iter()
        .filter(|b| b.observation.check(items.len()).is_ok())
        .collect();
    let voters: std::collections::BTreeSet<u32> = usable.iter().map(|b| b.participant).collect();
    let index = |p: u32| voters.iter().position(|&v| v == p).unwrap_or(0) as u32;
    let mut votes = Vec::new();
    for b in &usable {
        for (a, c, outcome) in b.implied_pairs() {
            let y = match outcome {
                Outcome::A => 1.0,
                Outcome::B => 0.0,
                _ => 0.5,
            };
            votes.push(PersonalVote {
                rater: index(b.participant),
                a,
                b: c,
                y,
            });
        }
    }
    let (feature_names, features) = personal::deck_features(deck);
    DeckVotes {
        data: RaterVotes {
            items,
            features,
            feature_names,
            raters: voters
                .iter()
                .map(|&i| {
                    participants
                        .get(i as usize)
                        .cloned()
                        .unwrap_or_else(|| format!("Voter {}", i + 1))
                })
                .collect(),
            votes,
        },
        ballots: usable.len(),
        you: voters.iter().position(|&v| v == active),
    }
}

/// Fits and scores every model on `data` (seeded), the training loops run
/// by `trainer` (the engine's GPU kernels, or the CPU twins).
pub async fn analyse(
    data: &RaterVotes,
    seed: u64,
    trainer: &impl Trainer,
) -> prefplay_core::Result<Analysis> {
    let fit = async |kind, data: &RaterVotes, settings: &PersonalSettings| {
        personal::fit_with(kind, data, settings, trainer).await
    };
    let settings = PersonalSettings {
        seed,
        ..PersonalSettings::default()
    };
    let (train, test) = split_within_raters(data, HOLDOUT, seed)?;
    let mut models = Vec::new();
    for kind in PersonalKind::ALL {
        if kind.needs_features() && data.feature_names.is_empty() {
            continue;
        }
        let fitted = fit(kind, &train, &settings).await?;
        let m = personal::metrics(&fitted, &test);
        models.push(ModelRow {
            kind,
            log_loss: m.log_loss,
            accuracy: m.accuracy,
            chosen: fitted.chosen(),
        });
    }
    let best_overall = models
        .iter()
        .min_by(|a, b| a.log_loss.total_cmp(&b.log_loss))
        .map_or(PersonalKind::Bt, |m| m.kind);
    let best = models
        .iter()
        .filter(|m| !matches!(m.kind, PersonalKind::Bt | PersonalKind::Gpm))
        .min_by(|a, b| a.log_loss.total_cmp(&b.log_loss))
        .map_or(PersonalKind::Shrinkage, |m| m.kind);
    let n = data.items.len();
    let pooled = fit(PersonalKind::Bt, data, &settings)
        .await?
        .rater_scores(0, n);
    let best_fit = fit(best, data, &settings).await?;
    let personal: Vec<Vec<f64>> = (0..data.raters.len() as u32)
        .map(|u| best_fit.rater_scores(u, n))
        .collect();
    let mixture = if best == PersonalKind::Mixture {
        best_fit.clone()
    } else {
        fit(PersonalKind::Mixture, data, &settings).await?
    };
    let groups = mixture.groups_of_raters().unwrap_or_default();
    let population = if best == PersonalKind::LowRank {
        best_fit.clone()
    } else {
        fit(PersonalKind::LowRank, data, &settings).await?
    };
    let gpm_fit = fit(PersonalKind::Gpm, data, &settings).await?;
    let gpm = (0..n as u32)
        .map(|a| {
            (0..n as u32)
                .map(|b| if a == b { 0.5 } else { gpm_fit.prob(0, a, b) })
                .collect()
        })
        .collect();
    Ok(Analysis {
        items: data.items.clone(),
        raters: data.raters.clone(),
        n_votes: data.votes.len(),
        models,
        pooled,
        best_overall,
        best,
        map: personal::rater_map(&personal),
        agreement: personal::agreement(&personal),
        personal,
        groups,
        gpm,
        population,
    })
}

/// The personalized page's job, run where jobs run (the worker): every
/// model's training on the engine's trainer, then what the scenario adds.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PersonalResult {
    /// Everything the page shows.
    pub analysis: Analysis,
    /// Which engines ran the training loops.
    pub engines: Vec<String>,
    /// Scenario (8): how well the mixture found the two groups (ARI).
    pub ari: Option<f64>,
    /// Scenario (8): a new voter's accuracy after k answers, pairs by
    /// information and at random.
    pub curves: Option<(Vec<f64>, Vec<f64>)>,
    /// Time to fit every model, milliseconds.
    pub fit_ms: f64,
}

/// Runs [`analyse`] on `engine`'s trainer (GPU kernels or the CPU twins),
/// with the scenario's extras.
pub async fn run(
    engine: &prefplay_gpu::Engine,
    data: &RaterVotes,
    seed: u64,
    scenario: Option<Scenario>,
) -> Result<PersonalResult, String> {
    let trainer = prefplay_gpu::EngineTrainer::new(engine);
    let started = crate::browser::now_ms();
    let analysis = analyse(data, seed, &trainer)
        .await
        .map_err(|e| e.to_string())?;
    let fit_ms = crate::browser::now_ms() - started;
    let two_groups = scenario == Some(Scenario::TwoGroups);
    Ok(PersonalResult {
        ari: two_groups.then(|| two_groups_recovery(&analysis, seed)),
        curves: if two_groups {
            few_shot_curves(data, seed).ok()
        } else {
            None
        },
        engines: trainer.engines_used(),
        analysis,
        fit_ms,
    })
}

/// A scenario of the personalized page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Scenario {
    /// (7) Rock, paper, scissors: a cycle no score can hold.
    Cycle,
    /// (8) Two groups who disagree.
    TwoGroups,
}

/// Scenario (8)'s size: raters, items, votes per rater.
pub const TWO_GROUPS: (usize, usize, usize) = (24, 10, 20);

/// The scenario's votes (seeded).
pub fn scenario_data(scenario: Scenario, seed: u64) -> RaterVotes {
    match scenario {
        Scenario::Cycle => simulate_cycle(6, 300, 0.9, seed),
        Scenario::TwoGroups => {
            let (raters, items, per_rater) = TWO_GROUPS;
            simulate_groups(raters, items, per_rater, 2, 2.0, seed).0
        }
    }
}

/// Scenario (8): the true groups, and how well the mixture found them.
pub fn two_groups_recovery(analysis: &Analysis, seed: u64) -> f64 {
    let (raters, items, per_rater) = TWO_GROUPS;
    let (_, truth) = simulate_groups(raters, items, per_rater, 2, 2.0, seed);
    adjusted_rand_index(&analysis.groups, &truth)
}

/// Scenario (8): a new rater's accuracy after k answers (k = 0 … 10),
/// pairs picked by information and at random, on the low-rank model of
/// the scenario's votes.
pub fn few_shot_curves(
    data: &RaterVotes,
    seed: u64,
) -> prefplay_core::Result<(Vec<f64>, Vec<f64>)> {
    let (_, items, _) = TWO_GROUPS;
    let settings = PersonalSettings {
        seed,
        ..PersonalSettings::default()
    };
    let fitted: Fitted = personal::fit(PersonalKind::LowRank, data, &settings)?;
    let utilities = group_utilities(items, 2, 2.0, seed);
    let curve = |choice| {
        accuracy_by_answers(&fitted, 20, 10, choice, seed ^ 7, |r| {
            utilities[r % 2].clone()
        })
        .unwrap_or_default()
    };
    Ok((curve(PairChoice::Information), curve(PairChoice::Random)))
}

// Native: the page's async analysis driven by pollster on the CPU trainer.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use prefplay_core::models::personal::CpuTrainer;

    #[test]
    fn scenario_eight_recovers_both_groups_and_beats_pooled_bt() {
        let data = scenario_data(Scenario::TwoGroups, 8);
        let a = pollster::block_on(analyse(&data, 8, &CpuTrainer)).unwrap();
        let loss = |k| a.models.iter().find(|m| m.kind == k).unwrap().log_loss;
        assert!(
            loss(a.best) < loss(PersonalKind::Bt) - 0.05,
            "{:?}",
            a.models
        );
        assert!(two_groups_recovery(&a, 8) >= 0.9, "{:?}", a.groups);
        assert_eq!(a.map.len(), TWO_GROUPS.0);
    }

    /// The walk-through's small deck: one shared taste and item features
    /// that say nothing about it. The reward head (features) predicts
    /// worse than pooled BT there, and the table must not name it best.
    #[test]
    fn a_reward_head_that_predicts_worse_is_not_named_best() {
        let (mut data, _) = prefplay_core::models::personal::simulate_groups(4, 8, 20, 1, 2.0, 3);
        data.feature_names = vec!["f1".into(), "f2".into()];
        data.features = (0..8)
            .flat_map(|i| [(1.7 * i as f64).sin(), (2.3 * i as f64).cos()])
            .collect();
        let a = pollster::block_on(analyse(&data, 3, &CpuTrainer)).unwrap();
        let loss = |k| a.models.iter().find(|m| m.kind == k).unwrap().log_loss;
        assert!(
            loss(PersonalKind::Features) > loss(PersonalKind::Bt),
            "the case: the reward head worse than pooled BT: {:?}",
            a.models
        );
        let lowest = a
            .models
            .iter()
            .min_by(|x, y| x.log_loss.total_cmp(&y.log_loss))
            .unwrap();
        assert_eq!(a.best_overall, lowest.kind, "{:?}", a.models);
        assert_ne!(a.best_overall, PersonalKind::Features);
    }

    #[test]
    fn scenario_seven_is_a_cycle_that_gpm_fits() {
        let data = scenario_data(Scenario::Cycle, 7);
        let a = pollster::block_on(analyse(&data, 7, &CpuTrainer)).unwrap();
        let acc = |k| a.models.iter().find(|m| m.kind == k).unwrap().accuracy;
        assert!(
            acc(PersonalKind::Gpm) > 0.8 && acc(PersonalKind::Bt) < 0.75,
            "{:?}",
            a.models
        );
        assert_eq!(
            a.best_overall,
            PersonalKind::Gpm,
            "the table marks the model that predicts the cycle: {:?}",
            a.models
        );
        // rock ≻ scissors ≻ paper ≻ rock.
        assert!(
            a.gpm[0][1] > 0.7 && a.gpm[1][2] > 0.7 && a.gpm[2][0] > 0.7,
            "{:?}",
            a.gpm
        );
    }

    #[test]
    fn ballots_become_votes_by_participant() {
        use prefplay_core::playground::collect::Observation;
        let ballot = |participant, left, right, outcome| Ballot {
            id: String::new(),
            participant,
            prompt: None,
            time_ms: 0.0,
            observation: Observation::Pair {
                left,
                right,
                outcome,
            },
        };
        let deck = crate::decks::deck_from_text("t".into(), "t", "", "a\nb\nc").unwrap();
        let best_of = Ballot {
            observation: Observation::BestOf {
                shown: vec![0, 1, 2],
                chosen: 2,
            },
            ..ballot(3, 0, 0, Outcome::A)
        };
        let here = votes_of_ballots(
            &deck,
            &["Ann".into(), "Imported".into(), "Bob".into()],
            &[
                ballot(0, 0, 1, Outcome::A),
                ballot(3, 2, 1, Outcome::Tie),
                ballot(0, 0, 9, Outcome::A),
                best_of,
            ],
            3,
        );
        // "Imported" (voter 1) cast nothing here and is left out; voter 3
        // has no name; the bad ballot (item 9) counts nowhere.
        let data = &here.data;
        assert_eq!(data.raters, vec!["Ann".to_string(), "Voter 4".to_string()]);
        assert_eq!(here.ballots, 3);
        assert_eq!(here.you, Some(1));
        // The best of three implies two pairs: 4 votes from 3 ballots.
        assert_eq!(data.votes.len(), 4);
        assert_eq!(data.votes[1].y, 0.5);
        assert!(data.votes[1..].iter().all(|v| v.rater == 1));
    }
}
