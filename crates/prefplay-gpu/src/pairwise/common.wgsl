// The pairwise evaluation's shared declarations (prepended to each of its
// kernels by pairwise/mod.rs). θ = [scores, order effect?, tie?, features]
// as in prefplay_core::models::pairwise (problem.rs).

override WORKGROUP_SIZE: u32;

// Parameter slots that the model does not have.
const NONE: u32 = 0xffffffffu;

struct Params {
    n_items: u32,
    n_cells: u32,
    n_features: u32,
    // LINK_*.
    link: u32,
    // TIES_*.
    ties: u32,
    // θ's index of the order effect h, of the tie parameter, of β₀ (NONE
    // for the first two when the model has none).
    order_index: u32,
    tie_index: u32,
    features_start: u32,
    // Invocations per row of a two-dimensional dispatch (workgroups in x × WORKGROUP_SIZE).
    row_width: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}
