//! The `prefplay` binary, run as a user would.

#![allow(clippy::unwrap_used)]

use std::process::Command;

fn prefplay(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_prefplay"))
        .args(args)
        .output()
        .expect("run prefplay")
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("prefplay-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn fit_prints_a_ranked_table_and_json() {
    let csv = temp_file(
        "votes.csv",
        "item_a,item_b,winner\nA,B,a\nB,A,b\nA,B,b\nA,B,a\nC,A,tie\n",
    );
    let out = prefplay(&["fit", csv.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let first_row = text.lines().nth(1).unwrap();
    assert!(first_row.trim_start().starts_with("1  A"), "{text}");

    let out = prefplay(&["fit", csv.to_str().unwrap(), "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["n_votes"], 5);
    assert_eq!(json["rows"][0]["item"], "A");
    assert_eq!(json["rows"][0]["wins"], 3);
    assert_eq!(json["rows"][0]["ties"], 1);
}

#[test]
fn bad_input_names_file_line_and_field() {
    let csv = temp_file("bad.csv", "item_a,item_b,winner\nA,B,a\nA,B,maybe\n");
    let out = prefplay(&["fit", csv.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("bad.csv") && err.contains("line 3") && err.contains("winner"),
        "{err}"
    );

    let good = temp_file("good.csv", "item_a,item_b,winner\nA,B,a\n");
    let out = prefplay(&["fit", good.to_str().unwrap(), "--l2", "0"]);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("l2"), "{err}");

    let out = prefplay(&["fit", "/nonexistent/votes.csv"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("/nonexistent/votes.csv")
    );
}
