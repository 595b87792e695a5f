// Sums over all cells, one workgroup each: workgroup 0 the log-likelihood,
// workgroup 1 + q the gradient and information diagonal of θ[n_items + q]
// (the order effect, the tie parameter, a feature coefficient). Each
// invocation sums a strided share, then the workgroup adds the shares as a
// tree (pairwise summation, so the f32 error grows with log of the cells).
// CPU twin: the extras' part of prefplay_core's Problem::likelihood_with.

@group(0) @binding(0) var<uniform> params: Params;
// Cell k's (wins of a, wins of b, ties, order advantage).
@group(0) @binding(1) var<storage, read> counts: array<vec4<f32>>;
// Cell k's features, n_features per cell.
@group(0) @binding(2) var<storage, read> features: array<f32>;
// From pairwise_cells.
@group(0) @binding(3) var<storage, read> cell_terms_out: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> cell_info: array<f32>;
// Workgroup w's sum: (log-likelihood, 0) for w = 0, else (gradient, diagonal).
@group(0) @binding(5) var<storage, read_write> extras_out: array<vec2<f32>>;

var<workgroup> shares: array<vec2<f32>, WORKGROUP_SIZE>;

// Cell k's share of θ[q]'s (gradient, diagonal).
fn extra_share(q: u32, k: u32) -> vec2<f32> {
    let t = cell_terms_out[k];
    if (q == params.order_index) {
        let adv = counts[k].w;
        return vec2<f32>(t.y * adv, t.z * adv * adv);
    }
    if (q == params.tie_index) {
        return vec2<f32>(t.w, cell_info[3u * k + 2u]);
    }
    let x = features[k * params.n_features + (q - params.features_start)];
    return vec2<f32>(t.y * x, t.z * x * x);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn pairwise_extras(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_index) lane: u32,
) {
    let w = group.x;
    var sum = vec2<f32>(0.0, 0.0);
    for (var k = lane; k < params.n_cells; k = k + WORKGROUP_SIZE) {
        if (w == 0u) {
            sum.x = sum.x + cell_terms_out[k].x;
        } else {
            sum = sum + extra_share(params.n_items + w - 1u, k);
        }
    }
    shares[lane] = sum;
    workgroupBarrier();
    for (var half = WORKGROUP_SIZE / 2u; half > 0u; half = half / 2u) {
        if (lane < half) {
            shares[lane] = shares[lane] + shares[lane + half];
        }
        workgroupBarrier();
    }
    if (lane == 0u) {
        extras_out[w] = shares[0];
    }
}
