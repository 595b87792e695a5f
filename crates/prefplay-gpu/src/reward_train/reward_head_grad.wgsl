// Gradients of b1 and w2, one workgroup per hidden unit k reducing over
// items in workgroup memory: ∂b1[k] = Σ_i δ[i][k] + λ b1[k],
// ∂w2[k] = Σ_i g_i A[i][k] + λ w2[k].

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes, activation, λ.
@group(0) @binding(0) var<uniform> dims: Dims;
// Parameters.
@group(0) @binding(1) var<storage, read> params: array<f32>;
// Activations, n × h.
@group(0) @binding(2) var<storage, read> activations: array<f32>;
// dL/dr per item.
@group(0) @binding(3) var<storage, read> slopes: array<f32>;
// Output: the gradient (b1's and w2's parts here).
@group(0) @binding(4) var<storage, read_write> grad: array<f32>;

var<workgroup> partial: array<vec2<f32>, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn reward_head_grad(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_id) local: vec3<u32>,
) {
    let k = group.x;
    let lid = local.x;
    let d = dims.inputs;
    let h = dims.hidden;
    let w2 = params[w2_index(k, d, h)];
    var sums = vec2<f32>(0.0);
    for (var i = lid; i < dims.n_items; i += WORKGROUP_SIZE) {
        let a = activations[i * h + k];
        let g = slopes[i];
        sums = sums + vec2<f32>(g * w2 * activation_slope(a, dims.activation), g * a);
    }
    partial[lid] = sums;
    workgroupBarrier();
    for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
        if (lid < stride) {
            partial[lid] = partial[lid] + partial[lid + stride];
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        let b = b1_index(k, d, h);
        let w = w2_index(k, d, h);
        grad[b] = partial[0].x + dims.l2 * params[b];
        grad[w] = partial[0].y + dims.l2 * w2;
    }
}
