// A feature model's item-space view from its parameters (layouts in
// features_common): invocations 0 … N−1 each write item i's θ̄_i and
// V_i·, invocations N … N+R−1 each write rater u's W_u·.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and settings.
@group(0) @binding(0) var<uniform> dims: LowRankDims;
// The model's parameters.
@group(0) @binding(1) var<storage, read> params: array<f32>;
// Standardised item features, N × d.
@group(0) @binding(2) var<storage, read> features: array<f32>;
// The item-space view out.
@group(0) @binding(3) var<storage, read_write> view: array<f32>;

// x_i · (column j of a d × stride block at `start`).
fn project_item(i: u32, start: u32, stride: u32, j: u32) -> f32 {
    var total = 0.0;
    for (var c = 0u; c < dims.n_features; c++) {
        total += features[i * dims.n_features + c] * params[start + c * stride + j];
    }
    return total;
}

fn expand_item(i: u32) {
    let d = dims.n_features;
    if (dims.model == 1u) {
        view[i] = 0.0;
        let h = dims.units;
        for (var j = 0u; j < dims.rank; j++) {
            if (h == 0u) {
                view[v_index(dims, i, j)] = features[i * d + j];
            } else {
                // Row j of A is the j-th d-block, so it is column j of
                // a stride-1 block starting at j · d.
                let pre = project_item(i, j * d, 1u, 0u) + params[h * d + j];
                view[v_index(dims, i, j)] = tanh(pre);
            }
        }
    } else if (dims.model == 2u) {
        var norm = 0.0;
        for (var t = 0u; t < PAL_DIMS; t++) {
            var f = 0.0;
            if (d > 0u) {
                f = project_item(i, t * d, 1u, 0u);
            } else {
                f = params[i * PAL_DIMS + t];
            }
            view[v_index(dims, i, t)] = f;
            norm += f * f;
        }
        view[i] = -norm;
    } else {
        view[i] = project_item(i, 0u, 1u, 0u);
        for (var j = 0u; j < dims.rank; j++) {
            view[v_index(dims, i, j)] = project_item(i, d, dims.rank, j);
        }
    }
}

fn expand_rater(u: u32) {
    let d = dims.n_features;
    if (dims.model == 1u) {
        let w0 = head_layer_len(dims);
        let delta0 = w0 + dims.rank;
        for (var j = 0u; j < dims.rank; j++) {
            view[w_index(dims, u, j)] = params[w0 + j] + params[delta0 + u * dims.rank + j];
        }
    } else if (dims.model == 2u) {
        let k = dims.units;
        let p0 = pal_map_len(dims);
        let c0 = pal_logits_start(dims);
        var top = params[c0 + u * k];
        for (var j = 1u; j < k; j++) {
            top = max(top, params[c0 + u * k + j]);
        }
        var total = 0.0;
        for (var j = 0u; j < k; j++) {
            total += exp(params[c0 + u * k + j] - top);
        }
        for (var t = 0u; t < PAL_DIMS; t++) {
            var a = 0.0;
            for (var j = 0u; j < k; j++) {
                a += exp(params[c0 + u * k + j] - top) / total * params[p0 + j * PAL_DIMS + t];
            }
            view[w_index(dims, u, t)] = 2.0 * a;
        }
    } else {
        let w0 = d + d * dims.rank;
        for (var j = 0u; j < dims.rank; j++) {
            view[w_index(dims, u, j)] = params[w0 + u * dims.rank + j];
        }
    }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn features_expand(@builtin(global_invocation_id) id: vec3<u32>) {
    let k = id.x;
    if (k < dims.n_items) {
        expand_item(k);
    } else if (k < dims.n_items + dims.n_raters) {
        expand_rater(k - dims.n_items);
    }
}
