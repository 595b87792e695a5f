// The gradient of θ̄_i and V_i· for one item per invocation, from the
// slopes of the votes the item is in (a CSR list per item), plus the
// penalties (none when it sees a feature model's view; see own_prior). No float atomics: each invocation owns its item's entries.

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
// The gradient (θ̄ and V parts written here).
@group(0) @binding(6) var<storage, read_write> grad: array<f32>;

// +1 when the entry's item is the vote's a, −1 when it is b.
fn entry_sign(entry: u32) -> f32 {
    return 1.0 - 2.0 * f32(entry % 2u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn lowrank_item_grad(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= dims.n_items) {
        return;
    }
    let scale = dims.inv_votes;
    var g_mean = 0.0;
    for (var e = item_start[i]; e < item_start[i + 1u]; e++) {
        let entry = item_entries[e];
        let v = entry / 2u;
        let sign = entry_sign(entry);
        g_mean += sign * slopes[v];
    }
    grad[i] = g_mean + own_prior(dims) * dims.l2 * scale * params[i];
    for (var j = 0u; j < dims.rank; j++) {
        var g = 0.0;
        for (var e = item_start[i]; e < item_start[i + 1u]; e++) {
            let entry = item_entries[e];
            let v = entry / 2u;
            let sign = entry_sign(entry);
            g += sign * slopes[v] * params[w_index(dims, votes[v].x, j)];
        }
        let p = v_index(dims, i, j);
        grad[p] = g + own_prior(dims) * dims.basis_l2 * scale * params[p];
    }
}
