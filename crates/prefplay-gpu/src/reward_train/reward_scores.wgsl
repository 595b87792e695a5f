// Rewards r_i = Σ_k A[i][k] w2[k], one invocation per item.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes.
@group(0) @binding(0) var<uniform> dims: Dims;
// Activations, n × h.
@group(0) @binding(1) var<storage, read> activations: array<f32>;
// Parameters.
@group(0) @binding(2) var<storage, read> params: array<f32>;
// Output: one reward per item.
@group(0) @binding(3) var<storage, read_write> rewards: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn reward_scores(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= dims.n_items) {
        return;
    }
    var r = 0.0;
    for (var k = 0u; k < dims.hidden; k++) {
        r = r + activations[i * dims.hidden + k] * params[w2_index(k, dims.inputs, dims.hidden)];
    }
    rewards[i] = r;
}
