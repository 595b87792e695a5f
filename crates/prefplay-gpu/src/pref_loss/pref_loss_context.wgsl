// The batch quantities the losses detach, in one workgroup: KTO's KL
// reference point, BCO's reward baseline and DRO's value (tree-reduced
// sums), and for AOT the stable ranks and sorted values of its two
// sequences (O(n²) comparisons, for the lab's batch sizes).
// CPU twin: prefplay_core::loss::BatchContext::from_rows and
// loss::kinds::sorted_losses' ranks.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// The loss and its parameters.
@group(0) @binding(0) var<uniform> params: LossParams;
// Rows, ROW_STRIDE floats each.
@group(0) @binding(1) var<storage, read> rows: array<f32>;
// (KL reference point, reward baseline, value, 0).
@group(0) @binding(2) var<storage, read_write> context: array<vec4<f32>>;
// AOT: sorted a (n), then sorted b (n).
@group(0) @binding(3) var<storage, read_write> sorted: array<f32>;
// AOT: rank of each row's a (n), then of its b (n).
@group(0) @binding(4) var<storage, read_write> ranks: array<u32>;

var<workgroup> sums: array<vec4<f32>, WORKGROUP_SIZE>;

fn row_at(i: u32) -> array<f32, 8> {
    var row: array<f32, 8>;
    for (var k = 0u; k < ROW_STRIDE; k++) {
        row[k] = rows[i * ROW_STRIDE + k];
    }
    return row;
}

// AOT's two sequences at row i: (a, b).
fn aot_values(i: u32) -> vec2<f32> {
    let row = row_at(i);
    if (params.kind == KIND_AOT) {
        return vec2<f32>(row[0] - row[1], row[2] - row[3]);
    }
    return vec2<f32>(row[0] - row[2], row[1] - row[3]);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn pref_loss_context(@builtin(local_invocation_index) t: u32) {
    let n = params.n_rows;
    let beta = params.beta;
    // (responses, Σ ratio, Σ (feedback − β ratio), Σ β(ρ_w + ρ_l)).
    var acc = vec4<f32>(0.0);
    for (var i = t; i < n; i += WORKGROUP_SIZE) {
        let row = row_at(i);
        let rho_w = row[0] - row[2];
        let rho_l = row[1] - row[3];
        if (row[7] > 0.5) {
            acc += vec4<f32>(1.0, rho_w, row[6] - beta * rho_w, 0.0);
        } else {
            acc += vec4<f32>(2.0, rho_w + rho_l, 1.0 - beta * rho_w - beta * rho_l, 0.0);
        }
        acc.w += beta * (rho_w + rho_l);
    }
    sums[t] = acc;
    workgroupBarrier();
    for (var half = WORKGROUP_SIZE / 2u; half > 0u; half /= 2u) {
        if (t < half) {
            sums[t] += sums[t + half];
        }
        workgroupBarrier();
    }
    if (t == 0u) {
        let total = sums[0];
        let responses = max(total.x, 1.0);
        context[0] = vec4<f32>(max(0.0, total.y / responses),
            total.w / max(2.0 * f32(n), 1.0), total.z / responses, 0.0);
    }
    if (params.kind != KIND_AOT && params.kind != KIND_AOT_PAIR) {
        return;
    }
    for (var i = t; i < n; i += WORKGROUP_SIZE) {
        let own = aot_values(i);
        var rank = vec2<u32>(0u);
        for (var j = 0u; j < n; j++) {
            let other = aot_values(j);
            if (other.x < own.x || (other.x == own.x && j < i)) {
                rank.x += 1u;
            }
            if (other.y < own.y || (other.y == own.y && j < i)) {
                rank.y += 1u;
            }
        }
        ranks[i] = rank.x;
        ranks[n + i] = rank.y;
        sorted[rank.x] = own.x;
        sorted[n + rank.y] = own.y;
    }
}
