// Hidden activations A = act(X W1ᵀ + b1), n × h: a tiled matrix product,
// 16 × 16 tiles of X and W1 staged in workgroup memory.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and activation.
@group(0) @binding(0) var<uniform> dims: Dims;
// Item features, n × d.
@group(0) @binding(1) var<storage, read> features: array<f32>;
// Parameters (layout in reward_common.wgsl).
@group(0) @binding(2) var<storage, read> params: array<f32>;
// Output: activations, n × h.
@group(0) @binding(3) var<storage, read_write> activations: array<f32>;

var<workgroup> x_tile: array<array<f32, 16>, 16>;
var<workgroup> w_tile: array<array<f32, 16>, 16>;

// x: hidden unit k, y: item i.
@compute @workgroup_size(WORKGROUP_SIZE, WORKGROUP_SIZE)
fn reward_hidden(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_id) local: vec3<u32>,
) {
    let k = group.x * TILE + local.x;
    let i = group.y * TILE + local.y;
    let d = dims.inputs;
    var z = 0.0;
    for (var c0 = 0u; c0 < d; c0 += TILE) {
        // Row local.y of the X tile and row local.y of the W1 tile (unit
        // group.x * TILE + local.y), column c0 + local.x of each.
        let c = c0 + local.x;
        let row_i = group.y * TILE + local.y;
        let row_k = group.x * TILE + local.y;
        x_tile[local.y][local.x] = select(0.0, features[row_i * d + c], row_i < dims.n_items && c < d);
        w_tile[local.y][local.x] = select(0.0, params[w1_index(row_k, c, d)], row_k < dims.hidden && c < d);
        workgroupBarrier();
        for (var t = 0u; t < TILE; t++) {
            z = z + x_tile[local.y][t] * w_tile[local.x][t];
        }
        workgroupBarrier();
    }
    if (i < dims.n_items && k < dims.hidden) {
        z = z + params[b1_index(k, d, dims.hidden)];
        activations[i * dims.hidden + k] = activate(z, dims.activation);
    }
}
