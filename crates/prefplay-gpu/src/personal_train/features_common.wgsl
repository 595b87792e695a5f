// Shared by features_expand and features_project: the feature models'
// parameter layouts (CPU twin: prefplay_core::personal::train_features).
//
// - Head (model 1): [A (H × d) | b (H) | w̄ (m) | δ (R × m)], H =
//   dims.units hidden tanh units (0: linear, m = d) or m = H.
// - PAL (model 2): [B (2 × d), or E (N × 2) when d = 0 | P (K × 2) | C
//   (R × K)], K = dims.units prototypes.
// - Low-rank on features (model 3): [b̄ (d) | V (d × K) | W (R × K)],
//   K = dims.rank.
//
// Their item-space view (what the low-rank kernels train) is [θ̄ (N) |
// V (N × rank) | W (R × rank)]: head θ̄ = 0, V_i = h(x_i), W_u = w̄ + δ_u;
// PAL θ̄_i = −‖f_i‖², V_i = f_i, W_u = 2a_u; low-rank θ̄_i = x_iᵀb̄,
// V_i = x_iᵀV, W_u = w_u. Then the view's logit θ̄_a − θ̄_b + (V_a −
// V_b)ᵀW_u is the model's.

const PAL_DIMS: u32 = 2u;

fn head_width(d: LowRankDims) -> u32 {
    return select(d.n_features, d.units, d.units > 0u);
}

fn head_layer_len(d: LowRankDims) -> u32 {
    return d.units * d.n_features + d.units;
}

fn pal_map_len(d: LowRankDims) -> u32 {
    return select(d.n_items * PAL_DIMS, PAL_DIMS * d.n_features, d.n_features > 0u);
}

fn pal_logits_start(d: LowRankDims) -> u32 {
    return pal_map_len(d) + d.units * PAL_DIMS;
}
