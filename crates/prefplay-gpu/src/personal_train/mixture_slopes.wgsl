// The M step's slopes: for group j and vote v (invocation j · votes + v),
// resp_uj (σ(θ_ja − θ_jb) − y) / W_j. The first invocation also advances
// Adam's step counter.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and settings.
@group(0) @binding(0) var<uniform> dims: LowRankDims;
// Group scores K × N.
@group(0) @binding(1) var<storage, read> params: array<f32>;
// Votes (rater, a, b, bits of y).
@group(0) @binding(2) var<storage, read> votes: array<vec4<u32>>;
// Responsibilities R × K.
@group(0) @binding(3) var<storage, read> resp: array<f32>;
// (W_j, π_j).
@group(0) @binding(4) var<storage, read> totals: array<vec2<f32>>;
// Slopes out, K × votes.
@group(0) @binding(5) var<storage, read_write> slopes: array<f32>;
// Adam's step counter.
@group(0) @binding(6) var<storage, read_write> counter: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn mixture_slopes(@builtin(global_invocation_id) id: vec3<u32>) {
    let e = id.x;
    if (e == 0u) {
        counter[0] = counter[0] + 1u;
    }
    if (e >= dims.rank * dims.n_votes) {
        return;
    }
    let j = e / dims.n_votes;
    let vote = votes[e % dims.n_votes];
    let n = dims.n_items;
    let z = params[j * n + vote.y] - params[j * n + vote.z];
    let w = resp[vote.x * dims.rank + j];
    slopes[e] = w * (sigmoid(z) - bitcast<f32>(vote.w)) / max(totals[j].x, 1e-9);
}
