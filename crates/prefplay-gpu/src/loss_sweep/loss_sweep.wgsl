// A DPO-family loss and its slope d loss / d h over a grid of margins h
// (x) and β (y), one invocation per grid point.
// CPU twin: prefplay_core::loss_sweep::MarginLoss::value_and_slope.
// log1p_exp and sigmoid come from numerics.wgsl.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

struct Params {
    // 0: sigmoid (DPO, label smoothing ε), 1: IPO, 2: hinge (SLiC).
    loss: u32,
    n_margins: u32,
    n_betas: u32,
    epsilon: f32,
}

// Loss kind, grid sizes and ε.
@group(0) @binding(0) var<uniform> params: Params;
// Margins h.
@group(0) @binding(1) var<storage, read> margins: array<f32>;
// β values.
@group(0) @binding(2) var<storage, read> betas: array<f32>;
// (loss, slope) per (β, margin), β-major.
@group(0) @binding(3) var<storage, read_write> out: array<vec2<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn loss_sweep(@builtin(global_invocation_id) id: vec3<u32>) {
    let m = id.x;
    let b = id.y;
    if (m >= params.n_margins || b >= params.n_betas) {
        return;
    }
    let h = margins[m];
    let beta = betas[b];
    let eps = params.epsilon;
    var result = vec2<f32>(0.0);
    if (params.loss == 0u) {
        let z = beta * h;
        // −log σ(z) = log1p_exp(−z).
        let loss = (1.0 - eps) * log1p_exp(-z) + eps * log1p_exp(z);
        let slope = -beta * ((1.0 - eps) * sigmoid(-z) - eps * sigmoid(z));
        result = vec2<f32>(loss, slope);
    } else if (params.loss == 1u) {
        let gap = h - 1.0 / (2.0 * beta);
        result = vec2<f32>(gap * gap, 2.0 * gap);
    } else {
        let z = beta * h;
        if (z < 1.0) {
            result = vec2<f32>(1.0 - z, -beta);
        }
    }
    out[b * params.n_margins + m] = result;
}
