// One gradient-descent step of the toy policy, one invocation per logit
// θ_pj: the mean loss's gradient Σ over prompt p's preferences of
// g_w (1[j = w] − π_pj) + g_l (1[j = l] − π_pj), over the row count,
// from the rows' gradients (pref_loss_rows); θ_in → θ_out (ping-pong, so
// no invocation reads a logit another has written).
// CPU twin: prefplay_core::toy_policy::train_step.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and the step.
@group(0) @binding(0) var<uniform> toy: ToyParams;
// θ before the step, P × K.
@group(0) @binding(1) var<storage, read> logits_in: array<f32>;
// θ after the step.
@group(0) @binding(2) var<storage, read_write> logits_out: array<f32>;
// Preferences (prompt, chosen, rejected), sorted by prompt.
@group(0) @binding(3) var<storage, read> data: array<u32>;
// Prompt p's preferences are rows offsets[p] .. offsets[p + 1].
@group(0) @binding(4) var<storage, read> offsets: array<u32>;
// (loss, ∂/∂c, ∂/∂r, 0) per row.
@group(0) @binding(5) var<storage, read> grads: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn policy_update(@builtin(global_invocation_id) id: vec3<u32>) {
    let cell = id.x;
    let k = toy.n_responses;
    if (cell >= toy.n_prompts * k) {
        return;
    }
    let p = cell / k;
    let j = cell % k;
    let base = p * k;
    var top = logits_in[base];
    for (var m = 1u; m < k; m++) {
        top = max(top, logits_in[base + m]);
    }
    var total = 0.0;
    for (var m = 0u; m < k; m++) {
        total += exp(logits_in[base + m] - top);
    }
    let prob = exp(logits_in[cell] - top) / total;
    var grad = 0.0;
    for (var i = offsets[p]; i < offsets[p + 1u]; i++) {
        let g = grads[i];
        grad -= (g.y + g.z) * prob;
        if (data[3u * i + 1u] == j) {
            grad += g.y;
        }
        if (data[3u * i + 2u] == j) {
            grad += g.z;
        }
    }
    logits_out[cell] = logits_in[cell] - toy.learning_rate * grad * toy.inv_rows;
}
