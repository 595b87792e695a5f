//! Full-batch Adam (Kingma & Ba 2015) for the models' smooth objectives:
//! the one Adam step ([`Adam`]) that the personalized models' loop
//! ([`adam`]) and the reward model's training take, and the twin of the
//! GPU's one Adam kernel (`prefplay-gpu`, `adam.wgsl`).

/// First-moment decay β₁, as in the paper.
pub const ADAM_BETA1: f64 = 0.9;
/// Second-moment decay β₂.
pub const ADAM_BETA2: f64 = 0.999;
/// Denominator guard ε.
pub const ADAM_EPSILON: f64 = 1e-8;

/// Adam's state for one parameter vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Adam {
    /// First moments.
    pub m: Vec<f64>,
    /// Second moments.
    pub v: Vec<f64>,
    /// Steps taken.
    pub t: u32,
    /// Step size.
    pub learning_rate: f64,
}

impl Adam {
    /// Zero moments for `n` parameters.
    pub fn new(n: usize, learning_rate: f64) -> Self {
        Self {
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
            learning_rate,
        }
    }

    /// One bias-corrected Adam step of `params` along `grad` (minimising).
    pub fn step(&mut self, params: &mut [f64], grad: &[f64]) {
        self.t += 1;
        let c1 = 1.0 - ADAM_BETA1.powi(self.t as i32);
        let c2 = 1.0 - ADAM_BETA2.powi(self.t as i32);
        for k in 0..params.len() {
            self.m[k] = ADAM_BETA1 * self.m[k] + (1.0 - ADAM_BETA1) * grad[k];
            self.v[k] = ADAM_BETA2 * self.v[k] + (1.0 - ADAM_BETA2) * grad[k] * grad[k];
            let m_hat = self.m[k] / c1;
            let v_hat = self.v[k] / c2;
            params[k] -= self.learning_rate * m_hat / (v_hat.sqrt() + ADAM_EPSILON);
        }
    }
}

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
pub fn adam(
    params: &mut [f64],
    settings: AdamSettings,
    mut objective: impl FnMut(&[f64], &mut [f64], bool) -> f64,
) -> f64 {
    let mut state = Adam::new(params.len(), settings.learning_rate);
    let mut grad = vec![0.0; params.len()];
    let mut value = f64::NAN;
    for t in 1..=settings.steps {
        grad.iter_mut().for_each(|g| *g = 0.0);
        value = objective(params, &mut grad, t == settings.steps);
        state.step(params, &grad);
    }
    value
}
