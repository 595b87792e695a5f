// A feature model's gradient from its view's (the chain rule through
// features_expand), plus the model's penalties: one invocation per model
// parameter, looping over the items or raters it touches. Layouts in
// features_common; penalties λ₀ = dims.l2 on the head's layer and w̄, on
// all of PAL and on b̄; dims.basis_l2 on the head's δ (its λ) and on
// low-rank's V and W.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and settings.
@group(0) @binding(0) var<uniform> dims: LowRankDims;
// The model's parameters.
@group(0) @binding(1) var<storage, read> params: array<f32>;
// Standardised item features, N × d.
@group(0) @binding(2) var<storage, read> features: array<f32>;
// The item-space view.
@group(0) @binding(3) var<storage, read> view: array<f32>;
// The gradient in the view.
@group(0) @binding(4) var<storage, read> view_grad: array<f32>;
// The gradient in the parameters, out.
@group(0) @binding(5) var<storage, read_write> grad: array<f32>;

fn x(i: u32, c: u32) -> f32 {
    return features[i * dims.n_features + c];
}

// ∂L/∂f_it for PAL: through V_it = f_it and θ̄_i = −‖f_i‖².
fn pal_position_grad(i: u32, t: u32) -> f32 {
    let v = v_index(dims, i, t);
    return view_grad[v] - 2.0 * view[v] * view_grad[i];
}

// PAL rater u's share of prototype j, softmax(c_u)_j.
fn pal_share(u: u32, j: u32) -> f32 {
    let k = dims.units;
    let c0 = pal_logits_start(dims);
    var top = params[c0 + u * k];
    for (var l = 1u; l < k; l++) {
        top = max(top, params[c0 + u * k + l]);
    }
    var total = 0.0;
    for (var l = 0u; l < k; l++) {
        total += exp(params[c0 + u * k + l] - top);
    }
    return exp(params[c0 + u * k + j] - top) / total;
}

fn head_grad(p: u32) -> f32 {
    let d = dims.n_features;
    let h = dims.units;
    let m = dims.rank;
    let w0 = head_layer_len(dims);
    let delta0 = w0 + m;
    let prior = dims.l2 * dims.inv_votes * params[p];
    if (p < h * d) {
        let j = p / d;
        let c = p % d;
        var g = 0.0;
        for (var i = 0u; i < dims.n_items; i++) {
            let hij = view[v_index(dims, i, j)];
            g += view_grad[v_index(dims, i, j)] * (1.0 - hij * hij) * x(i, c);
        }
        return g + prior;
    }
    if (p < w0) {
        let j = p - h * d;
        var g = 0.0;
        for (var i = 0u; i < dims.n_items; i++) {
            let hij = view[v_index(dims, i, j)];
            g += view_grad[v_index(dims, i, j)] * (1.0 - hij * hij);
        }
        return g + prior;
    }
    if (p < delta0) {
        let j = p - w0;
        var g = 0.0;
        for (var u = 0u; u < dims.n_raters; u++) {
            g += view_grad[w_index(dims, u, j)];
        }
        return g + prior;
    }
    let u = (p - delta0) / m;
    let j = (p - delta0) % m;
    return view_grad[w_index(dims, u, j)] + dims.basis_l2 * dims.inv_votes * params[p];
}

fn pal_grad(p: u32) -> f32 {
    let d = dims.n_features;
    let k = dims.units;
    let p0 = pal_map_len(dims);
    let c0 = pal_logits_start(dims);
    let prior = dims.l2 * dims.inv_votes * params[p];
    if (p < p0) {
        if (d == 0u) {
            return pal_position_grad(p / PAL_DIMS, p % PAL_DIMS) + prior;
        }
        let t = p / d;
        let c = p % d;
        var g = 0.0;
        for (var i = 0u; i < dims.n_items; i++) {
            g += pal_position_grad(i, t) * x(i, c);
        }
        return g + prior;
    }
    if (p < c0) {
        // Prototype j's coordinate t: ∂a_ut/∂p_jt = share_uj, ∂L/∂a_ut
        // = 2 ∂L/∂W_ut.
        let j = (p - p0) / PAL_DIMS;
        let t = (p - p0) % PAL_DIMS;
        var g = 0.0;
        for (var u = 0u; u < dims.n_raters; u++) {
            g += pal_share(u, j) * 2.0 * view_grad[w_index(dims, u, t)];
        }
        return g + prior;
    }
    // Rater u's logit j: ∂a_u/∂c_uj = share_uj (p_j − a_u).
    let u = (p - c0) / k;
    let j = (p - c0) % k;
    var along = 0.0;
    for (var t = 0u; t < PAL_DIMS; t++) {
        let a = 0.5 * view[w_index(dims, u, t)];
        along += (params[p0 + j * PAL_DIMS + t] - a) * 2.0 * view_grad[w_index(dims, u, t)];
    }
    return pal_share(u, j) * along + prior;
}

fn low_rank_grad(p: u32) -> f32 {
    let d = dims.n_features;
    let k = dims.rank;
    if (p < d) {
        var g = 0.0;
        for (var i = 0u; i < dims.n_items; i++) {
            g += view_grad[i] * x(i, p);
        }
        return g + dims.l2 * dims.inv_votes * params[p];
    }
    let basis_prior = dims.basis_l2 * dims.inv_votes * params[p];
    if (p < d + d * k) {
        let c = (p - d) / k;
        let j = (p - d) % k;
        var g = 0.0;
        for (var i = 0u; i < dims.n_items; i++) {
            g += view_grad[v_index(dims, i, j)] * x(i, c);
        }
        return g + basis_prior;
    }
    let u = (p - d - d * k) / k;
    let j = (p - d - d * k) % k;
    return view_grad[w_index(dims, u, j)] + basis_prior;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn features_project(@builtin(global_invocation_id) id: vec3<u32>) {
    let p = id.x;
    if (p >= dims.n_params) {
        return;
    }
    if (dims.model == 1u) {
        grad[p] = head_grad(p);
    } else if (dims.model == 2u) {
        grad[p] = pal_grad(p);
    } else {
        grad[p] = low_rank_grad(p);
    }
}
