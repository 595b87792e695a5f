// The shrinkage model's gradient: invocations 0 … N−1 each own θ̄_i
// (summed over the item's votes, a CSR list), invocations N … N+R−1 each
// own rater u's row δ_u· (zeroed, then summed over the rater's votes);
// plus the penalties (λ₀ on θ̄, λ = basis_l2 on δ). No float atomics.

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
// Item i's entries are item_entries[item_start[i] .. item_start[i + 1]].
@group(0) @binding(4) var<storage, read> item_start: array<u32>;
// Vote index × 2 + (0: the item is a, 1: it is b).
@group(0) @binding(5) var<storage, read> item_entries: array<u32>;
// Rater u's votes are rater_votes[rater_start[u] .. rater_start[u + 1]].
@group(0) @binding(6) var<storage, read> rater_start: array<u32>;
// Vote indices.
@group(0) @binding(7) var<storage, read> rater_votes: array<u32>;
// The gradient.
@group(0) @binding(8) var<storage, read_write> grad: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn shrinkage_grad(@builtin(global_invocation_id) id: vec3<u32>) {
    let k = id.x;
    let n = dims.n_items;
    if (k < n) {
        var g = 0.0;
        for (var e = item_start[k]; e < item_start[k + 1u]; e++) {
            let entry = item_entries[e];
            g += (1.0 - 2.0 * f32(entry % 2u)) * slopes[entry / 2u];
        }
        grad[k] = g + dims.l2 * dims.inv_votes * params[k];
        return;
    }
    let u = k - n;
    if (u >= dims.n_raters) {
        return;
    }
    let row = n + u * n;
    for (var i = 0u; i < n; i++) {
        grad[row + i] = dims.basis_l2 * dims.inv_votes * params[row + i];
    }
    for (var e = rater_start[u]; e < rater_start[u + 1u]; e++) {
        let v = rater_votes[e];
        let vote = votes[v];
        grad[row + vote.y] += slopes[v];
        grad[row + vote.z] -= slopes[v];
    }
}
