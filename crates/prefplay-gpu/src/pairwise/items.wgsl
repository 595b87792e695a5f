// Each item's gradient and information diagonal: one invocation per item
// sums its own row of cells (compressed sparse rows, each cell in the rows
// of both its items), so no atomics are needed.
// CPU twin: the score part of prefplay_core's Problem::likelihood_with.

@group(0) @binding(0) var<uniform> params: Params;
// Row i's entries are row_start[i] .. row_start[i + 1].
@group(0) @binding(1) var<storage, read> row_start: array<u32>;
// Entry e's cell, with bit 31 set when the row's item is the cell's b.
@group(0) @binding(2) var<storage, read> row_cells: array<u32>;
// From pairwise_cells.
@group(0) @binding(3) var<storage, read> cell_terms_out: array<vec4<f32>>;
// Item i's (∂ℓ/∂sᵢ, −∂²ℓ/∂sᵢ²).
@group(0) @binding(4) var<storage, read_write> item_out: array<vec2<f32>>;

const SECOND_ITEM: u32 = 0x80000000u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn pairwise_items(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.x + gid.y * params.row_width;
    if (i >= params.n_items) {
        return;
    }
    var grad = 0.0;
    var info = 0.0;
    for (var e = row_start[i]; e < row_start[i + 1u]; e = e + 1u) {
        let entry = row_cells[e];
        let t = cell_terms_out[entry & ~SECOND_ITEM];
        grad = grad + select(t.y, -t.y, (entry & SECOND_ITEM) != 0u);
        info = info + t.z;
    }
    item_out[i] = vec2<f32>(grad, info);
}
