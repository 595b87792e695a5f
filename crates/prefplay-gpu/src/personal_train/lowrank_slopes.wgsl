// Each vote's slope of the mean cross-entropy in its logit,
// (σ(z) − y) / votes, z = θ̄_a − θ̄_b + Σ_j (V_aj − V_bj) W_uj; one
// invocation per vote. The first invocation also advances Adam's step
// counter (read by adam, a later dispatch).

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and settings.
@group(0) @binding(0) var<uniform> dims: LowRankDims;
// Parameters.
@group(0) @binding(1) var<storage, read> params: array<f32>;
// Votes (rater, a, b, bits of y).
@group(0) @binding(2) var<storage, read> votes: array<vec4<u32>>;
// Slopes out.
@group(0) @binding(3) var<storage, read_write> slopes: array<f32>;
// Adam's step counter.
@group(0) @binding(4) var<storage, read_write> counter: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn lowrank_slopes(@builtin(global_invocation_id) id: vec3<u32>) {
    let v = id.x;
    if (v == 0u) {
        counter[0] = counter[0] + 1u;
    }
    if (v >= dims.n_votes) {
        return;
    }
    let vote = votes[v];
    var z = params[vote.y] - params[vote.z];
    for (var j = 0u; j < dims.rank; j++) {
        z += (params[v_index(dims, vote.y, j)] - params[v_index(dims, vote.z, j)])
            * params[w_index(dims, vote.x, j)];
    }
    slopes[v] = (sigmoid(z) - bitcast<f32>(vote.w)) * dims.inv_votes;
}
