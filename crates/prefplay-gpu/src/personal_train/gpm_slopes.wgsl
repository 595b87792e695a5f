// GPM's vote slopes, (σ(z) − y) / votes with z = v_aᵀ R v_b, R
// block-diagonal [[0, 1], [−1, 0]] (embeddings N × D, D = dims.rank);
// one invocation per vote; the first also advances Adam's step counter.
// CPU twin: prefplay_core::personal::train_gpm.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and settings (rank is the embedding dimension D).
@group(0) @binding(0) var<uniform> dims: LowRankDims;
// Embeddings.
@group(0) @binding(1) var<storage, read> params: array<f32>;
// Votes (rater, a, b, bits of y).
@group(0) @binding(2) var<storage, read> votes: array<vec4<u32>>;
// Slopes out.
@group(0) @binding(3) var<storage, read_write> slopes: array<f32>;
// Adam's step counter.
@group(0) @binding(4) var<storage, read_write> counter: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn gpm_slopes(@builtin(global_invocation_id) id: vec3<u32>) {
    let v = id.x;
    if (v == 0u) {
        counter[0] = counter[0] + 1u;
    }
    if (v >= dims.n_votes) {
        return;
    }
    let vote = votes[v];
    let d = dims.rank;
    let a = vote.y * d;
    let b = vote.z * d;
    var z = 0.0;
    for (var j = 0u; j < d; j += 2u) {
        z += params[a + j] * params[b + j + 1u] - params[a + j + 1u] * params[b + j];
    }
    slopes[v] = (sigmoid(z) - bitcast<f32>(vote.w)) * dims.inv_votes;
}
