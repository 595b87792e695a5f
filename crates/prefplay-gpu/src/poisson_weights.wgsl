// Poisson(1) bootstrap weights: weight[r * n_cells + i] for replicate r and
// cell i, a pure function of (seed, r, i) with 32-bit integers only.
// CPU twin: prefplay_core::counter_rng::poisson1_weight (bit for bit).

const WORKGROUP_SIZE: u32 = 64u;

struct Params {
    n_cells: u32,
    n_replicates: u32,
    seed: u32,
    _pad: u32,
}

// Sizes and the seed.
@group(0) @binding(0) var<uniform> params: Params;
// One weight per (replicate, cell), replicate-major.
@group(0) @binding(1) var<storage, read_write> weights: array<u32>;

// PCG-RXS-M-XS 32 as a hash (Jarzynski & Olano, JCGT 2020).
fn pcg_hash(input: u32) -> u32 {
    let state = input * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

// ⌊P(K ≤ k)·2³²⌋ for K ~ Poisson(1), k = 0..11.
const THRESHOLDS = array<u32, 12>(
    1580030168u, 3160060337u, 3950075421u, 4213413783u,
    4279248373u, 4292415291u, 4294609777u, 4294923276u,
    4294962463u, 4294966817u, 4294967252u, 4294967292u,
);

@compute @workgroup_size(WORKGROUP_SIZE)
fn poisson_weights(@builtin(global_invocation_id) id: vec3<u32>) {
    let cell = id.x;
    let replicate = id.y;
    if (cell >= params.n_cells || replicate >= params.n_replicates) {
        return;
    }
    let u = pcg_hash(pcg_hash(pcg_hash(params.seed) ^ replicate) ^ cell);
    var weight = 0u;
    for (var k = 0u; k < 12u; k++) {
        if (u >= THRESHOLDS[k]) {
            weight = k + 1u;
        }
    }
    weights[replicate * params.n_cells + cell] = weight;
}
