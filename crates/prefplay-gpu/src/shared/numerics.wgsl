// Numerically stable helpers shared by the kernels (prepended to a
// kernel's source by its Rust module). CPU twins: prefplay_core::numerics.

// log(1 + e^x) without overflow.
fn log1p_exp(x: f32) -> f32 {
    return max(x, 0.0) + log(1.0 + exp(-abs(x)));
}

// σ(x) without overflow.
fn sigmoid(x: f32) -> f32 {
    if (x >= 0.0) {
        return 1.0 / (1.0 + exp(-x));
    }
    let e = exp(x);
    return e / (1.0 + e);
}
