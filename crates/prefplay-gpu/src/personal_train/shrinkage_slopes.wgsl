// The shrinkage model's vote slopes, (σ(z) − y) / votes with
// z = θ̄_a + δ_ua − θ̄_b − δ_ub (parameters [θ̄ (N) | δ (R × N)]); one
// invocation per vote; the first also advances Adam's step counter.
// CPU twin: prefplay_core::personal::train_shrinkage.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and settings (rank unused; basis_l2 is the shrinkage λ).
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
fn shrinkage_slopes(@builtin(global_invocation_id) id: vec3<u32>) {
    let v = id.x;
    if (v == 0u) {
        counter[0] = counter[0] + 1u;
    }
    if (v >= dims.n_votes) {
        return;
    }
    let vote = votes[v];
    let row = dims.n_items + vote.x * dims.n_items;
    let z = params[vote.y] + params[row + vote.y] - params[vote.z] - params[row + vote.z];
    slopes[v] = (sigmoid(z) - bitcast<f32>(vote.w)) * dims.inv_votes;
}
