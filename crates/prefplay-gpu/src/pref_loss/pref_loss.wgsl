// The loss catalogue's formulas in f32, shared by the pref_loss_* and
// policy_* kernels (prepended by their Rust module, after numerics.wgsl).
// CPU twin: prefplay_core::loss (kinds.rs); kind codes are indices into
// prefplay_core::loss::LossKind::ALL.

struct LossParams {
    kind: u32,
    n_rows: u32,
    // 1: WPO weighting.
    wpo: u32,
    pad0: u32,
    beta: f32,
    epsilon: f32,
    gamma: f32,
    tau: f32,
    cpo_alpha: f32,
    desirable_weight: f32,
    undesirable_weight: f32,
    pad1: f32,
}

// The toy policy's sizes and step (policy_rows, policy_update).
struct ToyParams {
    n_prompts: u32,
    n_responses: u32,
    n_rows: u32,
    pad0: u32,
    learning_rate: f32,
    inv_rows: f32,
    pad1: f32,
    pad2: f32,
}

// A row is 8 floats: policy chosen, policy rejected, reference chosen,
// reference rejected, chosen length, rejected length, label, has label
// (1 or 0).
const ROW_STRIDE: u32 = 8u;

const KIND_SIGMOID: u32 = 0u;
const KIND_ROBUST: u32 = 1u;
const KIND_EXO_PAIR: u32 = 2u;
const KIND_HINGE: u32 = 3u;
const KIND_IPO: u32 = 4u;
const KIND_BCO_PAIR: u32 = 5u;
const KIND_SPPO_HARD: u32 = 6u;
const KIND_NCA_PAIR: u32 = 7u;
const KIND_AOT: u32 = 8u;
const KIND_AOT_PAIR: u32 = 9u;
const KIND_APO_ZERO: u32 = 10u;
const KIND_APO_DOWN: u32 = 11u;
const KIND_DISCOPOP: u32 = 12u;
const KIND_SIMPO: u32 = 13u;
const KIND_CPO: u32 = 14u;
const KIND_ORPO: u32 = 15u;
const KIND_KTO: u32 = 16u;
const KIND_DRO: u32 = 17u;
const KIND_BT: u32 = 18u;

fn log_sigmoid(x: f32) -> f32 {
    return -log1p_exp(-x);
}

fn sigmoid_slope(x: f32) -> f32 {
    return sigmoid(x) * sigmoid(-x);
}

// (−(1 − ε) log σ(z) − ε log σ(−z), its derivative in z).
fn smoothed(z: f32, eps: f32) -> vec2<f32> {
    return vec2<f32>(
        -(1.0 - eps) * log_sigmoid(z) - eps * log_sigmoid(-z),
        -(1.0 - eps) * sigmoid(-z) + eps * sigmoid(z),
    );
}

// eˣ − 1, accurate near 0 (Taylor to x⁸ below |x| = 0.5: relative error
// < 1e-8; WGSL has no expm1).
fn expm1(x: f32) -> f32 {
    if (abs(x) < 0.5) {
        let p = 1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0
            * (1.0 + x / 6.0 * (1.0 + x / 7.0 * (1.0 + x / 8.0))))));
        return x * p;
    }
    return exp(x) - 1.0;
}

// log(1 − eᵃ) for a < 0 (Mächler 2012).
fn log1m_exp(a: f32) -> f32 {
    if (a > -0.6931472) {
        return log(-expm1(a));
    }
    return log(1.0 - exp(a));
}

fn is_pairwise_margin(kind: u32) -> bool {
    return kind == KIND_SIGMOID || kind == KIND_AOT || kind == KIND_AOT_PAIR;
}

// KTO's or DRO's term of one response with log-ratio `ratio` and
// feedback `label`: (loss, d loss / d ratio).
fn single_response(p: LossParams, ratio: f32, label: f32, ctx: vec4<f32>) -> vec2<f32> {
    let beta = p.beta;
    if (p.kind == KIND_KTO) {
        if (label > 0.5) {
            let x = beta * (ratio - ctx.x);
            return vec2<f32>(p.desirable_weight * (1.0 - sigmoid(x)),
                -p.desirable_weight * beta * sigmoid_slope(x));
        }
        let x = beta * (ctx.x - ratio);
        return vec2<f32>(p.undesirable_weight * (1.0 - sigmoid(x)),
            p.undesirable_weight * beta * sigmoid_slope(x));
    }
    let gap = label - ctx.z - beta * ratio;
    return vec2<f32>(0.5 * gap * gap, -beta * gap);
}

// One row's (loss, ∂/∂c, ∂/∂r) for every kind but AOT's. `ctx` is
// (KL reference point, reward baseline, value, unused).
fn row_loss(p: LossParams, row: array<f32, 8>, ctx: vec4<f32>) -> vec3<f32> {
    let beta = p.beta;
    let eps = p.epsilon;
    let c = row[0];
    let r = row[1];
    let rho_w = c - row[2];
    let rho_l = r - row[3];
    let h = rho_w - rho_l;
    let z = beta * h;
    let lw = row[4];
    let ll = row[5];
    var out = vec3<f32>(0.0);
    switch p.kind {
        case KIND_ROBUST: {
            let scale = 1.0 / (1.0 - 2.0 * eps);
            let loss = (-(1.0 - eps) * log_sigmoid(z) + eps * log_sigmoid(-z)) * scale;
            let dz = (-(1.0 - eps) * sigmoid(-z) - eps * sigmoid(z)) * scale;
            out = vec3<f32>(loss, beta * dz, -beta * dz);
        }
        case KIND_EXO_PAIR: {
            var e = eps;
            if (e == 0.0) {
                e = 1e-3;
            }
            let pz = sigmoid(z);
            let qz = sigmoid(-z);
            let loss = pz * (log_sigmoid(z) - log(1.0 - e)) + qz * (log_sigmoid(-z) - log(e));
            let dz = pz * qz * (z - log((1.0 - e) / e));
            out = vec3<f32>(loss, beta * dz, -beta * dz);
        }
        case KIND_HINGE: {
            if (z < 1.0) {
                out = vec3<f32>(1.0 - z, -beta, beta);
            }
        }
        case KIND_IPO: {
            let gap = h - 1.0 / (2.0 * beta);
            out = vec3<f32>(gap * gap, 2.0 * gap, -2.0 * gap);
        }
        case KIND_BCO_PAIR: {
            let a = beta * rho_w - ctx.y;
            let b = beta * rho_l - ctx.y;
            out = vec3<f32>(-log_sigmoid(a) - log_sigmoid(-b), -beta * sigmoid(-a), beta * sigmoid(b));
        }
        case KIND_SPPO_HARD: {
            let half = 1.0 / (2.0 * beta);
            let a = rho_w - half;
            let b = rho_l + half;
            out = vec3<f32>(a * a + b * b, 2.0 * a, 2.0 * b);
        }
        case KIND_NCA_PAIR: {
            let a = beta * rho_w;
            let b = beta * rho_l;
            out = vec3<f32>(-log_sigmoid(a) - 0.5 * log_sigmoid(-a) - 0.5 * log_sigmoid(-b),
                beta * (-sigmoid(-a) + 0.5 * sigmoid(a)), beta * 0.5 * sigmoid(b));
        }
        case KIND_APO_ZERO: {
            let a = beta * rho_w;
            let b = beta * rho_l;
            out = vec3<f32>(1.0 - sigmoid(a) + sigmoid(b), -beta * sigmoid_slope(a), beta * sigmoid_slope(b));
        }
        case KIND_APO_DOWN: {
            let a = beta * rho_w;
            out = vec3<f32>(sigmoid(a) + 1.0 - sigmoid(z),
                beta * (sigmoid_slope(a) - sigmoid_slope(z)), beta * sigmoid_slope(z));
        }
        case KIND_DISCOPOP: {
            let tau = p.tau;
            let m = sigmoid(z / tau);
            let exp_m = exp(-z + log_sigmoid(z / tau));
            let exp_dm = exp(-z + log_sigmoid(z / tau) + log_sigmoid(-z / tau)) / tau;
            let dm = m * (1.0 - m) / tau;
            let loss = -log_sigmoid(z) * (1.0 - m) + exp_m;
            let dz = -sigmoid(-z) * (1.0 - m) + log_sigmoid(z) * dm - exp_m + exp_dm;
            out = vec3<f32>(loss, beta * dz, -beta * dz);
        }
        case KIND_SIMPO: {
            let s = smoothed(beta * (c / lw - r / ll) - p.gamma, eps);
            out = vec3<f32>(s.x, beta * s.y / lw, -beta * s.y / ll);
        }
        case KIND_CPO: {
            let s = smoothed(beta * (c - r), eps);
            out = vec3<f32>(s.x - p.cpo_alpha * c / lw, beta * s.y - p.cpo_alpha / lw, -beta * s.y);
        }
        case KIND_ORPO: {
            let a = c / lw;
            let b = r / ll;
            let log_odds = (a - b) - (log1m_exp(a) - log1m_exp(b));
            let da = -1.0 / expm1(a);
            let db = 1.0 / expm1(b);
            let weight = beta * sigmoid(-log_odds);
            out = vec3<f32>(-a - beta * log_sigmoid(log_odds), (-1.0 - weight * da) / lw, -weight * db / ll);
        }
        case KIND_KTO, KIND_DRO: {
            if (row[7] > 0.5) {
                let t = single_response(p, rho_w, row[6], ctx);
                out = vec3<f32>(t.x, t.y, 0.0);
            } else {
                let tw = single_response(p, rho_w, 1.0, ctx);
                let tl = single_response(p, rho_l, 0.0, ctx);
                out = vec3<f32>(tw.x + tl.x, tw.y, tl.y);
            }
        }
        case KIND_BT: {
            let s = smoothed(c - r, 0.0);
            out = vec3<f32>(s.x, s.y, -s.y);
        }
        default: {
            // sigmoid (DPO, cDPO)
            let s = smoothed(z, eps);
            out = vec3<f32>(s.x, beta * s.y, -beta * s.y);
        }
    }
    if (p.wpo == 1u && p.kind != KIND_KTO && p.kind != KIND_DRO) {
        out *= exp(c / lw + r / ll);
    }
    return out;
}
