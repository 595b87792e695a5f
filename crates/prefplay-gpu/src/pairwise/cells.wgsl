// Every cell's terms at θ, one invocation per cell (a two-dimensional
// dispatch, rows of params.row_width invocations, so a million cells fit
// the 65,535-workgroup limit).
// CPU twin: the per-cell loop of prefplay_core's Problem::likelihood_with.

@group(0) @binding(0) var<uniform> params: Params;
// Cell k's items (a, b), a < b.
@group(0) @binding(1) var<storage, read> pairs: array<vec2<u32>>;
// Cell k's (wins of a, wins of b, ties, order advantage: +1 a, −1 b, 0).
@group(0) @binding(2) var<storage, read> counts: array<vec4<f32>>;
// Cell k's features, n_features per cell (row-major; one 0 when none).
@group(0) @binding(3) var<storage, read> features: array<f32>;
// θ.
@group(0) @binding(4) var<storage, read> theta: array<f32>;
// Cell k's (log-likelihood, ∂ℓ/∂η, −∂²ℓ/∂η², ∂ℓ/∂tie), for the sums.
@group(0) @binding(5) var<storage, read_write> cell_terms_out: array<vec4<f32>>;
// Cell k's information as the solver reads it back: −∂²ℓ/∂η², and for
// tie models −∂²ℓ/∂η∂tie and −∂²ℓ/∂tie² after it (stride 1 or 3).
@group(0) @binding(6) var<storage, read_write> cell_info: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn pairwise_cells(@builtin(global_invocation_id) gid: vec3<u32>) {
    let k = gid.x + gid.y * params.row_width;
    if (k >= params.n_cells) {
        return;
    }
    let pair = pairs[k];
    let c = counts[k];
    var eta = theta[pair.x] - theta[pair.y];
    if (params.order_index != NONE) {
        eta = eta + theta[params.order_index] * c.w;
    }
    for (var j = 0u; j < params.n_features; j = j + 1u) {
        eta = eta + theta[params.features_start + j] * features[k * params.n_features + j];
    }
    var tie = 0.0;
    if (params.tie_index != NONE) {
        tie = theta[params.tie_index];
    }
    let t = cell_terms(params.link, params.ties, eta, tie, c.xyz);
    cell_terms_out[k] = vec4<f32>(t.log_lik, t.d_eta, t.info_eta, t.d_tie);
    if (params.tie_index != NONE) {
        cell_info[3u * k] = t.info_eta;
        cell_info[3u * k + 1u] = t.info_cross;
        cell_info[3u * k + 2u] = t.info_tie;
    } else {
        cell_info[k] = t.info_eta;
    }
}
