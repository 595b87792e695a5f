//! The `prefplay` binary, run as a user would.

#![allow(clippy::unwrap_used)]

use std::process::Command;

/// Runs `prefplay` with no calibration cache (an empty cache folder of
/// its own), so `--engine auto` takes the committed first guess whatever
/// this machine has cached.
fn prefplay(args: &[&str]) -> std::process::Output {
    prefplay_cached(
        args,
        &std::env::temp_dir().join("prefplay-cli-test-no-cache"),
    )
}

/// Runs `prefplay` with its calibration cache in `cache`.
fn prefplay_cached(args: &[&str], cache: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_prefplay"))
        .args(args)
        .env("PREFPLAY_CACHE_DIR", cache)
        .output()
        .expect("run prefplay")
}

fn temp_file(name: &str, text: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("prefplay-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn ok_json(args: &[&str]) -> serde_json::Value {
    let out = prefplay(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn failure(args: &[&str]) -> String {
    let out = prefplay(args);
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_run_that_probes_the_gpu_prints_no_error_lines() {
    // 100 items × 200 bootstrap replicates is past the GPU crossover, so
    // `--engine auto` probes the adapter; on Mesa without a display its
    // device-select layer used to print two "error: XDG_RUNTIME_DIR …"
    // lines before the run went on to succeed on the CPU.
    let out = prefplay(&["simulate", "--items", "100", "--votes", "3000"]);
    assert!(out.status.success());
    let csv = temp_file("probe.csv", &out.stdout);
    let out = Command::new(env!("CARGO_BIN_EXE_prefplay"))
        .args(["fit", csv.to_str().unwrap(), "--ci", "bootstrap"])
        .env_remove("NODEVICE_SELECT")
        .env_remove("XDG_RUNTIME_DIR")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.lines().any(|l| l.starts_with("error")),
        "a successful run printed errors:\n{stderr}"
    );
}

#[test]
fn fit_prints_a_ranked_table_and_the_documented_json() {
    let csv = temp_file(
        "votes.csv",
        b"item_a,item_b,winner\nA,B,a\nB,A,b\nA,B,b\nA,B,a\nC,A,tie\n",
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

    let json = ok_json(&["fit", csv.to_str().unwrap(), "--json"]);
    for key in [
        "model",
        "ties",
        "engine",
        "adapter",
        "engine_choice",
        "items",
        "order_effect",
        "tie_parameter",
        "log_likelihood",
        "n_votes",
        "iterations",
        "converged",
        "warnings",
        "timings_ms",
    ] {
        assert!(json.get(key).is_some(), "missing {key}: {json}");
    }
    assert_eq!(json["n_votes"], 5);
    assert_eq!(json["engine"], "cpu");
    let top = &json["items"][0];
    assert_eq!(top["name"], "A");
    assert_eq!(
        (
            top["wins"].as_u64(),
            top["ties"].as_u64(),
            top["n"].as_u64()
        ),
        (Some(3), Some(1), Some(5))
    );
    for key in [
        "score",
        "se",
        "ci_low",
        "ci_high",
        "rank",
        "rank_low",
        "rank_high",
        "losses",
    ] {
        assert!(top.get(key).is_some(), "item lacks {key}");
    }
    for key in ["parse", "fit", "ci"] {
        assert!(json["timings_ms"][key].as_f64().unwrap() >= 0.0);
    }
}

#[test]
fn every_model_and_tie_option_runs() {
    let sim = prefplay(&[
        "simulate",
        "--items",
        "6",
        "--votes",
        "600",
        "--tie-rate",
        "0.2",
        "--position-bias",
        "0.4",
        "--seed",
        "2",
    ]);
    assert!(sim.status.success());
    let csv = temp_file("sim.csv", &sim.stdout);
    let path = csv.to_str().unwrap();
    for ties in ["half", "drop", "davidson", "rao-kupper"] {
        let json = ok_json(&[
            "fit",
            path,
            "--ties",
            ties,
            "--order-effect",
            "--l2",
            "0",
            "--json",
        ]);
        assert_eq!(json["converged"], true, "{ties}");
        assert!(
            json["order_effect"]["estimate"].as_f64().unwrap() > 0.0,
            "{ties}"
        );
        let has_tie_parameter = !json["tie_parameter"].is_null();
        assert_eq!(
            has_tie_parameter,
            ties == "davidson" || ties == "rao-kupper",
            "{ties}"
        );
    }
    for model in ["thurstone", "plackett-luce", "elo", "rank-centrality"] {
        let json = ok_json(&["fit", path, "--model", model, "--ci", "none", "--json"]);
        assert_eq!(json["items"].as_array().unwrap().len(), 6, "{model}");
    }
    for ci in ["sandwich", "bootstrap"] {
        let json = ok_json(&[
            "fit",
            path,
            "--ci",
            ci,
            "--bootstrap",
            "50",
            "--seed",
            "9",
            "--level",
            "0.9",
            "--json",
        ]);
        let it = &json["items"][0];
        assert!(
            it["ci_low"].as_f64().unwrap() < it["score"].as_f64().unwrap(),
            "{ci}"
        );
    }
    let referenced = ok_json(&[
        "fit",
        path,
        "--reference",
        "item 3",
        "--scale",
        "elo",
        "--json",
    ]);
    let item3 = referenced["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "item 3")
        .unwrap()
        .clone();
    assert!((item3["score"].as_f64().unwrap() - 1000.0).abs() < 1e-9);
    // Elo's K: a larger step spreads the ratings further; K ≤ 0 is refused.
    let spread = |k: &str| {
        let json = ok_json(&["fit", path, "--model", "elo", "--elo-k", k, "--json"]);
        let scores: Vec<f64> = json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["score"].as_f64().unwrap())
            .collect();
        scores.iter().fold(f64::MIN, |m, &x| m.max(x))
            - scores.iter().fold(f64::MAX, |m, &x| m.min(x))
    };
    assert!(spread("16") > spread("2"));
    assert!(failure(&["fit", path, "--model", "elo", "--elo-k", "0"]).contains("k"));
}

#[test]
fn eval_reports_held_out_metrics_and_truth() {
    let dir = std::env::temp_dir().join(format!("prefplay-cli-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let truth = dir.join("truth.csv");
    let sim = prefplay(&[
        "simulate",
        "--votes",
        "2000",
        "--seed",
        "5",
        "--truth",
        truth.to_str().unwrap(),
    ]);
    let csv = temp_file("eval.csv", &sim.stdout);
    let json = ok_json(&[
        "eval",
        csv.to_str().unwrap(),
        "--truth",
        truth.to_str().unwrap(),
        "--json",
    ]);
    let acc = json["accuracy"].as_f64().unwrap();
    assert!(acc > 0.6 && acc < 1.0, "{json}");
    assert!(json["log_loss"].as_f64().unwrap() < std::f64::consts::LN_2);
    assert!(json["kendall_tau"].as_f64().unwrap() > 0.7);
    let n_test = json["n_test"].as_u64().unwrap();
    assert!((300..500).contains(&n_test), "{n_test}");
    let by_rater = ok_json(&[
        "eval",
        csv.to_str().unwrap(),
        "--rater-column",
        "rater",
        "--json",
    ]);
    assert!(by_rater["n_test"].as_u64().unwrap() > 0);
}

#[test]
fn convert_round_trips_through_every_format() {
    let csv = temp_file(
        "conv.csv",
        b"item_a,item_b,winner,rater\nx,y,a,r1\ny,z,b,r2\nz,x,a,r1\n",
    );
    let dir = csv.parent().unwrap().to_path_buf();
    let base = ok_json(&["fit", csv.to_str().unwrap(), "--json"]);
    for to in [
        "winner-loser",
        "arena",
        "hf",
        "crowdkit",
        "prefplay",
        "pairs",
    ] {
        let out = dir.join(format!("conv.{to}"));
        let run = prefplay(&[
            "convert",
            csv.to_str().unwrap(),
            out.to_str().unwrap(),
            "--to",
            to,
        ]);
        assert!(
            run.status.success(),
            "{to}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let again = ok_json(&["fit", out.to_str().unwrap(), "--json"]);
        assert_eq!(again["items"][0]["name"], base["items"][0]["name"], "{to}");
        assert!(
            (again["items"][0]["score"].as_f64().unwrap()
                - base["items"][0]["score"].as_f64().unwrap())
            .abs()
                < 1e-9,
            "{to}"
        );
    }
    let ties = temp_file("ties.csv", b"item_a,item_b,winner\nx,y,tie\n");
    let err = failure(&["convert", ties.to_str().unwrap(), "-", "--to", "crowdkit"]);
    assert!(err.contains("no ties"), "{err}");
}

#[test]
fn bad_input_names_file_line_and_field() {
    let csv = temp_file("bad.csv", b"item_a,item_b,winner\nA,B,a\nA,B,maybe\n");
    let err = failure(&["fit", csv.to_str().unwrap()]);
    assert!(
        err.contains("bad.csv") && err.contains("line 3") && err.contains("winner"),
        "{err}"
    );

    let cases: [(&str, &[u8], &str); 6] = [
        ("empty.csv", b"", "empty"),
        ("header.csv", b"item_a,item_b,winner\n", "no votes"),
        ("missing.csv", b"item_a,item_b,winner\n", "no votes"),
        ("utf8.csv", b"item_a,item_b,winner\nA,\xff,a\n", "UTF-8"),
        (
            "count.csv",
            b"item_a,item_b,winner,count\nA,B,a,-1\n",
            "count",
        ),
        (
            "dup.csv",
            b"item_a,item_b,winner,winner\nA,B,a,a\n",
            "duplicate",
        ),
    ];
    for (name, text, needle) in cases {
        let path = temp_file(name, text);
        let err = failure(&["fit", path.to_str().unwrap()]);
        assert!(err.contains(needle) && err.contains(name), "{name}: {err}");
    }
    let good = temp_file("good.csv", b"item_a,item_b,winner\nA,B,a\n");
    let err = failure(&["fit", good.to_str().unwrap(), "--l2=-1"]);
    assert!(err.contains("l2"), "{err}");
    let err = failure(&["fit", good.to_str().unwrap(), "--reference", "Z"]);
    assert!(err.contains("Z"), "{err}");
    let err = failure(&["fit", "/nonexistent/votes.csv"]);
    assert!(err.contains("/nonexistent/votes.csv"), "{err}");

    // One item beat the other every time: plain ML does not exist; the fit
    // falls back to the prior and says so, with finite numbers.
    let json = ok_json(&["fit", good.to_str().unwrap(), "--l2", "0", "--json"]);
    let warnings = json["warnings"].to_string();
    assert!(warnings.contains("does not exist"), "{warnings}");
    assert!(json["items"][0]["score"].as_f64().unwrap().is_finite());
}

#[test]
fn plackett_luce_reads_rankings_and_best_of_k() {
    let csv = temp_file(
        "rank.csv",
        b"ranking,unranked,count\nx > y > z,,3\ny > x > z,,2\nz,x|y,1\nx,y|z,2\n",
    );
    let json = ok_json(&[
        "fit",
        csv.to_str().unwrap(),
        "--model",
        "plackett-luce",
        "--l2",
        "0",
        "--json",
    ]);
    assert_eq!(json["converged"], true);
    assert_eq!(json["items"][0]["name"], "x");
    assert!(json["items"][0]["se"].as_f64().unwrap() > 0.0);
    for ci in ["sandwich", "bootstrap"] {
        let path = csv.to_str().unwrap();
        let args = [
            "fit",
            path,
            "--model",
            "plackett-luce",
            "--ci",
            ci,
            "--bootstrap",
            "200",
            "--json",
        ];
        let other = ok_json(&args);
        let se = other["items"][0]["se"].as_f64().unwrap();
        assert!(se > 0.0 && se.is_finite(), "{ci}: {se}");
        assert!(
            other["warnings"].as_array().unwrap().is_empty(),
            "{ci}: {}",
            other["warnings"]
        );
    }
    // The same file under Bradley–Terry is broken into pairwise wins.
    let bt = ok_json(&["fit", csv.to_str().unwrap(), "--json"]);
    assert_eq!(bt["n_votes"], 3 * 3 + 2 * 3 + 2 + 2 * 2);
}

#[test]
fn raters_are_scored_and_the_unreliable_flagged() {
    let sim = prefplay(&[
        "simulate",
        "--items",
        "8",
        "--votes",
        "6000",
        "--raters",
        "10",
        "--random-raters",
        "0.2",
        "--group-spread",
        "0",
        "--seed",
        "3",
    ]);
    let csv = temp_file("raters.csv", &sim.stdout);
    let json = ok_json(&["fit", csv.to_str().unwrap(), "--raters", "--json"]);
    let raters = json["raters"].as_array().unwrap();
    assert_eq!(raters.len(), 10);
    // The simulator makes the last raters the random ones.
    for r in raters {
        let random = r["name"] == "rater 9" || r["name"] == "rater 10";
        assert_eq!(r["flagged"], random, "{r}");
    }
    let path = csv.to_str().unwrap();
    let boot = ok_json(&[
        "fit",
        path,
        "--raters",
        "--ci",
        "bootstrap",
        "--bootstrap",
        "40",
        "--json",
    ]);
    for item in boot["items"].as_array().unwrap() {
        let se = item["se"].as_f64().unwrap();
        assert!(se > 0.0 && se.is_finite(), "{item}");
    }
    let err = failure(&[
        "fit",
        csv.to_str().unwrap(),
        "--raters",
        "--model",
        "thurstone",
    ]);
    assert!(err.contains("--raters"), "{err}");
}

/// Fails under CI=true when `--engine gpu` fell back to the CPU.
fn check_the_gpu_ran(gpu: &serde_json::Value) {
    if gpu["engine"] != "gpu" {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "no GPU ran under CI=true: {}",
            gpu["warnings"]
        );
        eprintln!(
            "no GPU adapter; the fallback was checked: {}",
            gpu["warnings"]
        );
    } else {
        assert!(gpu["adapter"].as_str().unwrap().starts_with("GPU: "));
    }
}

/// `--ci bootstrap --seed S` gives the same intervals on both engines
/// (1e-4), for plain Bradley–Terry and for Davidson ties with an order
/// effect: the GPU fits the same Poisson replicates in f32, and the
/// order effect's and tie parameter's standard errors agree too.
#[test]
fn the_gpu_bootstrap_matches_the_cpu_bootstrap() {
    let sim = prefplay(&[
        "simulate",
        "--items",
        "25",
        "--votes",
        "3000",
        "--seed",
        "8",
        "--tie-rate",
        "0.15",
        "--position-bias",
        "0.3",
    ]);
    assert!(sim.status.success());
    let csv = temp_file("gpu_boot.csv", &sim.stdout);
    let path = csv.to_str().unwrap();
    for flags in [&[][..], &["--ties", "davidson", "--order-effect"]] {
        let run = |engine: &str, seed: &str| {
            let mut args = vec![
                "fit",
                path,
                "--engine",
                engine,
                "--ci",
                "bootstrap",
                "--bootstrap",
                "300",
                "--seed",
                seed,
                "--json",
            ];
            args.extend_from_slice(flags);
            ok_json(&args)
        };
        let (cpu, gpu) = (run("cpu", "11"), run("gpu", "11"));
        check_the_gpu_ran(&gpu);
        assert!(
            !gpu["warnings"]
                .to_string()
                .contains("bootstrap ran on the CPU"),
            "{flags:?}: {}",
            gpu["warnings"]
        );
        // 300 cells × 300 replicates is above the hardware crossover; over a
        // software adapter (lavapipe) auto keeps to the CPU. Same answer.
        let auto = run("auto", "11");
        if std::env::var("CI").as_deref() == Ok("true") {
            assert_eq!(
                auto["engine"], "cpu",
                "auto over lavapipe: {}",
                auto["adapter"]
            );
        }
        assert_eq!(
            auto["items"], cpu["items"],
            "auto on the CPU gives the CPU's answer"
        );
        let other_seed = run("cpu", "12");
        let mut seed_moved = false;
        for ((x, y), z) in cpu["items"]
            .as_array()
            .unwrap()
            .iter()
            .zip(gpu["items"].as_array().unwrap())
            .zip(other_seed["items"].as_array().unwrap())
        {
            for key in ["se", "ci_low", "ci_high"] {
                let (p, q) = (x[key].as_f64().unwrap(), y[key].as_f64().unwrap());
                assert!(
                    (p - q).abs() < 1e-4,
                    "{flags:?}: {key} of {}: {p} vs {q}",
                    x["name"]
                );
                seed_moved |= (p - z[key].as_f64().unwrap()).abs() > 1e-3;
            }
        }
        assert!(seed_moved, "another seed should draw other replicates");
        for key in ["order_effect", "tie_parameter"] {
            let (p, q) = (cpu[key]["se"].as_f64(), gpu[key]["se"].as_f64());
            assert_eq!(p.is_some(), q.is_some(), "{flags:?}: {key}");
            if let (Some(p), Some(q)) = (p, q) {
                assert!((p - q).abs() < 1e-4, "{flags:?}: {key} se {p} vs {q}");
            }
        }
    }
}

/// `--engine gpu` gives the CPU's estimates and intervals for every
/// pairwise model (the GPU fits in `f32`, the CPU finishes in `f64`), and
/// refuses what it does not run; with CI=true a missing adapter (a
/// fallback to the CPU) fails the test.
#[test]
fn the_gpu_engine_matches_the_cpu_on_every_pairwise_model() {
    let sim = prefplay(&[
        "simulate",
        "--items",
        "30",
        "--votes",
        "4000",
        "--seed",
        "5",
        "--tie-rate",
        "0.15",
        "--position-bias",
        "0.3",
    ]);
    assert!(sim.status.success());
    let csv = temp_file("gpu.csv", &sim.stdout);
    let path = csv.to_str().unwrap();
    let first = String::from_utf8_lossy(&sim.stdout)
        .lines()
        .nth(1)
        .and_then(|line| line.split(',').next().map(str::to_string))
        .unwrap();
    for flags in [
        &[][..],
        &["--order-effect"],
        &["--ties", "davidson"],
        &["--ties", "rao-kupper", "--ci", "sandwich"],
        &["--ties", "drop"],
        &["--model", "thurstone", "--quasi"],
        &["--l2", "0", "--reference", &first, "--order-effect"],
    ] {
        let run = |engine: &str| {
            let mut args = vec!["fit", path, "--engine", engine, "--json"];
            args.extend_from_slice(flags);
            ok_json(&args)
        };
        let (cpu, gpu) = (run("cpu"), run("gpu"));
        assert_eq!(cpu["engine"], "cpu");
        check_the_gpu_ran(&gpu);
        let (a, b) = (
            cpu["items"].as_array().unwrap(),
            gpu["items"].as_array().unwrap(),
        );
        assert_eq!(a.len(), 30);
        for (x, y) in a.iter().zip(b) {
            assert_eq!(x["name"], y["name"], "{flags:?}");
            for key in ["score", "se", "ci_low", "ci_high", "quasi_se"] {
                let (p, q) = (x[key].as_f64(), y[key].as_f64());
                assert_eq!(p.is_some(), q.is_some(), "{flags:?}: {key}");
                if let (Some(p), Some(q)) = (p, q) {
                    assert!(
                        (p - q).abs() < 1e-6,
                        "{flags:?}: {key} of {}: {p} vs {q}",
                        x["name"]
                    );
                }
            }
        }
        for key in ["order_effect", "tie_parameter"] {
            let (p, q) = (&cpu[key]["estimate"], &gpu[key]["estimate"]);
            assert_eq!(p.is_null(), q.is_null(), "{flags:?}: {key}");
            if let (Some(p), Some(q)) = (p.as_f64(), q.as_f64()) {
                assert!((p - q).abs() < 1e-6, "{flags:?}: {key}: {p} vs {q}");
            }
        }
        let (p, q) = (
            cpu["log_likelihood"].as_f64().unwrap(),
            gpu["log_likelihood"].as_f64().unwrap(),
        );
        assert!((p - q).abs() < 1e-6, "{flags:?}: log-likelihood {p} vs {q}");
    }
    for flags in [&["--model", "elo"][..], &["--raters"]] {
        let mut args = vec!["fit", path, "--engine", "gpu"];
        args.extend_from_slice(flags);
        let err = failure(&args);
        assert!(err.contains("--engine gpu"), "{flags:?}: {err}");
    }
}

/// `prefplay calibrate` measures every family within its budget and
/// caches it; `fit --engine auto` then follows the cached predictions
/// (shown by a calibration that makes the GPU win) and says so, and does
/// not probe the GPU when the calibration says the CPU is faster.
#[test]
fn calibrate_caches_the_costs_and_auto_follows_them() {
    let cache = std::env::temp_dir().join(format!("prefplay-cli-cal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let out = prefplay_cached(&["calibrate", "--json", "--budget-ms", "300"], &cache);
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "calibrate failed under CI=true: {err}"
        );
        assert!(err.contains("no GPU adapter"), "{err}");
        return;
    }
    let cal: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let adapter = cal["adapter"].as_str().unwrap().to_string();
    assert!(!cal["families"].as_array().unwrap().is_empty(), "{cal}");
    let cached: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cache.join("calibration.json")).unwrap()).unwrap();
    assert_eq!(cached[&adapter]["adapter"], cal["adapter"]);
    let sim = prefplay(&["simulate", "--items", "12", "--votes", "200", "--seed", "3"]);
    let csv = temp_file("calibrated.csv", &sim.stdout);
    let path = csv.to_str().unwrap();
    let fit = |cache: &std::path::Path| {
        let out = prefplay_cached(&["fit", path, "--json"], cache);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    // A calibration whose GPU costs nothing: auto runs the fit there.
    let free = serde_json::json!({
        &adapter: {
            "adapter": adapter,
            "took_ms": 1.0,
            "families": [{
                "workload": "Fits",
                "cpu_samples": [[10.0, 1.0], [100.0, 10.0]],
                "gpu_samples": [[10.0, 0.0], [100.0, 0.0]],
                "cpu": {"fixed_ms": 0.0, "per_unit_ms": 0.1},
                "gpu": {"fixed_ms": 0.0, "per_unit_ms": 0.0}
            }]
        }
    });
    let rigged = cache.join("rigged");
    std::fs::create_dir_all(&rigged).unwrap();
    std::fs::write(rigged.join("calibration.json"), free.to_string()).unwrap();
    let on_gpu = fit(&rigged);
    assert_eq!(on_gpu["engine"], "gpu", "{on_gpu}");
    let why = on_gpu["engine_choice"].as_str().unwrap();
    assert!(
        why.starts_with("auto: GPU:") && why.contains("predicted"),
        "{why}"
    );
    // The same votes on the CPU: the same scores.
    let cpu = fit(&cache.join("none"));
    for (x, y) in cpu["items"]
        .as_array()
        .unwrap()
        .iter()
        .zip(on_gpu["items"].as_array().unwrap())
    {
        let (p, q) = (x["score"].as_f64().unwrap(), y["score"].as_f64().unwrap());
        assert!((p - q).abs() < 1e-6, "{p} vs {q}");
    }
    // A calibration that makes the GPU dear: the CPU, without a probe.
    let dear = free.to_string().replace(
        r#""gpu":{"fixed_ms":0.0,"per_unit_ms":0.0}"#,
        r#""gpu":{"fixed_ms":1000.0,"per_unit_ms":1.0}"#,
    );
    assert_ne!(dear, free.to_string());
    std::fs::write(rigged.join("calibration.json"), dear).unwrap();
    let off = fit(&rigged);
    assert_eq!(
        (off["engine"].as_str(), off["adapter"].as_str()),
        (Some("cpu"), None)
    );
    // A cache that is not one: fit warns, naming the file, and runs;
    // calibrate refuses and leaves the file as it was.
    let broken = cache.join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    let file = broken.join("calibration.json");
    std::fs::write(&file, "{not json").unwrap();
    let warned = fit(&broken);
    let warnings = warned["warnings"].to_string();
    assert!(
        warnings.contains("calibration.json") && warnings.contains("not a calibration cache"),
        "{warnings}"
    );
    let out = prefplay_cached(&["calibrate", "--budget-ms", "50"], &broken);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("calibration.json"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "{not json");
}

/// `prefplay loss` on every case of the published-formula table
/// (prefplay-core's tests/golden/loss_table.csv): the JSON's row losses are
/// the table's, and the gradients sum into the mean's slope.
#[test]
fn loss_prints_the_published_values_for_every_type() {
    let table = include_str!("../../prefplay-core/tests/golden/loss_table.csv");
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    let col = |name: &str| header.split(',').position(|h| h == name).unwrap();
    let mut cases: std::collections::BTreeMap<u32, Vec<Vec<&str>>> = Default::default();
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        cases
            .entry(fields[0].parse().unwrap())
            .or_default()
            .push(fields);
    }
    let mut types = std::collections::BTreeSet::new();
    for (case, rows) in &cases {
        let first = &rows[0];
        let kind = first[col("type")];
        types.insert(kind.to_string());
        let csv: String = std::iter::once(header.to_string())
            .chain(rows.iter().map(|r| r.join(",")))
            .collect::<Vec<_>>()
            .join("\n");
        let path = temp_file(&format!("loss-{case}.csv"), csv.as_bytes());
        let mut args = vec!["loss", path.to_str().unwrap(), "--type", kind, "--json"];
        for flag in [
            "beta",
            "label_smoothing",
            "gamma",
            "tau",
            "cpo_alpha",
            "desirable_weight",
            "undesirable_weight",
        ] {
            args.push(Box::leak(
                format!("--{}", flag.replace('_', "-")).into_boxed_str(),
            ));
            args.push(first[col(flag)]);
        }
        if first[col("wpo")] == "1" {
            args.push("--wpo");
        }
        let out = ok_json(&args);
        assert_eq!(out["type"], kind);
        let got = out["rows"].as_array().unwrap();
        assert_eq!(got.len(), rows.len());
        for (g, r) in got.iter().zip(rows) {
            let expected: f64 = r[col("loss")].parse().unwrap();
            let loss = g["loss"].as_f64().unwrap();
            assert!(
                (loss - expected).abs() <= 1e-9 * (1.0 + expected.abs()),
                "case {case} {kind}: {loss} vs {expected}"
            );
            assert!(g["grad_chosen"].as_f64().unwrap().is_finite());
        }
    }
    assert_eq!(types.len(), 19);
}

#[test]
fn loss_names_bad_cells_and_unknown_types() {
    let path = temp_file(
        "bad-loss.csv",
        b"policy_chosen_logp,policy_rejected_logp,ref_chosen_logp,ref_rejected_logp\n-1,-2,-1,-2\n-1,oops,-1,-2\n",
    );
    let err = failure(&["loss", path.to_str().unwrap(), "--type", "ipo"]);
    assert!(
        err.contains("bad-loss.csv, line 3, field `policy_rejected_logp`") && err.contains("oops"),
        "{err}"
    );
    let err = failure(&["loss", path.to_str().unwrap(), "--type", "dpop"]);
    assert!(err.contains("dpop") && err.contains("sigmoid"), "{err}");
    let err = failure(&[
        "loss",
        path.to_str().unwrap(),
        "--type",
        "robust",
        "--label-smoothing",
        "0.5",
    ]);
    assert!(err.contains("label_smoothing"), "{err}");
    let out = prefplay(&["loss", path.to_str().unwrap(), "--type", "sigmoid"]);
    assert!(!out.status.success());
}

/// Two groups of raters who disagree, as a pairs CSV with a rater column.
fn two_groups_csv() -> std::path::PathBuf {
    let (data, _) = prefplay_core::models::personal::simulate_groups(40, 10, 25, 2, 2.0, 11);
    let mut csv = String::from("item_a,item_b,winner,rater\n");
    for v in &data.votes {
        let w = if v.y == 1.0 { "a" } else { "b" };
        csv.push_str(&format!(
            "{},{},{w},{}\n",
            data.items[v.a as usize], data.items[v.b as usize], data.raters[v.rater as usize]
        ));
    }
    temp_file("groups.csv", csv.as_bytes())
}

#[test]
fn eval_scores_personalized_models_on_a_share_of_each_raters_votes() {
    let csv = two_groups_csv();
    let path = csv.to_str().unwrap();
    let run = |model: &str| {
        ok_json(&[
            "eval",
            path,
            "--model",
            model,
            "--rater-column",
            "rater",
            "--holdout",
            "0.2",
            "--seed",
            "3",
            "--json",
        ])
    };
    let bt = run("bt");
    // 25 votes per rater: 5 of each held out.
    assert_eq!(bt["n_test"].as_u64().unwrap(), 200, "{bt}");
    let bt_loss = bt["log_loss"].as_f64().unwrap();
    for model in ["personal-shrinkage", "personal-lowrank", "mixture", "gpm"] {
        let out = run(model);
        assert_eq!(out["n_test"].as_u64().unwrap(), 200, "{model}: {out}");
        for key in ["log_loss", "accuracy", "brier"] {
            assert!(out[key].as_f64().unwrap().is_finite(), "{model} {key}");
        }
        let loss = out["log_loss"].as_f64().unwrap();
        match model {
            // Raters who share a group's taste: the models that pool
            // raters into directions or groups win; per-rater shrinkage
            // has 20 votes per rater to go on and only holds its own.
            "personal-lowrank" | "mixture" => {
                assert!(loss < bt_loss - 0.05, "{model}: {loss} vs BT {bt_loss}")
            }
            _ => assert!(loss < bt_loss + 0.02, "{model}: {loss} vs BT {bt_loss}"),
        }
        if model == "mixture" {
            assert_eq!(out["chosen"], "K = 2");
        }
    }
    let err = failure(&["eval", path, "--model", "mixture"]);
    assert!(err.contains("--rater-column"), "{err}");
    // The old whole-rater split is still there.
    let by_rater = ok_json(&[
        "eval",
        path,
        "--rater-column",
        "rater",
        "--split",
        "rater",
        "--json",
    ]);
    assert!(by_rater["n_test"].as_u64().unwrap().is_multiple_of(25));
}
