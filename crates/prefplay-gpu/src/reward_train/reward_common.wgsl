// Shared by the reward-training kernels (prepended to each by
// reward_train.rs). CPU twin of the whole: prefplay_core::reward_model.
//
// Items have d features (row-major n × d). The reward is
// r(x) = w2ᵀ act(W1 x + b1), W1 h × d; act = tanh for the MLP; the linear
// reward is h = 1, act = identity, w2 = 1, b1 = 0 with only W1 trained.
// Parameters, as on the CPU: W1 (h × d, row-major), b1 (h), w2 (h).

const TILE: u32 = 16u;

struct Dims {
    n_items: u32,
    inputs: u32,
    hidden: u32,
    // 0: identity (linear reward), 1: tanh (MLP).
    activation: u32,
    // Parameters Adam updates (all for the MLP; W1 for the linear reward;
    // the host gives adam.wgsl the same number).
    trainable: u32,
    // Weight decay λ.
    l2: f32,
    // 1 / N, N the total count of the pairs.
    inv_total: f32,
    _pad0: u32,
}

fn w1_index(k: u32, c: u32, inputs: u32) -> u32 {
    return k * inputs + c;
}

fn b1_index(k: u32, inputs: u32, hidden: u32) -> u32 {
    return hidden * inputs + k;
}

fn w2_index(k: u32, inputs: u32, hidden: u32) -> u32 {
    return hidden * inputs + hidden + k;
}

fn activate(z: f32, activation: u32) -> f32 {
    if (activation == 1u) {
        return tanh(z);
    }
    return z;
}

// d act / d z, from the activation's value a.
fn activation_slope(a: f32, activation: u32) -> f32 {
    if (activation == 1u) {
        return 1.0 - a * a;
    }
    return 1.0;
}
