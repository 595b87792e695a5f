// The toy policy's loss rows: for each preference (prompt, chosen,
// rejected), the policy's log-probabilities log softmax(θ_p) of its two
// responses, the reference's, and the responses' lengths; one invocation
// per preference. CPU twin: prefplay_core::toy_policy::ToyProblem::loss_rows.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and the step.
@group(0) @binding(0) var<uniform> toy: ToyParams;
// The policy's logits θ, P × K.
@group(0) @binding(1) var<storage, read> logits: array<f32>;
// log π_ref, P × K.
@group(0) @binding(2) var<storage, read> reference: array<f32>;
// Response lengths, P × K.
@group(0) @binding(3) var<storage, read> lengths: array<f32>;
// Preferences (prompt, chosen, rejected).
@group(0) @binding(4) var<storage, read> data: array<u32>;
// Loss rows out, ROW_STRIDE floats each.
@group(0) @binding(5) var<storage, read_write> rows: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn policy_rows(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if (i >= toy.n_rows) {
        return;
    }
    let k = toy.n_responses;
    let base = data[3u * i] * k;
    var top = logits[base];
    for (var j = 1u; j < k; j++) {
        top = max(top, logits[base + j]);
    }
    var total = 0.0;
    for (var j = 0u; j < k; j++) {
        total += exp(logits[base + j] - top);
    }
    let lse = top + log(total);
    let w = base + data[3u * i + 1u];
    let l = base + data[3u * i + 2u];
    let o = i * 8u;
    rows[o] = logits[w] - lse;
    rows[o + 1u] = logits[l] - lse;
    rows[o + 2u] = reference[w];
    rows[o + 3u] = reference[l];
    rows[o + 4u] = lengths[w];
    rows[o + 5u] = lengths[l];
    rows[o + 6u] = 0.0;
    rows[o + 7u] = 0.0;
}
