//! One cell's log-likelihood with its derivatives in the linear predictor η
//! and the tie parameter.
//!
//! A cell holds the votes of one pair on one side arrangement: `wins_a`,
//! `wins_b` and `ties`. η is the log-odds of `a` (sₐ − s_b, plus the order
//! effect and features). Formulas, for counts (wₐ, w_b, t), n their sum:
//! - logit: ℓ = wₐ log σ(η) + w_b log σ(−η) (ties as halves or dropped);
//! - probit: ℓ = wₐ log Φ(η) + w_b log Φ(−η); d log Φ(η)/dη = λ(η), the
//!   inverse Mills ratio, and −d²/dη² = λ(η)(η + λ(η));
//! - Davidson (1970), tie parameter τ = log ν: P(a), P(b), P(tie) are the
//!   softmax of (η/2, −η/2, τ), so ℓ is linear minus n·logsumexp: concave;
//! - Rao & Kupper (1967), tie parameter α = log θ > 0: P(a) = σ(η − α),
//!   P(b) = σ(−η − α), log P(tie) = log(e^{2α} − 1) − softplus(α − η) −
//!   softplus(α + η): concave in (η, α).

use super::settings::{Link, TieModel};
use crate::numerics::{inverse_mills, log_expm1, log_ndtr, log_sigmoid, log1p_exp, sigmoid};

/// Vote counts of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Counts {
    pub wins_a: f64,
    pub wins_b: f64,
    pub ties: f64,
}

/// ℓ, its gradient in (η, tie) and the information (−Hessian) there.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct CellTerms {
    pub log_lik: f64,
    pub d_eta: f64,
    pub d_tie: f64,
    pub info_eta: f64,
    pub info_cross: f64,
    pub info_tie: f64,
}

/// Evaluates one cell. `tie` is ignored by models without a tie parameter.
pub(crate) fn cell_terms(link: Link, ties: TieModel, eta: f64, tie: f64, c: Counts) -> CellTerms {
    match ties {
        TieModel::Half => binary(link, eta, c.wins_a + 0.5 * c.ties, c.wins_b + 0.5 * c.ties),
        TieModel::Drop => binary(link, eta, c.wins_a, c.wins_b),
        TieModel::Davidson => davidson(eta, tie, c),
        TieModel::RaoKupper => rao_kupper(eta, tie, c),
    }
}

fn binary(link: Link, eta: f64, wa: f64, wb: f64) -> CellTerms {
    match link {
        Link::Logit => {
            let p = sigmoid(eta);
            let n = wa + wb;
            CellTerms {
                log_lik: wa * log_sigmoid(eta) + wb * log_sigmoid(-eta),
                d_eta: wa - n * p,
                info_eta: n * p * (1.0 - p),
                ..CellTerms::default()
            }
        }
        Link::Probit => {
            let (la, lb) = (inverse_mills(eta), inverse_mills(-eta));
            CellTerms {
                log_lik: wa * log_ndtr(eta) + wb * log_ndtr(-eta),
                d_eta: wa * la - wb * lb,
                info_eta: wa * la * (eta + la) + wb * lb * (lb - eta),
                ..CellTerms::default()
            }
        }
    }
}

fn davidson(eta: f64, tau: f64, c: Counts) -> CellTerms {
    let half = 0.5 * eta;
    let m = half.abs().max(tau);
    let (ea, eb, et) = ((half - m).exp(), (-half - m).exp(), (tau - m).exp());
    let d = ea + eb + et;
    let (pa, pb, pt) = (ea / d, eb / d, et / d);
    let log_d = m + d.ln();
    let n = c.wins_a + c.wins_b + c.ties;
    let half_diff = 0.5 * (pa - pb);
    CellTerms {
        log_lik: (c.wins_a - c.wins_b) * half + c.ties * tau - n * log_d,
        d_eta: 0.5 * (c.wins_a - c.wins_b) - n * half_diff,
        d_tie: c.ties - n * pt,
        info_eta: n * (0.25 * (pa + pb) - half_diff * half_diff),
        info_cross: -n * half_diff * pt,
        info_tie: n * pt * (1.0 - pt),
    }
}

fn rao_kupper(eta: f64, alpha: f64, c: Counts) -> CellTerms {
    if alpha.is_nan() || alpha <= 0.0 {
        return CellTerms {
            log_lik: f64::NEG_INFINITY,
            ..CellTerms::default()
        };
    }
    let (a, b) = (c.wins_a + c.ties, c.wins_b + c.ties);
    let (s1, s2) = (sigmoid(alpha - eta), sigmoid(alpha + eta));
    let (v1, v2) = (s1 * (1.0 - s1), s2 * (1.0 - s2));
    let em = (-2.0 * alpha).exp_m1(); // e^{−2α} − 1 < 0
    let dl = -2.0 / em;
    let d2l = -4.0 * (-2.0 * alpha).exp() / (em * em);
    let tie_term = if c.ties > 0.0 {
        c.ties * log_expm1(2.0 * alpha)
    } else {
        0.0
    };
    CellTerms {
        log_lik: -a * log1p_exp(alpha - eta) - b * log1p_exp(alpha + eta) + tie_term,
        d_eta: a * s1 - b * s2,
        d_tie: -a * s1 - b * s2 + c.ties * dl,
        info_eta: a * v1 + b * v2,
        info_cross: b * v2 - a * v1,
        info_tie: a * v1 + b * v2 - c.ties * d2l,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivatives_match_finite_differences() {
        let c = Counts {
            wins_a: 3.0,
            wins_b: 2.0,
            ties: 1.5,
        };
        let h = 1e-5;
        for (link, ties) in super::super::MODELS {
            for (eta, tie) in [(0.3, 0.4), (-2.0, 1.1), (4.0, 0.05)] {
                let f = |e: f64, t: f64| cell_terms(link, ties, e, t, c);
                let at = f(eta, tie);
                let fd_eta = (f(eta + h, tie).log_lik - f(eta - h, tie).log_lik) / (2.0 * h);
                let fd_tie = (f(eta, tie + h).log_lik - f(eta, tie - h).log_lik) / (2.0 * h);
                let fd_info_eta = -(f(eta + h, tie).d_eta - f(eta - h, tie).d_eta) / (2.0 * h);
                let fd_cross = -(f(eta, tie + h).d_eta - f(eta, tie - h).d_eta) / (2.0 * h);
                let fd_info_tie = -(f(eta, tie + h).d_tie - f(eta, tie - h).d_tie) / (2.0 * h);
                let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * (1.0 + b.abs());
                let name = format!("{link:?}/{ties:?} at ({eta}, {tie})");
                assert!(
                    close(at.d_eta, fd_eta),
                    "{name}: d_eta {} vs {fd_eta}",
                    at.d_eta
                );
                assert!(close(at.info_eta, fd_info_eta), "{name}: info_eta");
                if ties.has_parameter() {
                    assert!(
                        close(at.d_tie, fd_tie),
                        "{name}: d_tie {} vs {fd_tie}",
                        at.d_tie
                    );
                    assert!(close(at.info_cross, fd_cross), "{name}: cross");
                    assert!(close(at.info_tie, fd_info_tie), "{name}: info_tie");
                }
            }
        }
    }

    #[test]
    fn tie_models_are_probabilities() {
        for ties in [TieModel::Davidson, TieModel::RaoKupper] {
            let one = |wa, wb, t| {
                let c = Counts {
                    wins_a: wa,
                    wins_b: wb,
                    ties: t,
                };
                cell_terms(Link::Logit, ties, 0.7, 0.6, c).log_lik.exp()
            };
            let total = one(1.0, 0.0, 0.0) + one(0.0, 1.0, 0.0) + one(0.0, 0.0, 1.0);
            assert!((total - 1.0).abs() < 1e-12, "{ties:?}: {total}");
        }
    }

    #[test]
    fn extreme_predictors_stay_finite() {
        let c = Counts {
            wins_a: 1.0,
            wins_b: 1.0,
            ties: 1.0,
        };
        for (link, ties) in super::super::MODELS {
            for eta in [-800.0, 800.0] {
                let t = cell_terms(link, ties, eta, 0.5, c);
                assert!(
                    t.d_eta.is_finite() && t.info_eta.is_finite(),
                    "{link:?}/{ties:?}"
                );
            }
        }
    }
}
