// Poisson bootstrap weights: weight[r * n_slots + k] for replicate
// first_replicate + r and slot k, the inverse-CDF draw of the slot's
// Poisson table at a counter-based uniform; 32-bit integers only.
// CPU twin: prefplay_core::counter_rng::PoissonTables::weight (bit for bit).

// Set by the host from the kernel's descriptor (context.rs, Kernel).
override WORKGROUP_SIZE: u32;

struct Params {
    n_slots: u32,
    n_replicates: u32,
    seed: u32,
    first_replicate: u32,
}

// Sizes, the seed and the first replicate's number.
@group(0) @binding(0) var<uniform> params: Params;
// Per slot, its table's index in `spans`.
@group(0) @binding(1) var<storage, read> slot_table: array<u32>;
// Per table: (smallest value, first threshold, number of thresholds, 0).
@group(0) @binding(2) var<storage, read> spans: array<vec4<u32>>;
// All tables' thresholds ⌊P(K ≤ lo + k)·2³²⌋, concatenated.
@group(0) @binding(3) var<storage, read> thresholds: array<u32>;
// One weight per (replicate, slot), replicate-major.
@group(0) @binding(4) var<storage, read_write> weights: array<u32>;

// PCG-RXS-M-XS 32 as a hash (Jarzynski & Olano, JCGT 2020).
fn pcg_hash(input: u32) -> u32 {
    let state = input * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

// Grid-stride over slots (x), one replicate per workgroup row (y).
@compute @workgroup_size(WORKGROUP_SIZE)
fn poisson_weights(
    @builtin(global_invocation_id) id: vec3<u32>,
    @builtin(num_workgroups) groups: vec3<u32>,
) {
    let r = id.y;
    if (r >= params.n_replicates) {
        return;
    }
    let stride = groups.x * WORKGROUP_SIZE;
    let replicate_hash = pcg_hash(pcg_hash(params.seed) ^ (params.first_replicate + r));
    for (var slot = id.x; slot < params.n_slots; slot += stride) {
        let span = spans[slot_table[slot]];
        let u = pcg_hash(replicate_hash ^ slot);
        // Number of thresholds ≤ u, by binary search.
        var lower = 0u;
        var upper = span.z;
        while (lower < upper) {
            let mid = (lower + upper) / 2u;
            if (thresholds[span.y + mid] <= u) {
                lower = mid + 1u;
            } else {
                upper = mid;
            }
        }
        weights[r * params.n_slots + slot] = span.x + lower;
    }
}
