//! Fisher errors: the inverse of the observed information (prior
//! included). The scores' standard errors come from one Cholesky factor
//! (the inverse's diagonal and one solve); the full inverse is formed only
//! where a covariance matrix is needed (sandwich, quasi-variances).

use super::problem::Evaluation;
use super::uncertainty::{MAX_DENSE_PARAMETERS, Uncertainty};
use super::{PairwiseFit, PairwiseModel};
use crate::numerics::normal_quantile;
use crate::{Error, Result};
use faer::linalg::solvers::{DenseSolveCore, Solve};

impl PairwiseModel {
    fn evaluation_at(&self, theta: &[f64]) -> Evaluation {
        let mut ev = Evaluation::default();
        self.problem.evaluate(theta, &mut ev);
        ev
    }

    /// C = information⁻¹ (row-major dim × dim), with zeros in the gauge row
    /// and column when λ = 0.
    pub(super) fn fisher_covariance(&self, theta: &[f64]) -> Result<Vec<f64>> {
        let dim = self.problem.layout.dim;
        let m = self.information_without_gauge(theta)?;
        let keep = self.kept_parameters();
        let inv = m.llt(faer::Side::Lower).map_err(|_| singular())?.inverse();
        let mut cov = vec![0.0; dim * dim];
        for (i, &ki) in keep.iter().enumerate() {
            for (j, &kj) in keep.iter().enumerate() {
                cov[ki * dim + kj] = inv[(i, j)];
            }
        }
        Ok(cov)
    }

    /// Fisher errors from one Cholesky factor L of the information, without
    /// the full inverse: the scores' variances need only the diagonal of
    /// C = information⁻¹ and C·v for one vector v (the mean over the items
    /// for centred scores, the reference's unit vector for contrasts), and
    /// Cᵢᵢ is the squared norm of column i of L⁻¹ (C = L⁻ᵀL⁻¹). That is
    /// ⅔·dim³ flops instead of the inverse's dim³, and no dim² copies.
    pub(super) fn fisher(&self, fit: &PairwiseFit, level: f64) -> Result<Uncertainty> {
        let lay = &self.problem.layout;
        let (dim, n) = (lay.dim, lay.n_items);
        let reference = self.problem.settings.reference;
        let mut v = vec![0.0; dim];
        match reference {
            Some(r) => v[r] = 1.0,
            None => v[..n].iter_mut().for_each(|x| *x = 1.0 / n.max(1) as f64),
        }
        let (diag, cv) = self.fisher_parts(&fit.parameters, &v)?;
        let var = |i: usize| diag[i].max(0.0);
        let score_var: Vec<f64> = match reference {
            Some(r) => (0..n).map(|i| var(i) + var(r) - 2.0 * cv[i]).collect(),
            None => {
                let grand = cv[..n].iter().sum::<f64>() / n.max(1) as f64;
                (0..n).map(|i| var(i) - 2.0 * cv[i] + grand).collect()
            }
        };
        let score_se: Vec<f64> = score_var.iter().map(|x| x.max(0.0).sqrt()).collect();
        let z = normal_quantile(0.5 + 0.5 * level);
        let score_interval = fit
            .scores
            .iter()
            .zip(&score_se)
            .map(|(s, se)| (s - z * se, s + z * se))
            .collect();
        Ok(Uncertainty {
            order_effect_se: lay.order.map(|k| var(k).sqrt()),
            tie_se: lay.tie.map(|k| fit.parameters[k].exp() * var(k).sqrt()),
            feature_se: (lay.features_start..dim).map(|k| var(k).sqrt()).collect(),
            ..Uncertainty::scores_only(score_se, score_interval, level, None)
        })
    }

    /// Fisher errors through the full inverse (the slow way), to check
    /// [`Self::fisher`] against.
    #[cfg(test)]
    pub(crate) fn fisher_by_full_inverse(
        &self,
        fit: &PairwiseFit,
        level: f64,
    ) -> Result<Uncertainty> {
        let cov = self.fisher_covariance(&fit.parameters)?;
        Ok(self.intervals_from_covariance(fit, &cov, level))
    }

    /// The diagonal of C = information⁻¹ and C·v (zeros in the gauge's
    /// row and column when λ = 0), from one Cholesky factor.
    fn fisher_parts(&self, theta: &[f64], v: &[f64]) -> Result<(Vec<f64>, Vec<f64>)> {
        let dim = self.problem.layout.dim;
        let m = self.information_without_gauge(theta)?;
        let keep = self.kept_parameters();
        let llt = m.llt(faer::Side::Lower).map_err(|_| singular())?;
        let k = keep.len();
        let mut l_inv = faer::Mat::<f64>::zeros(k, k);
        faer::linalg::triangular_inverse::invert_lower_triangular(
            l_inv.as_mut(),
            llt.L(),
            faer::Par::Seq,
        );
        let mut diag = vec![0.0; dim];
        for (j, &kj) in keep.iter().enumerate() {
            // L⁻¹ is lower triangular: column j is zero above row j.
            diag[kj] = (j..k).map(|i| l_inv[(i, j)] * l_inv[(i, j)]).sum();
        }
        let rhs = faer::Mat::<f64>::from_fn(k, 1, |i, _| v[keep[i]]);
        let solved = llt.solve(&rhs);
        let mut cv = vec![0.0; dim];
        for (i, &ki) in keep.iter().enumerate() {
            cv[ki] = solved[(i, 0)];
        }
        Ok((diag, cv))
    }

    /// The parameters the information is inverted over (all but the gauge).
    fn kept_parameters(&self) -> Vec<usize> {
        (0..self.problem.layout.dim)
            .filter(|&i| Some(i) != self.problem.gauge)
            .collect()
    }

    /// The dense information at θ without the gauge's row and column,
    /// refused above [`MAX_DENSE_PARAMETERS`].
    fn information_without_gauge(&self, theta: &[f64]) -> Result<faer::Mat<f64>> {
        let dim = self.problem.layout.dim;
        if dim > MAX_DENSE_PARAMETERS {
            return Err(Error::InvalidParameter {
                name: "ci",
                value: format!("{dim} parameters"),
                reason: "dense covariances are limited to 8000 parameters; use --ci none or bootstrap",
            });
        }
        let info = self.problem.dense_information(&self.evaluation_at(theta));
        let keep = self.kept_parameters();
        Ok(faer::Mat::<f64>::from_fn(keep.len(), keep.len(), |i, j| {
            info[keep[i] * dim + keep[j]]
        }))
    }
}

/// Standard errors and normal intervals of reported scores (the first
/// `scores.len()` parameters) from a row-major `dim × dim` covariance, for
/// centred scores or contrasts to `reference` (see the module docs).
/// The error of a failed Cholesky factorisation of the information.
fn singular() -> Error {
    Error::Numerical(
        "the information matrix is singular (a constant feature, or an order effect confounded with the items?)",
    )
}
