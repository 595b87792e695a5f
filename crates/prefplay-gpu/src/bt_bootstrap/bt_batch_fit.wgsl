// Batched Bradley–Terry (or Thurstone–Mosteller) MAP fits, one Newton step
// per dispatch (the host dispatches up to max_iterations times; a converged
// dataset returns at once), so no dispatch runs long: one workgroup fits one dataset (a
// bootstrap replicate, or one rater's votes) over a shared comparison
// graph, from zero, by Newton steps whose systems are solved by
// Jacobi-preconditioned conjugate gradients with Hessian-vector products
// (Nocedal & Wright, *Numerical Optimization*, 2nd ed., §7.1, "Newton-CG"),
// and step halving on the log-posterior. Sums are per-workgroup tree
// reductions in workgroup memory: no float atomics, no cross-workgroup
// traffic, one dispatch for the whole fit.
// CPU twin: prefplay_core::pairwise (f64 Newton on the same weighted counts).
//
// Dataset r's counts of cell c come from `weights` (slots 3c: wins of the
// cell's first item, 3c + 1: of its second, 3c + 2: ties, half a win each).
// For entry e = (i, j), d = s_i − s_j, F = σ (logit) or Φ (probit):
//   log-lik += w_ij log F(d) + w_ji log F(−d)   (each pair seen from both rows)
//   grad_i  += w_ij (log F)'(d) − w_ji (log F)'(−d),   (H v)_i += h_e (v_i − v_j)
// with h_e = −w_ij (log F)''(d) − w_ji (log F)''(−d) ≥ 0 (log F is concave):
// logit: grad w_ij − n σ(d), h_e = n σ(d) σ(−d), n = w_ij + w_ji;
// probit: (log Φ)' = λ the inverse Mills ratio, −(log Φ)''(x) = λ(x)(x + λ(x)).
// and the prior N(0, 1/λ) adds −λ s_i to grad_i and λ v_i to (H v)_i.
//
// The MAP is centred (Σ s_i = 0: the likelihood's gradient sums to zero),
// and along the all-ones direction the Hessian is only λ, so f32 rounding
// in the sums would move the scores along it by noise/λ. The solve is
// therefore kept in the centred subspace: the likelihood gradient, the
// preconditioned residual and H·direction have their means removed
// (projected preconditioned CG), which changes nothing in exact arithmetic.
// log1p_exp and sigmoid come from numerics.wgsl.

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;
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
    max_iterations: u32,
    max_cg: u32,
    l2: f32,
    // Stop when the largest step is at most this (logits).
    tolerance: f32,
    // Stop CG when |residual| ≤ cg_tolerance · |gradient|.
    cg_tolerance: f32,
    // A step is accepted when the log-posterior falls by at most this
    // share of its size (f32 rounding in the sum).
    accept_slack: f32,
    // Also converged when steps stop shrinking (the f32 noise floor of an
    // ill-conditioned problem) while at most this large (logits).
    stall_tolerance: f32,
    // 0: logit (Bradley–Terry), 1: probit (Thurstone–Mosteller).
    link: u32,
    _pad1: u32,
    _pad2: u32,
}

// Sizes and solver settings.
@group(0) @binding(0) var<uniform> params: Params;
// Row i's entries are row_start[i] .. row_start[i + 1]; length n_items + 1.
@group(0) @binding(1) var<storage, read> row_start: array<u32>;
// Entry e: (opponent j, 2 · cell + 1 if i is the cell's second item).
@group(0) @binding(2) var<storage, read> entries: array<vec2<u32>>;
// Counts per (dataset, slot), dataset-major: 3 · n_cells per dataset.
@group(0) @binding(3) var<storage, read> weights: array<u32>;
// Output: scores per (dataset, item).
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;
// Scratch per (dataset, item): (CG residual, CG direction, H·direction
// then preconditioned residual, preconditioner diagonal).
@group(0) @binding(5) var<storage, read_write> work: array<vec4<f32>>;
// Scratch per (dataset, item): (Newton step, trial point).
@group(0) @binding(6) var<storage, read_write> step: array<vec2<f32>>;
// State per dataset between dispatches (zero before the first): x: Newton
// steps taken (bits 0–7), conjugate-gradient steps in all (bits 8–30), bit
// 31 set when converged; y: the log-posterior at the scores (f32 bits);
// z: the last step's length (f32 bits); w: unused.
@group(0) @binding(7) var<storage, read_write> status: array<vec4<u32>>;

var<workgroup> partial: array<vec4<f32>, WORKGROUP_SIZE>;
var<workgroup> total: vec4<f32>;
var<workgroup> state_shared: vec4<u32>;

// The sums over the workgroup of each invocation's `value` (four sums at
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

// The maximum over the workgroup of each invocation's `value`, uniform.
fn workgroup_max(lid: u32, value: f32) -> f32 {
    partial[lid] = vec4<f32>(value);
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
    return workgroupUniformLoad(&total).x;
}

// (wins of the row's item, wins of its opponent) of entry `packed` in dataset r.
fn entry_wins(r: u32, packed: u32) -> vec2<f32> {
    let slot = 3u * (r * params.n_cells + (packed >> 1u));
    let first = f32(weights[slot]);
    let second = f32(weights[slot + 1u]);
    let half_ties = 0.5 * f32(weights[slot + 2u]);
    if ((packed & 1u) == 0u) {
        return vec2<f32>(first + half_ties, second + half_ties);
    }
    return vec2<f32>(second + half_ties, first + half_ties);
}

// Score of item i in dataset r: the current point, or the trial point.
fn score_at(r: u32, i: u32, trial: bool) -> f32 {
    let k = r * params.n_items + i;
    if (trial) {
        return step[k].y;
    }
    return scores[k];
}

// Row i of dataset r: (log-likelihood of the row, gradient, information).
fn row_pieces(r: u32, i: u32, trial: bool) -> vec3<f32> {
    let s_i = score_at(r, i, trial);
    var out = vec3<f32>(0.0);
    for (var e = row_start[i]; e < row_start[i + 1u]; e = e + 1u) {
        let entry = entries[e];
        let w = entry_wins(r, entry.y);
        out = out + binary_terms(params.link == 1u, s_i - score_at(r, entry.x, trial), w);
    }
    return out;
}

// (H v)_i for dataset r at the current point, v the CG direction.
fn hessian_times_direction(r: u32, i: u32) -> f32 {
    let base = r * params.n_items;
    let s_i = scores[base + i];
    let v_i = work[base + i].y;
    var out = params.l2 * v_i;
    for (var e = row_start[i]; e < row_start[i + 1u]; e = e + 1u) {
        let entry = entries[e];
        let w = entry_wins(r, entry.y);
        let h = binary_terms(params.link == 1u, s_i - scores[base + entry.x], w).z;
        out = out + h * (v_i - work[base + entry.x].y);
    }
    return out;
}

// Log-posterior (up to a constant) of dataset r at the current or trial point.
fn log_posterior(r: u32, lid: u32, trial: bool) -> f32 {
    var part = 0.0;
    for (var i = lid; i < params.n_items; i += WORKGROUP_SIZE) {
        let s = score_at(r, i, trial);
        part = part + 0.5 * row_pieces(r, i, trial).x - 0.5 * params.l2 * s * s;
    }
    return workgroup_sum(lid, vec4<f32>(part, 0.0, 0.0, 0.0)).x;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn bt_batch_fit(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_id) local: vec3<u32>,
) {
    let r = group.x;
    let lid = local.x;
    let n = params.n_items;
    let base = r * n;
    if (lid == 0u) {
        state_shared = status[r];
    }
    let state = workgroupUniformLoad(&state_shared);
    var iterations = state.x & 0xffu;
    var cg_steps = (state.x >> 8u) & 0x7fffffu;
    if ((state.x >> 31u) == 1u || iterations >= params.max_iterations) {
        return;
    }
    var current = bitcast<f32>(state.y);
    var previous_step = bitcast<f32>(state.z);
    if (iterations == 0u) {
        for (var i = lid; i < n; i += WORKGROUP_SIZE) {
            scores[base + i] = 0.0;
        }
        storageBarrier();
        current = log_posterior(r, lid, false);
        previous_step = 3.4e38;
    }
    // Likelihood gradient (centred below) and preconditioner d.
    var g_part = 0.0;
    for (var i = lid; i < n; i += WORKGROUP_SIZE) {
        let pieces = row_pieces(r, i, false);
        work[base + i] = vec4<f32>(pieces.y, 0.0, 0.0, pieces.z + params.l2);
        g_part = g_part + pieces.y;
    }
    let g_mean = workgroup_sum(lid, vec4<f32>(g_part, 0.0, 0.0, 0.0)).x / f32(n);
    // CG starts at x = 0 with residual g and z = g / d.
    var sums_part = vec4<f32>(0.0);
    for (var i = lid; i < n; i += WORKGROUP_SIZE) {
        let w = work[base + i];
        let g = w.x - g_mean - params.l2 * scores[base + i];
        let z = g / w.w;
        work[base + i] = vec4<f32>(g, 0.0, z, w.w);
        step[base + i].x = 0.0;
        sums_part = sums_part + vec4<f32>(z, g * z, g * g, g);
    }
    var sums = workgroup_sum(lid, sums_part);
    var z_mean = sums.x / f32(n);
    var rz = sums.y - z_mean * sums.w;
    var rr = sums.z;
    for (var i = lid; i < n; i += WORKGROUP_SIZE) {
        work[base + i].y = work[base + i].z - z_mean;
    }
    storageBarrier();
    let cg_stop = max(rr * params.cg_tolerance * params.cg_tolerance, TINY);
    for (var k = 0u; k < params.max_cg; k++) {
        if (!(rr > cg_stop && rz > TINY)) {
            break;
        }
        var pq_part = vec4<f32>(0.0);
        for (var i = lid; i < n; i += WORKGROUP_SIZE) {
            let q = hessian_times_direction(r, i);
            work[base + i].z = q;
            pq_part = pq_part + vec4<f32>(work[base + i].y * q, q, 0.0, 0.0);
        }
        let pq_sums = workgroup_sum(lid, pq_part);
        let pq = pq_sums.x;
        let q_mean = pq_sums.y / f32(n);
        if (!(pq > TINY)) {
            break;
        }
        let alpha = rz / pq;
        cg_steps = cg_steps + 1u;
        sums_part = vec4<f32>(0.0);
        for (var i = lid; i < n; i += WORKGROUP_SIZE) {
            let w = work[base + i];
            step[base + i].x = step[base + i].x + alpha * w.y;
            let residual = w.x - alpha * (w.z - q_mean);
            let z = residual / w.w;
            work[base + i] = vec4<f32>(residual, w.y, z, w.w);
            sums_part = sums_part + vec4<f32>(z, residual * z, residual * residual, residual);
        }
        sums = workgroup_sum(lid, sums_part);
        z_mean = sums.x / f32(n);
        let rz_new = sums.y - z_mean * sums.w;
        rr = sums.z;
        let beta = rz_new / rz;
        rz = rz_new;
        for (var i = lid; i < n; i += WORKGROUP_SIZE) {
            let w = work[base + i];
            work[base + i].y = w.z - z_mean + beta * w.y;
        }
        // Every invocation reads its opponents' directions next.
        storageBarrier();
    }
    var largest_part = 0.0;
    for (var i = lid; i < n; i += WORKGROUP_SIZE) {
        largest_part = max(largest_part, abs(step[base + i].x));
    }
    let largest = workgroup_max(lid, largest_part);
    var t = 1.0;
    if (largest > MAX_STEP) {
        t = MAX_STEP / largest;
    }
    // Step halving until the log-posterior does not fall.
    var trial = current;
    for (var halving = 0u; halving <= MAX_HALVINGS; halving++) {
        for (var i = lid; i < n; i += WORKGROUP_SIZE) {
            step[base + i].y = scores[base + i] + t * step[base + i].x;
        }
        storageBarrier();
        trial = log_posterior(r, lid, true);
        if (trial >= current - params.accept_slack * abs(current) || halving == MAX_HALVINGS) {
            break;
        }
        t = 0.5 * t;
    }
    for (var i = lid; i < n; i += WORKGROUP_SIZE) {
        scores[base + i] = step[base + i].y;
    }
    storageBarrier();
    current = trial;
    iterations = iterations + 1u;
    let taken = t * largest;
    let stalled = taken <= params.stall_tolerance && taken > 0.5 * previous_step;
    let converged = taken <= params.tolerance || stalled;
    if (lid == 0u) {
        status[r] = vec4<u32>(
            min(iterations, 255u) | (min(cg_steps, 0x7fffffu) << 8u) | select(0u, 0x80000000u, converged),
            bitcast<u32>(current),
            bitcast<u32>(taken),
            0u,
        );
    }
}
