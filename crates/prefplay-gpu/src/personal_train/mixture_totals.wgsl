// Per group j (one invocation each): W_j = Σ_u resp_uj · votes_u, the
// weight the M step divides by, and the mixing weight π_j = (Σ_u resp_uj
// + 1) / (R + K) the E step uses.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and settings.
@group(0) @binding(0) var<uniform> dims: LowRankDims;
// Responsibilities R × K.
@group(0) @binding(1) var<storage, read> resp: array<f32>;
// Rater u's votes are rater_votes[rater_start[u] .. rater_start[u + 1]].
@group(0) @binding(2) var<storage, read> rater_start: array<u32>;
// (W_j, π_j) out.
@group(0) @binding(3) var<storage, read_write> totals: array<vec2<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn mixture_totals(@builtin(global_invocation_id) id: vec3<u32>) {
    let j = id.x;
    let k = dims.rank;
    if (j >= k) {
        return;
    }
    var weight = 0.0;
    var mass = 0.0;
    for (var u = 0u; u < dims.n_raters; u++) {
        let r = resp[u * k + j];
        weight += r * f32(rater_start[u + 1u] - rater_start[u]);
        mass += r;
    }
    totals[j] = vec2<f32>(weight, (mass + 1.0) / f32(dims.n_raters + k));
}
