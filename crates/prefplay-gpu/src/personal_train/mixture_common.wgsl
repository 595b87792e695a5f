// Shared by the mixture's EM kernels (CPU twin:
// prefplay_core::personal::train_mixture): K = dims.rank groups, group j's
// scores params[j · N + i], responsibilities resp[u · K + j], per group
// totals (W_j = Σ_votes resp, π_j) and slopes[j · votes + v].

// Most groups the E step holds.
const MAX_GROUPS: u32 = 8u;

// −[y log σ(z) + (1 − y) log σ(−z)].
fn cross_entropy(z: f32, y: f32) -> f32 {
    return y * log1p_exp(-z) + (1.0 - y) * log1p_exp(z);
}
