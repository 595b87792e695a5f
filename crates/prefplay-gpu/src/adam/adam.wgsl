// One bias-corrected Adam step (Kingma & Ba 2015) per parameter, the one
// Adam of the reward and personalized models' training. The step number t
// is in a buffer (a kernel of the schedule advances it, or the host writes
// it), so a run of steps is one submission.
// CPU twin: prefplay_core::models::adam::Adam::step.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;
const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPSILON: f32 = 1e-8;

struct AdamSettings {
    learning_rate: f32,
    // Parameters stepped: the first n_params.
    n_params: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> settings: AdamSettings;
// The gradient.
@group(0) @binding(1) var<storage, read> grad: array<f32>;
// Parameters, updated in place.
@group(0) @binding(2) var<storage, read_write> params: array<f32>;
// (first moment, second moment) per parameter, updated in place.
@group(0) @binding(3) var<storage, read_write> moments: array<vec2<f32>>;
// counter[0]: this step's number t ≥ 1.
@group(0) @binding(4) var<storage, read> counter: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn adam(@builtin(global_invocation_id) id: vec3<u32>) {
    let p = id.x;
    if (p >= settings.n_params) {
        return;
    }
    let t = f32(counter[0]);
    let g = grad[p];
    let old = moments[p];
    let m = BETA1 * old.x + (1.0 - BETA1) * g;
    let v = BETA2 * old.y + (1.0 - BETA2) * g * g;
    moments[p] = vec2<f32>(m, v);
    let m_hat = m / (1.0 - pow(BETA1, t));
    let v_hat = v / (1.0 - pow(BETA2, t));
    params[p] = params[p] - settings.learning_rate * m_hat / (sqrt(v_hat) + EPSILON);
}
