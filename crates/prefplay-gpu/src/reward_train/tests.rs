use super::*;

#[test]
fn tile_and_workgroup_sizes_match_the_shaders() {
    let tile = format!("const TILE: u32 = {REWARD_TILE}u;");
    let wg = format!("const WORKGROUP_SIZE: u32 = {REWARD_WORKGROUP_SIZE}u;");
    let tiled = format!("const WORKGROUP_SIZE: u32 = {REWARD_TILE}u;");
    for (name, source) in KERNELS {
        assert!(source.contains(&tile), "{name}");
        let tiled_kernel = matches!(name, "reward_hidden" | "reward_weight_grad");
        assert!(
            source.contains(if tiled_kernel { &tiled } else { &wg }),
            "{name}"
        );
    }
}

#[test]
fn reward_rows_orient_the_wins_to_each_row() {
    let pairs = RewardPairs {
        item_a: vec![0, 1],
        item_b: vec![2, 2],
        wins_a: vec![3.0, 1.0],
        wins_b: vec![1.0, 0.5],
    };
    let (row_start, opponent, wins) = reward_rows(3, &pairs);
    assert_eq!(row_start, [0, 1, 2, 4]);
    assert_eq!(opponent, [2, 2, 0, 1]);
    assert_eq!(wins, [[3.0, 1.0], [1.0, 0.5], [1.0, 3.0], [0.5, 1.0]]);
}
