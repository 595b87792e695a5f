// Gradient of W1: G[k][c] = Σ_i δ[i][k] X[i][c] + λ W1[k][c], with
// δ[i][k] = g_i w2[k] act'(A[i][k]): a tiled product over items, 16 × 16
// tiles of δ and X staged in workgroup memory.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes, activation, λ.
@group(0) @binding(0) var<uniform> dims: Dims;
// Item features, n × d.
@group(0) @binding(1) var<storage, read> features: array<f32>;
// Parameters.
@group(0) @binding(2) var<storage, read> params: array<f32>;
// Activations, n × h.
@group(0) @binding(3) var<storage, read> activations: array<f32>;
// dL/dr per item.
@group(0) @binding(4) var<storage, read> slopes: array<f32>;
// Output: the gradient (W1's part here).
@group(0) @binding(5) var<storage, read_write> grad: array<f32>;

var<workgroup> delta_tile: array<array<f32, 16>, 16>;
var<workgroup> x_tile: array<array<f32, 16>, 16>;

// x: feature c, y: hidden unit k.
@compute @workgroup_size(WORKGROUP_SIZE, WORKGROUP_SIZE)
fn reward_weight_grad(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_id) local: vec3<u32>,
) {
    let c = group.x * TILE + local.x;
    let k = group.y * TILE + local.y;
    let d = dims.inputs;
    let h = dims.hidden;
    var sum = 0.0;
    for (var i0 = 0u; i0 < dims.n_items; i0 += TILE) {
        // Item i0 + local.y: its δ for unit group.y * TILE + local.x and
        // its feature group.x * TILE + local.x.
        let i = i0 + local.y;
        let unit = group.y * TILE + local.x;
        var delta = 0.0;
        if (i < dims.n_items && unit < h) {
            let a = activations[i * h + unit];
            delta = slopes[i] * params[w2_index(unit, d, h)] * activation_slope(a, dims.activation);
        }
        delta_tile[local.y][local.x] = delta;
        x_tile[local.y][local.x] = select(0.0, features[i * d + c], i < dims.n_items && c < d);
        workgroupBarrier();
        for (var t = 0u; t < TILE; t++) {
            sum = sum + delta_tile[t][local.y] * x_tile[t][local.x];
        }
        workgroupBarrier();
    }
    if (k < h && c < d) {
        let index = w1_index(k, c, d);
        grad[index] = sum + dims.l2 * params[index];
    }
}
