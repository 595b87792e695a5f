use super::*;

/// The tiled kernels run TILE × TILE workgroups over tiles that
/// `reward_common.wgsl` sizes with its TILE, the one number the shader
/// keeps (workgroup memory is sized by it).
#[test]
fn tiled_kernels_run_workgroups_of_the_shaders_tile() {
    let tile = format!("const TILE: u32 = {REWARD_TILE}u;");
    let own = KERNELS
        .iter()
        .filter(|k| !std::ptr::eq(**k, &crate::adam::ADAM));
    for kernel in own {
        assert!(kernel.source.contains(&tile), "{}", kernel.name);
        let tiled = kernel
            .source
            .contains("@workgroup_size(WORKGROUP_SIZE, WORKGROUP_SIZE)");
        assert_eq!(
            tiled,
            kernel.workgroup_size == REWARD_TILE,
            "{}",
            kernel.name
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
