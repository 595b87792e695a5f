// The gradient of W_u· for one rater per invocation, from the slopes of
// the rater's votes (a CSR list per rater), plus the penalty (none when
// it sees a feature model's view).

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and settings.
@group(0) @binding(0) var<uniform> dims: LowRankDims;
// Parameters.
@group(0) @binding(1) var<storage, read> params: array<f32>;
// Votes (rater, a, b, bits of y).
@group(0) @binding(2) var<storage, read> votes: array<vec4<u32>>;
// Slopes.
@group(0) @binding(3) var<storage, read> slopes: array<f32>;
// Rater u's votes are rater_votes[rater_start[u] .. rater_start[u + 1]].
@group(0) @binding(4) var<storage, read> rater_start: array<u32>;
// Vote indices.
@group(0) @binding(5) var<storage, read> rater_votes: array<u32>;
// The gradient (W part written here).
@group(0) @binding(6) var<storage, read_write> grad: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn lowrank_rater_grad(@builtin(global_invocation_id) id: vec3<u32>) {
    let u = id.x;
    if (u >= dims.n_raters) {
        return;
    }
    for (var j = 0u; j < dims.rank; j++) {
        var g = 0.0;
        for (var e = rater_start[u]; e < rater_start[u + 1u]; e++) {
            let v = rater_votes[e];
            let vote = votes[v];
            g += slopes[v] * (params[v_index(dims, vote.y, j)] - params[v_index(dims, vote.z, j)]);
        }
        let p = w_index(dims, u, j);
        grad[p] = g + own_prior(dims) * dims.basis_l2 * dims.inv_votes * params[p];
    }
}
