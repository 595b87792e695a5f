//! Full-batch Adam (Kingma & Ba 2015) for the models' smooth objectives.

/// Adam's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamSettings {
    /// Steps. Default 500.
    pub steps: usize,
    /// Step size. Default 0.05.
    pub learning_rate: f64,
}

impl Default for AdamSettings {
    fn default() -> Self {
        Self {
            steps: 500,
            learning_rate: 0.05,
        }
    }
}

/// Minimises `objective` from `params`; returns the value at the last
/// step. `objective(params, grad, need_value)` adds the gradient at
/// `params` into `grad` (zeroed) and returns the value when `need_value`
/// (only the last step asks, so the others can skip the logarithms).
/// β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
pub fn adam(
    params: &mut [f64],
    settings: AdamSettings,
    mut objective: impl FnMut(&[f64], &mut [f64], bool) -> f64,
) -> f64 {
    let (b1, b2, eps) = (0.9_f64, 0.999_f64, 1e-8);
    let n = params.len();
    let (mut m, mut v, mut grad) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    let mut value = f64::NAN;
    for t in 1..=settings.steps {
        grad.iter_mut().for_each(|g| *g = 0.0);
        value = objective(params, &mut grad, t == settings.steps);
        let (c1, c2) = (1.0 - b1.powi(t as i32), 1.0 - b2.powi(t as i32));
        for i in 0..n {
            m[i] = b1 * m[i] + (1.0 - b1) * grad[i];
            v[i] = b2 * v[i] + (1.0 - b2) * grad[i] * grad[i];
            params[i] -= settings.learning_rate * (m[i] / c1) / ((v[i] / c2).sqrt() + eps);
        }
    }
    value
}
