// The M step's gradient of θ_ji (invocation j · N + i) over item i's
// votes (a CSR list), plus the prior (λ₀ / W_j) θ_ji. No float atomics.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and settings.
@group(0) @binding(0) var<uniform> dims: LowRankDims;
// Group scores K × N.
@group(0) @binding(1) var<storage, read> params: array<f32>;
// Slopes K × votes.
@group(0) @binding(2) var<storage, read> slopes: array<f32>;
// Item i's entries are item_entries[item_start[i] .. item_start[i + 1]].
@group(0) @binding(3) var<storage, read> item_start: array<u32>;
// Vote index × 2 + (0: the item is a, 1: it is b).
@group(0) @binding(4) var<storage, read> item_entries: array<u32>;
// (W_j, π_j).
@group(0) @binding(5) var<storage, read> totals: array<vec2<f32>>;
// The gradient out.
@group(0) @binding(6) var<storage, read_write> grad: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn mixture_item_grad(@builtin(global_invocation_id) id: vec3<u32>) {
    let p = id.x;
    let n = dims.n_items;
    if (p >= dims.rank * n) {
        return;
    }
    let j = p / n;
    let i = p % n;
    var g = 0.0;
    for (var e = item_start[i]; e < item_start[i + 1u]; e++) {
        let entry = item_entries[e];
        g += (1.0 - 2.0 * f32(entry % 2u)) * slopes[j * dims.n_votes + entry / 2u];
    }
    grad[p] = g + dims.l2 / max(totals[j].x, 1e-9) * params[p];
}
