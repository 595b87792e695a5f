// Two-outcome terms under the logit or probit link, and the probit's
// f32 numerics (prepended after numerics.wgsl by the pairwise and batch
// kernels' modules). CPU twins: prefplay_core::numerics (log_ndtr,
// inverse_mills) and pairwise::likelihood::cell_terms.

// Numerical Recipes' erfc fit: erfc(z) = t·exp(−z² + erfc_exponent(t)),
// t = 1 / (1 + z/2), z ≥ 0, relative error below 1.2e-7 everywhere
// (Press et al., *Numerical Recipes*, 3rd ed., §6.2.2) — and its
// logarithm never underflows.
fn erfc_exponent(t: f32) -> f32 {
    return -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277))))))));
}

// log Φ(−|x|) = log(erfc(|x|/√2) / 2).
fn log_lower_tail(x: f32) -> f32 {
    let z = abs(x) * 0.70710678;
    let t = 1.0 / (1.0 + 0.5 * z);
    return log(0.5 * t) - z * z + erfc_exponent(t);
}

// log Φ(x).
fn log_ndtr(x: f32) -> f32 {
    let tail = log_lower_tail(x);
    if (x < 0.0) {
        return tail;
    }
    // log(1 − e), e = Φ(−x) ≤ 1/2; the series for small e keeps its digits.
    let e = exp(tail);
    if (e < 1e-3) {
        return -e - 0.5 * e * e;
    }
    return log(1.0 - e);
}

// The inverse Mills ratio λ(x) = φ(x) / Φ(x).
fn inverse_mills(x: f32) -> f32 {
    if (x < 0.0) {
        // φ(x) / (erfc(z)/2) with z = −x/√2: the exp(−z²) factors cancel.
        let z = -x * 0.70710678;
        let t = 1.0 / (1.0 + 0.5 * z);
        return 0.79788456 / (t * exp(erfc_exponent(t)));
    }
    return 0.39894228 * exp(-0.5 * x * x) / exp(log_ndtr(x));
}

// (log-likelihood, ∂/∂d, −∂²/∂d²) of two outcomes with predictor d
// (log-odds or probit of the first) and counts w = (first, second): the
// logit (Bradley–Terry) or probit (Thurstone) link.
fn binary_terms(probit: bool, d: f32, w: vec2<f32>) -> vec3<f32> {
    if (probit) {
        let up = inverse_mills(d);
        let down = inverse_mills(-d);
        return vec3<f32>(
            w.x * log_ndtr(d) + w.y * log_ndtr(-d),
            w.x * up - w.y * down,
            w.x * up * (d + up) + w.y * down * (down - d),
        );
    }
    let p = sigmoid(d);
    let n = w.x + w.y;
    return vec3<f32>(
        -w.x * log1p_exp(-d) - w.y * log1p_exp(d),
        w.x - n * p,
        n * p * (1.0 - p),
    );
}
