// Batched MAP (or, under a gauge, maximum-likelihood) fits of any pairwise
// model — Bradley–Terry or Thurstone, ties as halves, dropped, Davidson or
// Rao–Kupper, an order effect, feature coefficients — one workgroup per
// dataset (a bootstrap replicate, or one rater's votes) over a shared
// set of cells, one Newton step per dispatch (the host dispatches again
// until every dataset is done, so no dispatch runs long).
//
// Each Newton step solves I·d = g (I the information, prior included) by
// Jacobi-preconditioned conjugate gradients with information-vector
// products (Nocedal & Wright, *Numerical Optimization*, 2nd ed., §7.1,
// "Newton-CG"), then halves the step while the log-posterior falls. Sums
// are per-workgroup tree reductions in workgroup memory: no float
// atomics, no traffic between workgroups.
// CPU twin: prefplay_core::models::pairwise (cpu.rs: NewtonCg on the same
// counts in f64, from the same start).
//
// θ = [scores s, order effect h?, tie parameter τ?, feature coefficients β]
// as in prefplay_core (problem.rs); cell k has η = s_a − s_b + h·adv + β·x
// and its terms from terms.wgsl. Per cell the evaluation keeps
// (−∂²ℓ/∂η², −∂²ℓ/∂η∂τ, −∂²ℓ/∂τ², ∂ℓ/∂η) in `cell_scratch`; an
// information-vector product I·v is one pass over the cells
// (u_k = −∂²ℓ/∂η² · δη_k + −∂²ℓ/∂η∂τ · v_τ, δη_k = ∂η_k/∂θ · v), sums of u
// over each item's row of cells, and workgroup sums for h, τ and β.
//
// Under a prior (λ > 0) the scores' all-ones direction has information λ
// alone, and f32 rounding in the sums would move the scores along it by
// noise/λ, so the solve stays in the centred subspace: the score block of
// the gradient, of the preconditioned residual and of I·direction have
// their means removed (projected preconditioned CG; nothing changes in
// exact arithmetic, as ℓ depends on score differences only). Without a
// prior the gauge item is held at 0 instead (its gradient and step are 0).

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;
// A parameter slot the model does not have.
const NONE: u32 = 0xffffffffu;
// Bit 31 of a row entry: the row's item is the cell's second.
const SECOND_ITEM: u32 = 0x80000000u;
// Status bits.
const CONVERGED: u32 = 0x80000000u;
const DIVERGED: u32 = 0x40000000u;
// Longest Newton step, in logits (larger steps are scaled down to it).
const MAX_STEP: f32 = 4.0;
// Step halvings before a step is taken anyway.
const MAX_HALVINGS: u32 = 30u;
// Sums of squares below this are treated as zero: CG stops before its
// scalars reach f32's subnormal range, where a 0/0 could make NaN
// decide a loop (and NaN comparisons differ between implementations).
const TINY: f32 = 1e-30;

struct Params {
    n_items: u32,
    n_cells: u32,
    n_features: u32,
    // θ's length.
    dim: u32,
    // LINK_* and TIES_* of terms.wgsl.
    link: u32,
    ties: u32,
    // θ's index of h and τ (NONE when absent), of β₀.
    order_index: u32,
    tie_index: u32,
    features_start: u32,
    // The item held at 0 (NONE under a prior).
    gauge: u32,
    max_iterations: u32,
    max_cg: u32,
    // Word offsets in `model`: the rows (n_items + 1 starts, then the
    // entries), the features (n_features per cell), the start θ.
    rows_at: u32,
    features_at: u32,
    start_at: u32,
    _pad0: u32,
    // Prior strengths on the scores and on the other parameters.
    l2: f32,
    extras_l2: f32,
    // Stop when the largest step is at most this.
    tolerance: f32,
    // Stop CG when |residual| ≤ cg_tolerance · |gradient|.
    cg_tolerance: f32,
    // A step is accepted when the log-posterior falls by at most this
    // share of its size (f32 rounding in the sum).
    accept_slack: f32,
    // Also converged when steps stop shrinking (the f32 noise floor of an
    // ill-conditioned problem) while at most this large.
    stall_tolerance: f32,
    // A parameter beyond ± this: diverged (the maximum is at infinity).
    diverged_at: f32,
    // Added to the other parameters' information in the solve only, so a
    // constant feature cannot make it singular (the objective is unchanged).
    extras_ridge: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
// The model, read-only, as u32 words: cell k's (a, b, bits of its order
// advantage, 0) at 4k; the rows at rows_at (item i's entries are
// row_start[i] .. row_start[i + 1], each a cell with SECOND_ITEM when i is
// its b); the features' bits at features_at; the start θ's at start_at.
@group(0) @binding(1) var<storage, read> model: array<u32>;
// Counts per (dataset, cell): wins of a, wins of b, ties.
@group(0) @binding(2) var<storage, read> weights: array<u32>;
// Output: θ per (dataset, parameter).
@group(0) @binding(3) var<storage, read_write> theta: array<f32>;
// Scratch per (dataset, parameter): (CG residual, CG direction,
// I·direction then preconditioned residual, preconditioner diagonal).
@group(0) @binding(4) var<storage, read_write> work: array<vec4<f32>>;
// Scratch per (dataset, parameter): (Newton step, trial point).
@group(0) @binding(5) var<storage, read_write> step: array<vec2<f32>>;
// Scratch per (dataset, cell): see the header.
@group(0) @binding(6) var<storage, read_write> cell_scratch: array<vec4<f32>>;
// State per dataset between dispatches (zero before the first): x: Newton
// steps (bits 0–7), CG steps in all (bits 8–29), DIVERGED, CONVERGED;
// y: the log-posterior at θ (f32 bits); z: the last step's length.
@group(0) @binding(7) var<storage, read_write> status: array<vec4<u32>>;

var<workgroup> partial: array<vec4<f32>, WORKGROUP_SIZE>;
var<workgroup> total: vec4<f32>;
var<workgroup> state_shared: vec4<u32>;
var<workgroup> flag_shared: u32;

// The sums over the workgroup of each invocation's `value` (four at
// once), uniform.
fn workgroup_sum(lid: u32, value: vec4<f32>) -> vec4<f32> {
    partial[lid] = value;
    workgroupBarrier();
    for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
        if (lid < stride) {
            partial[lid] = partial[lid] + partial[lid + stride];
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        total = partial[0];
    }
    return workgroupUniformLoad(&total);
}

// The maxima over the workgroup of each invocation's `value`, uniform.
fn workgroup_max(lid: u32, value: vec4<f32>) -> vec4<f32> {
    partial[lid] = value;
    workgroupBarrier();
    for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
        if (lid < stride) {
            partial[lid] = max(partial[lid], partial[lid + stride]);
        }
        workgroupBarrier();
    }
    if (lid == 0u) {
        total = partial[0];
    }
    return workgroupUniformLoad(&total);
}

fn cell_items(k: u32) -> vec2<u32> {
    return vec2<u32>(model[4u * k], model[4u * k + 1u]);
}

fn advantage(k: u32) -> f32 {
    return bitcast<f32>(model[4u * k + 2u]);
}

fn feature(k: u32, j: u32) -> f32 {
    return bitcast<f32>(model[params.features_at + k * params.n_features + j]);
}

// Row i's entries: [first, end) in `model`.
fn row_range(i: u32) -> vec2<u32> {
    let entries_at = params.rows_at + params.n_items + 1u;
    return vec2<u32>(
        entries_at + model[params.rows_at + i],
        entries_at + model[params.rows_at + i + 1u],
    );
}

// Dataset r's counts of cell k.
fn counts_of(r: u32, k: u32) -> vec3<f32> {
    let slot = 3u * (r * params.n_cells + k);
    return vec3<f32>(f32(weights[slot]), f32(weights[slot + 1u]), f32(weights[slot + 2u]));
}

// θ_q of dataset r: the current point, or the trial point.
fn param(r: u32, q: u32, trial: bool) -> f32 {
    let at = r * params.dim + q;
    if (trial) {
        return step[at].y;
    }
    return theta[at];
}

// η of cell k in dataset r.
fn eta_at(r: u32, k: u32, trial: bool) -> f32 {
    let ab = cell_items(k);
    var eta = param(r, ab.x, trial) - param(r, ab.y, trial);
    if (params.order_index != NONE) {
        eta = eta + param(r, params.order_index, trial) * advantage(k);
    }
    for (var j = 0u; j < params.n_features; j++) {
        eta = eta + param(r, params.features_start + j, trial) * feature(k, j);
    }
    return eta;
}

fn tie_at(r: u32, trial: bool) -> f32 {
    if (params.tie_index == NONE) {
        return 0.0;
    }
    return param(r, params.tie_index, trial);
}

// The prior's strength on θ_q.
fn prior_of(q: u32) -> f32 {
    return select(params.extras_l2, params.l2, q < params.n_items);
}

// What the solve adds to θ_q's information: the prior, and the ridge on
// the other parameters.
fn added_curvature(q: u32) -> f32 {
    return select(params.extras_l2 + params.extras_ridge, params.l2, q < params.n_items);
}

// Log-posterior (up to a constant) of dataset r at the current or trial
// point.
fn log_posterior(r: u32, lid: u32, trial: bool) -> f32 {
    let tie = tie_at(r, trial);
    var part = 0.0;
    for (var k = lid; k < params.n_cells; k += WORKGROUP_SIZE) {
        part += cell_terms(params.link, params.ties, eta_at(r, k, trial), tie, counts_of(r, k)).log_lik;
    }
    for (var q = lid; q < params.dim; q += WORKGROUP_SIZE) {
        let x = param(r, q, trial);
        part -= 0.5 * prior_of(q) * x * x;
    }
    return workgroup_sum(lid, vec4<f32>(part, 0.0, 0.0, 0.0)).x;
}

// The likelihood's gradient and information diagonal at the current
// point into work[q].x and work[q].w, and each cell's terms into
// cell_scratch.
fn evaluate(r: u32, lid: u32) {
    let cells_at = r * params.n_cells;
    let base = r * params.dim;
    let tie = tie_at(r, false);
    var part = vec4<f32>(0.0);
    for (var k = lid; k < params.n_cells; k += WORKGROUP_SIZE) {
        let t = cell_terms(params.link, params.ties, eta_at(r, k, false), tie, counts_of(r, k));
        cell_scratch[cells_at + k] = vec4<f32>(t.info_eta, t.info_cross, t.info_tie, t.d_eta);
        let adv = advantage(k);
        part += vec4<f32>(t.d_eta * adv, t.info_eta * adv * adv, t.d_tie, t.info_tie);
    }
    let sums = workgroup_sum(lid, part);
    if (lid == 0u) {
        if (params.order_index != NONE) {
            work[base + params.order_index] = vec4<f32>(sums.x, 0.0, 0.0, sums.y);
        }
        if (params.tie_index != NONE) {
            work[base + params.tie_index] = vec4<f32>(sums.z, 0.0, 0.0, sums.w);
        }
    }
    // The cells' terms, written by the whole workgroup, are read next.
    storageBarrier();
    for (var j = 0u; j < params.n_features; j += 2u) {
        let second = j + 1u < params.n_features;
        var f = vec4<f32>(0.0);
        for (var k = lid; k < params.n_cells; k += WORKGROUP_SIZE) {
            let c = cell_scratch[cells_at + k];
            let x0 = feature(k, j);
            let x1 = select(0.0, feature(k, min(j + 1u, params.n_features - 1u)), second);
            f += vec4<f32>(c.w * x0, c.x * x0 * x0, c.w * x1, c.x * x1 * x1);
        }
        let fs = workgroup_sum(lid, f);
        if (lid == 0u) {
            work[base + params.features_start + j] = vec4<f32>(fs.x, 0.0, 0.0, fs.y);
            if (second) {
                work[base + params.features_start + j + 1u] = vec4<f32>(fs.z, 0.0, 0.0, fs.w);
            }
        }
    }
    for (var i = lid; i < params.n_items; i += WORKGROUP_SIZE) {
        let range = row_range(i);
        var g = 0.0;
        var d = 0.0;
        for (var e = range.x; e < range.y; e++) {
            let entry = model[e];
            let c = cell_scratch[cells_at + (entry & ~SECOND_ITEM)];
            g += select(c.w, -c.w, (entry & SECOND_ITEM) != 0u);
            d += c.x;
        }
        work[base + i] = vec4<f32>(g, 0.0, 0.0, d);
    }
    storageBarrier();
}

// I·p into work[q].z, p = work[q].y the CG direction (prior included;
// the gauge's row is the identity). Overwrites cell_scratch's w with u.
fn information_times_direction(r: u32, lid: u32) {
    let cells_at = r * params.n_cells;
    let base = r * params.dim;
    var p_tie = 0.0;
    if (params.tie_index != NONE) {
        p_tie = work[base + params.tie_index].y;
    }
    var part = vec4<f32>(0.0);
    for (var k = lid; k < params.n_cells; k += WORKGROUP_SIZE) {
        let ab = cell_items(k);
        let adv = advantage(k);
        var d_eta = work[base + ab.x].y - work[base + ab.y].y;
        if (params.order_index != NONE) {
            d_eta += work[base + params.order_index].y * adv;
        }
        for (var j = 0u; j < params.n_features; j++) {
            d_eta += work[base + params.features_start + j].y * feature(k, j);
        }
        let c = cell_scratch[cells_at + k];
        let u = c.x * d_eta + c.y * p_tie;
        cell_scratch[cells_at + k].w = u;
        part += vec4<f32>(adv * u, c.y * d_eta + c.z * p_tie, 0.0, 0.0);
    }
    let sums = workgroup_sum(lid, part);
    if (lid == 0u) {
        if (params.order_index != NONE) {
            let q = base + params.order_index;
            work[q].z = sums.x + added_curvature(params.order_index) * work[q].y;
        }
        if (params.tie_index != NONE) {
            let q = base + params.tie_index;
            work[q].z = sums.y + added_curvature(params.tie_index) * work[q].y;
        }
    }
    storageBarrier();
    for (var j = 0u; j < params.n_features; j += 4u) {
        var f = vec4<f32>(0.0);
        for (var k = lid; k < params.n_cells; k += WORKGROUP_SIZE) {
            let u = cell_scratch[cells_at + k].w;
            var x = vec4<f32>(0.0);
            for (var m = 0u; m < 4u; m++) {
                if (j + m < params.n_features) {
                    x[m] = feature(k, j + m);
                }
            }
            f += u * x;
        }
        let fs = workgroup_sum(lid, f);
        if (lid == 0u) {
            for (var m = 0u; m < 4u; m++) {
                if (j + m < params.n_features) {
                    let q = base + params.features_start + j + m;
                    work[q].z = fs[m] + added_curvature(params.features_start + j + m) * work[q].y;
                }
            }
        }
    }
    for (var i = lid; i < params.n_items; i += WORKGROUP_SIZE) {
        let p_i = work[base + i].y;
        if (i == params.gauge) {
            work[base + i].z = p_i;
            continue;
        }
        let range = row_range(i);
        var out = params.l2 * p_i;
        for (var e = range.x; e < range.y; e++) {
            let entry = model[e];
            let u = cell_scratch[cells_at + (entry & ~SECOND_ITEM)].w;
            out += select(u, -u, (entry & SECOND_ITEM) != 0u);
        }
        work[base + i].z = out;
    }
    storageBarrier();
}

// Whether the trial point is inside the parameter space (Rao–Kupper's
// α > 0), uniform.
fn feasible_trial(r: u32, lid: u32) -> bool {
    if (lid == 0u) {
        flag_shared = select(0u, 1u, params.ties != TIES_RAO_KUPPER || tie_at(r, true) > 0.0);
    }
    return workgroupUniformLoad(&flag_shared) == 1u;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn batch_fit(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_id) local: vec3<u32>,
) {
    let r = group.x;
    let lid = local.x;
    let n = params.n_items;
    let dim = params.dim;
    let base = r * dim;
    let centred = params.gauge == NONE;
    if (lid == 0u) {
        state_shared = status[r];
    }
    let state = workgroupUniformLoad(&state_shared);
    var iterations = state.x & 0xffu;
    var cg_steps = (state.x >> 8u) & 0x3fffffu;
    if ((state.x & (CONVERGED | DIVERGED)) != 0u || iterations >= params.max_iterations) {
        return;
    }
    var current = bitcast<f32>(state.y);
    var previous_step = bitcast<f32>(state.z);
    if (iterations == 0u) {
        for (var q = lid; q < dim; q += WORKGROUP_SIZE) {
            theta[base + q] = bitcast<f32>(model[params.start_at + q]);
        }
        storageBarrier();
        current = log_posterior(r, lid, false);
        previous_step = 3.4e38;
    }
    evaluate(r, lid);
    // The score block's mean likelihood gradient (0 in exact arithmetic).
    var g_part = 0.0;
    for (var i = lid; i < n; i += WORKGROUP_SIZE) {
        g_part += work[base + i].x;
    }
    var g_mean = 0.0;
    let g_sum = workgroup_sum(lid, vec4<f32>(g_part, 0.0, 0.0, 0.0)).x;
    if (centred) {
        g_mean = g_sum / f32(n);
    }
    // CG starts at x = 0 with residual g (prior included) and z = g / d;
    // sums: (Σ_scores z, Σ r·z, Σ r², Σ_scores r).
    var sums_part = vec4<f32>(0.0);
    for (var q = lid; q < dim; q += WORKGROUP_SIZE) {
        let w = work[base + q];
        let is_score = q < n;
        var g = w.x - prior_of(q) * theta[base + q];
        var d = w.w + added_curvature(q);
        if (is_score) {
            g -= g_mean;
        }
        if (q == params.gauge) {
            g = 0.0;
            d = 1.0;
        }
        d = max(d, TINY);
        let z = g / d;
        work[base + q] = vec4<f32>(g, 0.0, z, d);
        step[base + q].x = 0.0;
        sums_part += vec4<f32>(select(0.0, z, is_score), g * z, g * g, select(0.0, g, is_score));
    }
    var sums = workgroup_sum(lid, sums_part);
    var z_mean = select(0.0, sums.x / f32(n), centred);
    var rz = sums.y - z_mean * sums.w;
    var rr = sums.z;
    for (var q = lid; q < dim; q += WORKGROUP_SIZE) {
        work[base + q].y = work[base + q].z - select(0.0, z_mean, q < n);
    }
    storageBarrier();
    let cg_stop = max(rr * params.cg_tolerance * params.cg_tolerance, TINY);
    for (var k = 0u; k < params.max_cg; k++) {
        if (!(rr > cg_stop && rz > TINY)) {
            break;
        }
        information_times_direction(r, lid);
        var pq_part = vec4<f32>(0.0);
        for (var q = lid; q < dim; q += WORKGROUP_SIZE) {
            let w = work[base + q];
            pq_part += vec4<f32>(w.y * w.z, select(0.0, w.z, q < n), 0.0, 0.0);
        }
        let pq_sums = workgroup_sum(lid, pq_part);
        let pq = pq_sums.x;
        let q_mean = select(0.0, pq_sums.y / f32(n), centred);
        if (!(pq > TINY)) {
            break;
        }
        let alpha = rz / pq;
        cg_steps += 1u;
        sums_part = vec4<f32>(0.0);
        for (var q = lid; q < dim; q += WORKGROUP_SIZE) {
            let w = work[base + q];
            let is_score = q < n;
            step[base + q].x += alpha * w.y;
            let residual = w.x - alpha * (w.z - select(0.0, q_mean, is_score));
            let z = residual / w.w;
            work[base + q] = vec4<f32>(residual, w.y, z, w.w);
            sums_part += vec4<f32>(
                select(0.0, z, is_score),
                residual * z,
                residual * residual,
                select(0.0, residual, is_score),
            );
        }
        sums = workgroup_sum(lid, sums_part);
        z_mean = select(0.0, sums.x / f32(n), centred);
        let rz_new = sums.y - z_mean * sums.w;
        rr = sums.z;
        let beta = rz_new / rz;
        rz = rz_new;
        for (var q = lid; q < dim; q += WORKGROUP_SIZE) {
            let w = work[base + q];
            work[base + q].y = w.z - select(0.0, z_mean, q < n) + beta * w.y;
        }
        // Every invocation reads others' directions next.
        storageBarrier();
    }
    var largest_part = 0.0;
    for (var q = lid; q < dim; q += WORKGROUP_SIZE) {
        largest_part = max(largest_part, abs(step[base + q].x));
    }
    let largest = workgroup_max(lid, vec4<f32>(largest_part)).x;
    var t = 1.0;
    if (largest > MAX_STEP) {
        t = MAX_STEP / largest;
    }
    // Step halving until the log-posterior does not fall.
    var trial = current;
    for (var halving = 0u; halving <= MAX_HALVINGS; halving++) {
        for (var q = lid; q < dim; q += WORKGROUP_SIZE) {
            step[base + q].y = theta[base + q] + t * step[base + q].x;
        }
        storageBarrier();
        if (feasible_trial(r, lid)) {
            trial = log_posterior(r, lid, true);
            if (trial >= current - params.accept_slack * abs(current) || halving == MAX_HALVINGS) {
                break;
            }
        } else if (halving == MAX_HALVINGS) {
            // No feasible point along the step: stay.
            t = 0.0;
            trial = current;
            for (var q = lid; q < dim; q += WORKGROUP_SIZE) {
                step[base + q].y = theta[base + q];
            }
            storageBarrier();
            break;
        }
        t = 0.5 * t;
    }
    var farthest_part = 0.0;
    for (var q = lid; q < dim; q += WORKGROUP_SIZE) {
        let x = step[base + q].y;
        theta[base + q] = x;
        farthest_part = max(farthest_part, abs(x));
    }
    let farthest = workgroup_max(lid, vec4<f32>(farthest_part)).x;
    current = trial;
    iterations += 1u;
    let taken = t * largest;
    let stalled = taken <= params.stall_tolerance && taken > 0.5 * previous_step;
    let converged = taken <= params.tolerance || stalled;
    let diverged = !(farthest <= params.diverged_at);
    var flags = 0u;
    if (diverged) {
        flags = DIVERGED;
    } else if (converged) {
        flags = CONVERGED;
    }
    if (lid == 0u) {
        status[r] = vec4<u32>(
            min(iterations, 255u) | (min(cg_steps, 0x3fffffu) << 8u) | flags,
            bitcast<u32>(current),
            bitcast<u32>(taken),
            0u,
        );
    }
}
