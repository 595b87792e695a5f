// GPM's gradient for one item's embedding per invocation, over a CSR
// list of the item's votes: as a, ∂z/∂v_a = R v_b; as b, ∂z/∂v_b = Rᵀ v_a
// (R skew, so −R v_a); plus the penalty. No float atomics.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and settings (rank is the embedding dimension D).
@group(0) @binding(0) var<uniform> dims: LowRankDims;
// Embeddings.
@group(0) @binding(1) var<storage, read> params: array<f32>;
// Votes (rater, a, b, bits of y).
@group(0) @binding(2) var<storage, read> votes: array<vec4<u32>>;
// Slopes.
@group(0) @binding(3) var<storage, read> slopes: array<f32>;
// Item i's entries are item_entries[item_start[i] .. item_start[i + 1]].
@group(0) @binding(4) var<storage, read> item_start: array<u32>;
// Vote index × 2 + (0: the item is a, 1: it is b).
@group(0) @binding(5) var<storage, read> item_entries: array<u32>;
// The gradient.
@group(0) @binding(6) var<storage, read_write> grad: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn gpm_item_grad(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= dims.n_items) {
        return;
    }
    let d = dims.rank;
    let own = i * d;
    for (var j = 0u; j < d; j++) {
        grad[own + j] = dims.l2 * dims.inv_votes * params[own + j];
    }
    for (var e = item_start[i]; e < item_start[i + 1u]; e++) {
        let entry = item_entries[e];
        let v = entry / 2u;
        let s = slopes[v];
        let vote = votes[v];
        if (entry % 2u == 0u) {
            // This item is a; the other is b.
            let o = vote.z * d;
            for (var j = 0u; j < d; j += 2u) {
                grad[own + j] += s * params[o + j + 1u];
                grad[own + j + 1u] -= s * params[o + j];
            }
        } else {
            let o = vote.y * d;
            for (var j = 0u; j < d; j += 2u) {
                grad[own + j + 1u] += s * params[o + j];
                grad[own + j] -= s * params[o + j + 1u];
            }
        }
    }
}
