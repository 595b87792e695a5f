// One bias-corrected Adam step (Kingma & Ba 2015) on the first
// `trainable` parameters, one invocation each.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;
const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPSILON: f32 = 1e-8;

// Step size, bias corrections, number of trainable parameters.
@group(0) @binding(0) var<uniform> dims: Dims;
// The gradient.
@group(0) @binding(1) var<storage, read> grad: array<f32>;
// Parameters, updated in place.
@group(0) @binding(2) var<storage, read_write> params: array<f32>;
// (first moment, second moment) per parameter, updated in place.
@group(0) @binding(3) var<storage, read_write> moments: array<vec2<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn adam_step(@builtin(global_invocation_id) id: vec3<u32>) {
    let p = id.x;
    if (p >= dims.trainable) {
        return;
    }
    let g = grad[p];
    let old = moments[p];
    let m = BETA1 * old.x + (1.0 - BETA1) * g;
    let v = BETA2 * old.y + (1.0 - BETA2) * g * g;
    moments[p] = vec2<f32>(m, v);
    let m_hat = m / dims.correction1;
    let v_hat = v / dims.correction2;
    params[p] = params[p] - dims.learning_rate * m_hat / (sqrt(v_hat) + EPSILON);
}
