// The E step for rater u (one invocation each): log π_j − Σ_v CE_j(v)
// over the rater's votes for each group, normalised by log-sum-exp into
// resp_u·; the rater's log-likelihood log Σ_j π_j Π_v p_j(v) goes to
// log_lik[u].

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

// Sizes and settings.
@group(0) @binding(0) var<uniform> dims: LowRankDims;
// Group scores K × N.
@group(0) @binding(1) var<storage, read> params: array<f32>;
// Votes (rater, a, b, bits of y).
@group(0) @binding(2) var<storage, read> votes: array<vec4<u32>>;
// Rater u's votes are rater_votes[rater_start[u] .. rater_start[u + 1]].
@group(0) @binding(3) var<storage, read> rater_start: array<u32>;
// Vote indices.
@group(0) @binding(4) var<storage, read> rater_votes: array<u32>;
// (W_j, π_j).
@group(0) @binding(5) var<storage, read> totals: array<vec2<f32>>;
// Responsibilities R × K, updated.
@group(0) @binding(6) var<storage, read_write> resp: array<f32>;
// Each rater's log-likelihood out.
@group(0) @binding(7) var<storage, read_write> log_lik: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn mixture_estep(@builtin(global_invocation_id) id: vec3<u32>) {
    let u = id.x;
    if (u >= dims.n_raters) {
        return;
    }
    let k = dims.rank;
    let n = dims.n_items;
    var logs: array<f32, MAX_GROUPS>;
    var top = -3.4e38;
    for (var j = 0u; j < k; j++) {
        var total = log(totals[j].y);
        for (var e = rater_start[u]; e < rater_start[u + 1u]; e++) {
            let vote = votes[rater_votes[e]];
            let z = params[j * n + vote.y] - params[j * n + vote.z];
            total -= cross_entropy(z, bitcast<f32>(vote.w));
        }
        logs[j] = total;
        top = max(top, total);
    }
    var sum = 0.0;
    for (var j = 0u; j < k; j++) {
        sum += exp(logs[j] - top);
    }
    for (var j = 0u; j < k; j++) {
        resp[u * k + j] = exp(logs[j] - top) / sum;
    }
    log_lik[u] = top + log(sum);
}
