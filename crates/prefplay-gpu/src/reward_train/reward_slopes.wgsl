// dL/dr_i of the mean Bradley–Terry loss, one invocation per item over its
// CSR row of pairs: Σ_pairs ((w_ij + w_ji) σ(r_i − r_j) − w_ij) / N, and the
// row's share of the negative log-likelihood (each pair is in two rows).
// log1p_exp and sigmoid come from numerics.wgsl.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and 1/N.
@group(0) @binding(0) var<uniform> dims: Dims;
// Row i's entries are row_start[i] .. row_start[i + 1]; length n + 1.
@group(0) @binding(1) var<storage, read> row_start: array<u32>;
// Entry e: the opponent j.
@group(0) @binding(2) var<storage, read> opponent: array<u32>;
// Entry e: (wins of i over j, wins of j over i), ties half.
@group(0) @binding(3) var<storage, read> wins: array<vec2<f32>>;
// Rewards.
@group(0) @binding(4) var<storage, read> rewards: array<f32>;
// Output: dL/dr per item.
@group(0) @binding(5) var<storage, read_write> slopes: array<f32>;
// Output: the row's negative log-likelihood (not divided by N).
@group(0) @binding(6) var<storage, read_write> row_nll: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn reward_slopes(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= dims.n_items) {
        return;
    }
    var g = 0.0;
    var nll = 0.0;
    for (var e = row_start[i]; e < row_start[i + 1u]; e = e + 1u) {
        let w = wins[e];
        let diff = rewards[i] - rewards[opponent[e]];
        g = g + (w.x + w.y) * sigmoid(diff) - w.x;
        nll = nll + w.x * log1p_exp(-diff) + w.y * log1p_exp(diff);
    }
    slopes[i] = g * dims.inv_total;
    row_nll[i] = nll;
}
