// Every row's loss and gradients with respect to the policy's chosen and
// rejected log-probabilities, one invocation per row, given the context
// from pref_loss_context. CPU twin: prefplay_core::loss::evaluate_with.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// The loss and its parameters.
@group(0) @binding(0) var<uniform> params: LossParams;
// Rows, ROW_STRIDE floats each.
@group(0) @binding(1) var<storage, read> rows: array<f32>;
// (KL reference point, reward baseline, value, 0).
@group(0) @binding(2) var<storage, read> context: array<vec4<f32>>;
// AOT: sorted a, then sorted b.
@group(0) @binding(3) var<storage, read> sorted: array<f32>;
// AOT: ranks of a, then of b.
@group(0) @binding(4) var<storage, read> ranks: array<u32>;
// (loss, ∂/∂c, ∂/∂r, 0) per row.
@group(0) @binding(5) var<storage, read_write> out: array<vec4<f32>>;

// β × the smoothed logistic loss's slope at sorted position j.
fn aot_slope(j: u32) -> f32 {
    let n = params.n_rows;
    return params.beta * smoothed(params.beta * (sorted[j] - sorted[n + j]), params.epsilon).y;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn pref_loss_rows(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    let n = params.n_rows;
    if (i >= n) {
        return;
    }
    if (params.kind == KIND_AOT || params.kind == KIND_AOT_PAIR) {
        let loss = smoothed(params.beta * (sorted[i] - sorted[n + i]), params.epsilon).x;
        let slope_a = aot_slope(ranks[i]);
        var grad_r = -slope_a;
        if (params.kind == KIND_AOT_PAIR) {
            grad_r = -aot_slope(ranks[n + i]);
        }
        out[i] = vec4<f32>(loss, slope_a, grad_r, 0.0);
        return;
    }
    var row: array<f32, 8>;
    for (var k = 0u; k < ROW_STRIDE; k++) {
        row[k] = rows[i * ROW_STRIDE + k];
    }
    out[i] = vec4<f32>(row_loss(params, row, context[0]), 0.0);
}
