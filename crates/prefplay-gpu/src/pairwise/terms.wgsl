// One cell's log-likelihood with its derivatives in the linear predictor η
// and the tie parameter, in f32 (two outcomes from binary_terms.wgsl).
// CPU twin (f64, with the formulas):
// prefplay_core::models::pairwise::likelihood::cell_terms. Shared by the
// pairwise evaluation kernels and the batched fits (batch_fit/).

const LINK_LOGIT: u32 = 0u;
const LINK_PROBIT: u32 = 1u;

const TIES_HALF: u32 = 0u;
const TIES_DROP: u32 = 1u;
const TIES_DAVIDSON: u32 = 2u;
const TIES_RAO_KUPPER: u32 = 3u;

struct Terms {
    log_lik: f32,
    d_eta: f32,
    d_tie: f32,
    info_eta: f32,
    info_cross: f32,
    info_tie: f32,
}

// eˣ − 1, accurate near 0.
fn expm1(x: f32) -> f32 {
    if (abs(x) < 1e-2) {
        return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x / 24.0)));
    }
    return exp(x) - 1.0;
}

// log(eˣ − 1) for x > 0, without overflow.
fn log_expm1(x: f32) -> f32 {
    if (x > 15.0) {
        return x - exp(-x);
    }
    return log(expm1(x));
}

// Two outcomes (ties as halves or dropped): wa wins of a, wb of b.
fn two_outcome_terms(link: u32, eta: f32, wa: f32, wb: f32) -> Terms {
    let t = binary_terms(link == LINK_PROBIT, eta, vec2<f32>(wa, wb));
    return Terms(t.x, t.y, 0.0, t.z, 0.0, 0.0);
}

// Davidson (1970): P(a), P(b), P(tie) ∝ (e^{η/2}, e^{−η/2}, e^τ).
fn davidson_terms(eta: f32, tau: f32, c: vec3<f32>) -> Terms {
    let half = 0.5 * eta;
    let m = max(abs(half), tau);
    let ea = exp(half - m);
    let eb = exp(-half - m);
    let et = exp(tau - m);
    let d = ea + eb + et;
    let pa = ea / d;
    let pb = eb / d;
    let pt = et / d;
    let n = c.x + c.y + c.z;
    let half_diff = 0.5 * (pa - pb);
    return Terms(
        (c.x - c.y) * half + c.z * tau - n * (m + log(d)),
        0.5 * (c.x - c.y) - n * half_diff,
        c.z - n * pt,
        n * (0.25 * (pa + pb) - half_diff * half_diff),
        -n * half_diff * pt,
        n * pt * (1.0 - pt),
    );
}

// Rao & Kupper (1967), α = log θ > 0: P(a) = σ(η − α), P(b) = σ(−η − α).
fn rao_kupper_terms(eta: f32, alpha: f32, c: vec3<f32>) -> Terms {
    if (!(alpha > 0.0)) {
        // Outside the parameter space (the solver never evaluates there):
        // nearly the lowest f32 (WGSL has no infinity), as the CPU's −∞.
        return Terms(-3.4e38, 0.0, 0.0, 0.0, 0.0, 0.0);
    }
    let a = c.x + c.z;
    let b = c.y + c.z;
    let s1 = sigmoid(alpha - eta);
    let s2 = sigmoid(alpha + eta);
    let v1 = s1 * (1.0 - s1);
    let v2 = s2 * (1.0 - s2);
    let em = expm1(-2.0 * alpha);
    let dl = -2.0 / em;
    let d2l = -4.0 * exp(-2.0 * alpha) / (em * em);
    var tie_term = 0.0;
    if (c.z > 0.0) {
        tie_term = c.z * log_expm1(2.0 * alpha);
    }
    return Terms(
        -a * log1p_exp(alpha - eta) - b * log1p_exp(alpha + eta) + tie_term,
        a * s1 - b * s2,
        -a * s1 - b * s2 + c.z * dl,
        a * v1 + b * v2,
        b * v2 - a * v1,
        a * v1 + b * v2 - c.z * d2l,
    );
}

// The terms of a cell with counts c = (wins of a, wins of b, ties).
fn cell_terms(link: u32, ties: u32, eta: f32, tie: f32, c: vec3<f32>) -> Terms {
    switch ties {
        case TIES_DROP: {
            return two_outcome_terms(link, eta, c.x, c.y);
        }
        case TIES_DAVIDSON: {
            return davidson_terms(eta, tie, c);
        }
        case TIES_RAO_KUPPER: {
            return rao_kupper_terms(eta, tie, c);
        }
        default: {
            return two_outcome_terms(link, eta, c.x + 0.5 * c.z, c.y + 0.5 * c.z);
        }
    }
}
