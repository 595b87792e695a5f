// Shared by the low-rank personalized model's kernels: sizes, penalties,
// the parameter layout [θ̄ (N) | V (N × K) | W (R × K)] and a vote's
// logit. CPU twin: prefplay_core::personal::train_low_rank.

struct LowRankDims {
    n_items: u32,
    n_raters: u32,
    n_votes: u32,
    rank: u32,
    n_params: u32,
    pad0: u32,
    pad1: u32,
    pad2: u32,
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
