//! Fitting under a [`ModelChoice`]: one call for the page's votes and
//! rankings, and the pieces the GPU engine drives itself.

use crate::data::rankings::{Ranking, RankingTable};
use crate::data::table::PairTable;
use crate::inference::evaluation::{HeldOut, SplitBy, evaluate, split_holdout};
use crate::models::elo::{EloSettings, elo_ratings};
use crate::models::pairwise::uncertainty::Uncertainty;
use crate::models::pairwise::{Link, PairwiseFit, PairwiseModel, PairwiseSettings, TieModel};
use crate::models::plackett_luce::{PlSettings, PlackettLuce};
use crate::{Dataset, Result, Vote};

use super::{IntervalChoice, ModelChoice, ModelKind, TieChoice};

/// The seed of the page's bootstrap, so that a refit of the same votes
/// gives the same intervals.
pub const BOOTSTRAP_SEED: u64 = 2024;

/// A fit under a [`ModelChoice`], typed: what the page shows and what
/// the pair chooser needs (the model's own win probability and the
/// scores' uncertainty), computed here rather than read back from text.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceFit {
    /// One score per item, centred, on [`Self::link`]'s scale.
    pub scores: Vec<f64>,
    /// Standard error per score: Fisher, sandwich or the bootstrap's
    /// standard deviation, as chosen; `None` for Elo, which has none, or
    /// when the intervals could not be computed.
    pub standard_errors: Option<Vec<f64>>,
    /// 95% interval per item (percentile intervals for the bootstrap);
    /// `None` for Elo.
    pub intervals: Option<Vec<(f64, f64)>>,
    /// The model's win probability: P(i beats j) = F(sᵢ − sⱼ) with F the
    /// logistic (BT, Plackett–Luce's pairwise marginals, Elo's expected
    /// score on the logit scale) or the normal CDF (Thurstone).
    pub link: Link,
    /// Newton steps (0 for Elo).
    pub iterations: u32,
    /// The order effect (log-odds for the left item) and its standard
    /// error, when estimated.
    pub order_effect: Option<(f64, f64)>,
    /// The tie parameter's name ("nu" or "theta"), estimate and standard
    /// error, when estimated.
    pub tie_parameter: Option<(&'static str, f64, f64)>,
    /// What was dropped or changed, in words.
    pub warnings: Vec<String>,
}

/// The level of the page's intervals.
pub const LEVEL: f64 = 0.95;

/// Fits `votes` (pairwise, `item_a` on the left) or, for Plackett–Luce,
/// `rankings`, on `items` under `choice` (checked here), on the CPU.
/// Pairwise models go through [`pairwise_model`], [`PairwiseModel::fit`]
/// and [`finish_pairwise`]; a caller with another evaluator (the GPU
/// engine) replaces the middle step.
pub fn fit_choice(
    items: &[String],
    votes: &[Vote],
    rankings: &[Ranking],
    choice: &ModelChoice,
) -> Result<ChoiceFit> {
    if let Some(mut model) = pairwise_model(items, votes, choice)? {
        let fit = model.fit(None);
        return Ok(finish_pairwise(&model, &fit, choice));
    }
    let data = Dataset::new(items.to_vec(), votes.to_vec())?;
    match choice.model {
        ModelKind::Elo => {
            let settings = EloSettings {
                k: choice.elo_k,
                ..EloSettings::default()
            };
            let ratings = elo_ratings(items.len(), data.votes(), settings)?;
            let per_point = settings.base.ln() / settings.scale;
            let mean = ratings.iter().sum::<f64>() / ratings.len().max(1) as f64;
            Ok(ChoiceFit {
                scores: ratings.iter().map(|r| (r - mean) * per_point).collect(),
                standard_errors: None,
                intervals: None,
                link: Link::Logit,
                iterations: 0,
                order_effect: None,
                tie_parameter: None,
                warnings: vec![
                    "Elo gives no intervals, and its order depends on the order of the votes"
                        .into(),
                ],
            })
        }
        _ => fit_plackett_luce(items, rankings, choice),
    }
}

/// The pairwise model `choice` asks for (BT or Thurstone), built from the
/// votes (checked against `items`) and ready to fit; `None` for
/// Plackett–Luce and Elo.
pub fn pairwise_model(
    items: &[String],
    votes: &[Vote],
    choice: &ModelChoice,
) -> Result<Option<PairwiseModel>> {
    choice.check()?;
    if !matches!(choice.model, ModelKind::Bt | ModelKind::Thurstone) {
        return Ok(None);
    }
    let data = Dataset::new(items.to_vec(), votes.to_vec())?;
    let table = PairTable::from_dataset(&data);
    Ok(Some(PairwiseModel::new(&table, pairwise_settings(choice))?))
}

/// A pairwise fit's uncertainty under `choice`'s interval method, and the
/// typed result.
pub fn finish_pairwise(
    model: &PairwiseModel,
    fit: &PairwiseFit,
    choice: &ModelChoice,
) -> ChoiceFit {
    let uncertainty = model.uncertainty(fit, choice.method(BOOTSTRAP_SEED), LEVEL);
    finish_pairwise_with(model, fit, uncertainty)
}

/// The typed result of a pairwise fit and its uncertainty, computed
/// elsewhere (e.g. a bootstrap on the GPU engine); an error becomes a
/// warning and no intervals.
pub fn finish_pairwise_with(
    model: &PairwiseModel,
    fit: &PairwiseFit,
    uncertainty: Result<Uncertainty>,
) -> ChoiceFit {
    let mut warnings = model.warnings().to_vec();
    if !fit.converged() {
        warnings.push(format!("the solver stopped: {:?}", fit.status));
    }
    let u = match uncertainty {
        Ok(u) => Some(u),
        Err(e) => {
            warnings.push(format!("no intervals: {e}"));
            None
        }
    };
    ChoiceFit {
        scores: fit.scores.clone(),
        standard_errors: u.as_ref().map(|u| u.score_se.clone()),
        intervals: u.as_ref().map(|u| u.score_interval.clone()),
        link: model.settings().link,
        iterations: fit.iterations,
        order_effect: fit.order_effect.map(|o| {
            (
                o,
                u.as_ref()
                    .and_then(|u| u.order_effect_se)
                    .unwrap_or(f64::NAN),
            )
        }),
        tie_parameter: fit.tie_parameter.map(|t| {
            (
                t.name,
                t.estimate,
                u.as_ref().and_then(|u| u.tie_se).unwrap_or(f64::NAN),
            )
        }),
        warnings,
    }
}

/// The convergence animation's frames: the scores before the first
/// Newton step and after each one ([`PairwiseModel::newton_path`], at
/// most `max_steps`), under `choice`'s pairwise settings (Plackett–Luce
/// and Elo have no such path here; their frames are BT's).
pub fn newton_frames(
    items: &[String],
    votes: &[Vote],
    choice: &ModelChoice,
    max_steps: u32,
) -> Result<Vec<Vec<f64>>> {
    let (table, settings) = pairwise_input(items, votes, choice)?;
    Ok(PairwiseModel::new(&table, settings)?.newton_path(max_steps))
}

/// Held-out check of `choice`'s pairwise model: a seeded `fraction` of
/// the votes is set aside, the model fitted to the rest and scored on
/// them ([`crate::inference::evaluation::evaluate`]: log-loss, accuracy, calibration
/// bins). Plackett–Luce and Elo are checked as BT.
pub fn held_out(
    items: &[String],
    votes: &[Vote],
    choice: &ModelChoice,
    fraction: f64,
    seed: u64,
) -> Result<HeldOut> {
    let (table, settings) = pairwise_input(items, votes, choice)?;
    let (train, test) = split_holdout(&table, fraction, seed, SplitBy::Vote)?;
    let mut model = PairwiseModel::new(&train, settings)?;
    let fit = model.fit(None);
    Ok(evaluate(&model, &fit, &test))
}

/// The votes (checked against `items`) as a pair table, and `choice`'s
/// pairwise settings (checked); Plackett–Luce and Elo fall back to plain
/// BT, whose path and held-out check stand in for theirs.
fn pairwise_input(
    items: &[String],
    votes: &[Vote],
    choice: &ModelChoice,
) -> Result<(PairTable, PairwiseSettings)> {
    let data = Dataset::new(items.to_vec(), votes.to_vec())?;
    let pairwise = match choice.model {
        ModelKind::Bt | ModelKind::Thurstone => *choice,
        ModelKind::PlackettLuce | ModelKind::Elo => ModelChoice::default(),
    };
    pairwise.check()?;
    Ok((PairTable::from_dataset(&data), pairwise_settings(&pairwise)))
}

fn pairwise_settings(choice: &ModelChoice) -> PairwiseSettings {
    PairwiseSettings {
        link: if choice.model == ModelKind::Thurstone {
            Link::Probit
        } else {
            Link::Logit
        },
        ties: match choice.ties {
            TieChoice::Half => TieModel::Half,
            TieChoice::Davidson => TieModel::Davidson,
            TieChoice::RaoKupper => TieModel::RaoKupper,
        },
        order_effect: choice.order_effect,
        l2: choice.prior,
        ..PairwiseSettings::default()
    }
}

fn fit_plackett_luce(
    items: &[String],
    rankings: &[Ranking],
    choice: &ModelChoice,
) -> Result<ChoiceFit> {
    let mut table = RankingTable::with_items(items);
    for r in rankings {
        table.push(r.clone())?;
    }
    let mut model = PlackettLuce::new(
        &table,
        PlSettings {
            l2: choice.prior,
            ..PlSettings::default()
        },
    )?;
    let fit = model.fit();
    let mut warnings = model.warnings().to_vec();
    if choice.order_effect {
        warnings.push("Plackett–Luce has no order effect; it was not estimated".into());
    }
    let u = match choice.interval {
        IntervalChoice::Fisher => model.fisher(&fit, LEVEL),
        IntervalChoice::Sandwich => model.sandwich(&fit, LEVEL),
        IntervalChoice::Bootstrap => {
            model.bootstrap(&fit, choice.bootstrap_replicates, BOOTSTRAP_SEED, LEVEL)
        }
    };
    let u = match u {
        Ok(u) => Some(u),
        Err(e) => {
            warnings.push(format!("no intervals: {e}"));
            None
        }
    };
    Ok(ChoiceFit {
        scores: fit.scores,
        standard_errors: u.as_ref().map(|u| u.score_se.clone()),
        intervals: u.map(|u| u.score_interval),
        link: Link::Logit,
        iterations: fit.iterations,
        order_effect: None,
        tie_parameter: None,
        warnings,
    })
}
