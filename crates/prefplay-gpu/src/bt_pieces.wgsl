// Bradley–Terry Newton pieces over a comparison graph in CSR layout.
// One invocation per item (CSR row): no atomics, each writes only its own row.
// CPU twin: prefplay_core::pairwise::PairwiseModel::likelihood_pieces (f64).
//
// For entry e = (i, j) with wins w = (w_ij, w_ji), d = s_i - s_j, p = σ(d):
//   log-lik += w_ij log σ(d) + w_ji log σ(-d)   (each pair is seen from both rows)
//   grad_i  += w_ij - n p,   info_ii += n p (1 - p),   info_ij = -n p (1 - p)

const WORKGROUP_SIZE: u32 = 64u;

struct Params {
    n_items: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

// Number of items.
@group(0) @binding(0) var<uniform> params: Params;
// Row i's entries are row_start[i] .. row_start[i + 1]; length n_items + 1.
@group(0) @binding(1) var<storage, read> row_start: array<u32>;
// Entry e's opponent item j.
@group(0) @binding(2) var<storage, read> opponent: array<u32>;
// Entry e's (wins of i over j, wins of j over i); ties count half.
@group(0) @binding(3) var<storage, read> wins: array<vec2<f32>>;
// Current scores, one per item.
@group(0) @binding(4) var<storage, read> scores: array<f32>;
// Per item: (log-likelihood of its row, gradient, information diagonal, 0).
@group(0) @binding(5) var<storage, read_write> item_out: array<vec4<f32>>;
// Per entry: the off-diagonal information element (i, j).
@group(0) @binding(6) var<storage, read_write> info_offdiag: array<f32>;

// log1p_exp and sigmoid come from numerics.wgsl.

@compute @workgroup_size(WORKGROUP_SIZE)
fn bt_pieces(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x;
    if (i >= params.n_items) {
        return;
    }
    let s_i = scores[i];
    var log_lik = 0.0;
    var grad = 0.0;
    var info = 0.0;
    for (var e = row_start[i]; e < row_start[i + 1u]; e = e + 1u) {
        let w = wins[e];
        let d = s_i - scores[opponent[e]];
        let p = sigmoid(d);
        let total = w.x + w.y;
        let h = total * p * (1.0 - p);
        log_lik = log_lik - w.x * log1p_exp(-d) - w.y * log1p_exp(d);
        grad = grad + w.x - total * p;
        info = info + h;
        info_offdiag[e] = -h;
    }
    item_out[i] = vec4<f32>(log_lik, grad, info, 0.0);
}
