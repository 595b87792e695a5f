// Shared by the personalized models' kernels: sizes, penalties and the
// low-rank layout [θ̄ (N) | V (N × K) | W (R × K)]. CPU twins in
// prefplay_core::personal (train_low_rank and the others).

struct LowRankDims {
    n_items: u32,
    n_raters: u32,
    n_votes: u32,
    rank: u32,
    // Parameters Adam updates.
    n_params: u32,
    // Item feature columns d (feature models).
    n_features: u32,
    // Hidden units (feature head) or prototypes (PAL).
    units: u32,
    // 0: the low-rank kernels train the parameters themselves; 1 feature
    // head, 2 PAL, 3 low-rank on features: they compute the gradient of
    // the model's item-space view [θ̄ | V | W] (no penalties there), which
    // features_project carries back to the model's parameters.
    model: u32,
    // Prior strength on θ̄ and on V, W (on the summed cross-entropy).
    l2: f32,
    basis_l2: f32,
    // 1 / votes.
    inv_votes: f32,
    learning_rate: f32,
}

fn v_index(d: LowRankDims, item: u32, j: u32) -> u32 {
    return d.n_items + item * d.rank + j;
}

fn w_index(d: LowRankDims, rater: u32, j: u32) -> u32 {
    return d.n_items + d.n_items * d.rank + rater * d.rank + j;
}

// 1 when the low-rank kernels' penalties apply (they train the
// parameters themselves), 0 when they see a feature model's view.
fn own_prior(d: LowRankDims) -> f32 {
    return select(1.0, 0.0, d.model != 0u);
}
