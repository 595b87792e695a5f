//! What a calibration measured on one adapter, and the predictions
//! `Engine::Auto` makes from it: for each workload family, a cost
//! `fixed + per unit × units` on each engine, fitted to timed runs at two
//! or three sizes ([`super::calibrate`]), and refitted when a real run
//! lands far from its prediction ([`Calibration::observe`]).

use serde::{Deserialize, Serialize};

use super::choice::Workload;

/// A run this far from its prediction (as a ratio either way), and at
/// least [`OFF_MIN_MS`] off, is added to the family's samples and the cost
/// refitted.
pub const OFF_RATIO: f64 = 3.0;

/// Differences below this (milliseconds) never count as far off: timer
/// and scheduling noise on a busy machine.
pub const OFF_MIN_MS: f64 = 2.0;

/// Samples kept per family and engine (the oldest go first).
const MAX_SAMPLES: usize = 6;

/// A fixed-plus-per-unit cost, milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Cost {
    /// Paid once per run (upload, dispatch, read-back round trips).
    pub fixed_ms: f64,
    /// Paid per unit of work (the workload's unit).
    pub per_unit_ms: f64,
}

impl Cost {
    /// The predicted time of `units` of work.
    pub fn predict(&self, units: f64) -> f64 {
        self.fixed_ms + self.per_unit_ms * units
    }

    /// The least-squares line through `(units, ms)` samples, kept
    /// non-negative: a negative slope (noise) becomes a flat cost at the
    /// mean, a negative intercept a line through the origin. One sample
    /// gives the line through the origin (time proportional to work).
    pub fn fit(samples: &[(f64, f64)]) -> Cost {
        let n = samples.len() as f64;
        match samples {
            [] => return Cost::default(),
            [(units, ms)] if *units > 0.0 => {
                return Cost {
                    fixed_ms: 0.0,
                    per_unit_ms: ms.max(0.0) / units,
                };
            }
            _ => {}
        }
        let mean_u = samples.iter().map(|s| s.0).sum::<f64>() / n;
        let mean_t = samples.iter().map(|s| s.1).sum::<f64>() / n;
        let var: f64 = samples.iter().map(|s| (s.0 - mean_u).powi(2)).sum();
        let cov: f64 = samples
            .iter()
            .map(|s| (s.0 - mean_u) * (s.1 - mean_t))
            .sum();
        let slope = if var > 0.0 { cov / var } else { 0.0 };
        if slope <= 0.0 {
            return Cost {
                fixed_ms: mean_t.max(0.0),
                per_unit_ms: 0.0,
            };
        }
        let fixed = mean_t - slope * mean_u;
        if fixed >= 0.0 {
            return Cost {
                fixed_ms: fixed,
                per_unit_ms: slope,
            };
        }
        let uu: f64 = samples.iter().map(|s| s.0 * s.0).sum();
        let ut: f64 = samples.iter().map(|s| s.0 * s.1).sum();
        Cost {
            fixed_ms: 0.0,
            per_unit_ms: if uu > 0.0 { (ut / uu).max(0.0) } else { 0.0 },
        }
    }
}

/// One workload family's measurements on both engines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyCosts {
    /// The family.
    pub workload: Workload,
    /// Timed CPU runs: (units, milliseconds).
    pub cpu_samples: Vec<(f64, f64)>,
    /// Timed GPU runs: (units, milliseconds).
    pub gpu_samples: Vec<(f64, f64)>,
    /// The CPU's cost, fitted to its samples.
    pub cpu: Cost,
    /// The GPU's cost, fitted to its samples.
    pub gpu: Cost,
}

impl FamilyCosts {
    /// The family from its samples.
    pub fn new(workload: Workload, cpu: Vec<(f64, f64)>, gpu: Vec<(f64, f64)>) -> Self {
        Self {
            workload,
            cpu: Cost::fit(&cpu),
            gpu: Cost::fit(&gpu),
            cpu_samples: cpu,
            gpu_samples: gpu,
        }
    }

    /// Where the GPU is predicted faster, in words: "any size", "from
    /// 5,000 cells", "below 700 cells" or "never".
    pub fn gpu_faster_words(&self) -> String {
        let unit = self.workload.words().1;
        let slope_gain = self.cpu.per_unit_ms - self.gpu.per_unit_ms;
        let fixed_loss = self.gpu.fixed_ms - self.cpu.fixed_ms;
        let switch = if slope_gain != 0.0 {
            fixed_loss / slope_gain
        } else {
            f64::INFINITY
        };
        match (fixed_loss <= 0.0, slope_gain > 0.0) {
            (true, true) => "any size".to_string(),
            (false, true) => format!("from {switch:.0} {unit}"),
            (true, false) if switch.is_finite() && switch > 0.0 => {
                format!("below {switch:.0} {unit}")
            }
            (true, false) => "any size".to_string(),
            (false, false) => "never".to_string(),
        }
    }
}

/// Predicted times of one piece of work on each engine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// On the CPU, milliseconds.
    pub cpu_ms: f64,
    /// On the GPU, milliseconds.
    pub gpu_ms: f64,
}

impl Prediction {
    /// Whether the GPU is predicted faster.
    pub fn gpu_faster(&self) -> bool {
        self.gpu_ms < self.cpu_ms
    }

    /// "GPU: 38 ms predicted against 410 ms on the CPU", or the CPU's way
    /// round.
    pub fn words(&self) -> String {
        let ms = |t: f64| {
            if t < 0.1 {
                format!("{t:.3} ms")
            } else if t < 10.0 {
                format!("{t:.1} ms")
            } else {
                format!("{t:.0} ms")
            }
        };
        if self.gpu_faster() {
            format!(
                "GPU: {} predicted against {} on the CPU",
                ms(self.gpu_ms),
                ms(self.cpu_ms)
            )
        } else {
            format!(
                "CPU: {} predicted against {} on the GPU",
                ms(self.cpu_ms),
                ms(self.gpu_ms)
            )
        }
    }
}

/// What a calibration measured on one adapter.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Calibration {
    /// The adapter's identity ([`crate::GpuContext::adapter_identity`]).
    pub adapter: String,
    /// The families measured so far (a calibration that ran out of time
    /// leaves some out; `Auto` uses the committed constants for those).
    pub families: Vec<FamilyCosts>,
    /// Milliseconds the measurements took, all slices together.
    pub took_ms: f64,
}

impl Calibration {
    /// An empty calibration of `adapter`.
    pub fn new(adapter: &str) -> Self {
        Self {
            adapter: adapter.to_string(),
            ..Self::default()
        }
    }

    /// The measurements of `workload`, if there are any.
    pub fn family(&self, workload: Workload) -> Option<&FamilyCosts> {
        self.families.iter().find(|f| f.workload == workload)
    }

    /// The families a calibration measures ([`super::calibrate::CALIBRATED`])
    /// that this one has not measured yet.
    pub fn missing(&self) -> Vec<Workload> {
        super::calibrate::CALIBRATED
            .into_iter()
            .filter(|&w| self.family(w).is_none())
            .collect()
    }

    /// Predicted times of `units` of `workload`, when it was measured.
    pub fn predict(&self, workload: Workload, units: u64) -> Option<Prediction> {
        let f = self.family(workload)?;
        Some(Prediction {
            cpu_ms: f.cpu.predict(units as f64),
            gpu_ms: f.gpu.predict(units as f64),
        })
    }

    /// Adds (or replaces) a family's measurements.
    pub fn record(&mut self, family: FamilyCosts) {
        self.families.retain(|f| f.workload != family.workload);
        self.families.push(family);
    }

    /// A real run of `units` of `workload` took `ms` on the GPU (`on_gpu`)
    /// or the CPU. When that is far from the prediction ([`OFF_RATIO`],
    /// [`OFF_MIN_MS`]) the run becomes a sample of that engine and its
    /// cost is refitted; returns whether it did.
    pub fn observe(&mut self, workload: Workload, on_gpu: bool, units: u64, ms: f64) -> bool {
        let Some(f) = self.families.iter_mut().find(|f| f.workload == workload) else {
            return false;
        };
        let (cost, samples) = if on_gpu {
            (&mut f.gpu, &mut f.gpu_samples)
        } else {
            (&mut f.cpu, &mut f.cpu_samples)
        };
        let predicted = cost.predict(units as f64);
        let ratio = (ms.max(1e-3) / predicted.max(1e-3)).max(predicted.max(1e-3) / ms.max(1e-3));
        if !(ratio > OFF_RATIO && (ms - predicted).abs() > OFF_MIN_MS) {
            return false;
        }
        samples.push((units as f64, ms));
        if samples.len() > MAX_SAMPLES {
            samples.remove(0);
        }
        *cost = Cost::fit(samples);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cost_is_the_line_through_its_samples_and_never_negative() {
        let c = Cost::fit(&[(100.0, 3.0), (1000.0, 12.0), (10_000.0, 102.0)]);
        assert!((c.fixed_ms - 2.0).abs() < 0.05, "{c:?}");
        assert!((c.per_unit_ms - 0.01).abs() < 1e-4, "{c:?}");
        // Noise that slopes down is a flat cost.
        let flat = Cost::fit(&[(10.0, 5.0), (20.0, 4.0)]);
        assert_eq!((flat.fixed_ms, flat.per_unit_ms), (4.5, 0.0));
        // A line below the origin goes through it instead.
        let origin = Cost::fit(&[(10.0, 1.0), (20.0, 4.0)]);
        assert_eq!(origin.fixed_ms, 0.0);
        assert!(origin.per_unit_ms > 0.0);
    }

    #[test]
    fn the_crossover_is_where_the_gpus_fixed_cost_is_paid_back() {
        let f = FamilyCosts::new(
            Workload::Fits,
            vec![(0.0, 0.0), (1000.0, 10.0)],
            vec![(0.0, 5.0), (1000.0, 6.0)],
        );
        let mut cal = Calibration::new("test");
        cal.record(f);
        assert!(!cal.predict(Workload::Fits, 100).unwrap().gpu_faster());
        // The crossover is 5,000/9 ≈ 555.6 cells.
        assert!(!cal.predict(Workload::Fits, 555).unwrap().gpu_faster());
        assert!(cal.predict(Workload::Fits, 556).unwrap().gpu_faster());
        let p = cal.predict(Workload::Fits, 10_000).unwrap();
        assert!(p.gpu_faster());
        assert_eq!(p.words(), "GPU: 15 ms predicted against 100 ms on the CPU");
        assert!(cal.predict(Workload::LossSweep, 1).is_none());
        assert!(cal.missing().contains(&Workload::LossSweep));
        assert_eq!(cal.families[0].gpu_faster_words(), "from 556 cells");
        // A GPU that is slower everywhere has no crossover.
        let slow = FamilyCosts::new(
            Workload::Fits,
            vec![(0.0, 0.0), (10.0, 1.0)],
            vec![(0.0, 5.0), (10.0, 7.0)],
        );
        assert_eq!(slow.gpu_faster_words(), "never");
        // Cheaper to start, dearer per unit: faster on small work only.
        let small = FamilyCosts::new(
            Workload::Bootstrap,
            vec![(0.0, 6.0), (1000.0, 8.0)],
            vec![(0.0, 4.0), (1000.0, 14.0)],
        );
        assert_eq!(small.gpu_faster_words(), "below 250 cell fits");
    }

    #[test]
    fn a_run_far_from_its_prediction_refits_that_engine() {
        let mut cal = Calibration::new("test");
        cal.record(FamilyCosts::new(
            Workload::Fits,
            vec![(100.0, 1.0), (1000.0, 10.0)],
            vec![(100.0, 5.0), (1000.0, 6.0)],
        ));
        // Close to the prediction, or off by little: kept as it is.
        assert!(!cal.observe(Workload::Fits, true, 1000, 7.0));
        assert!(!cal.observe(Workload::Fits, false, 100, 2.5));
        // The GPU took 10× longer than predicted: refitted.
        assert!(cal.observe(Workload::Fits, true, 100_000, 600.0));
        let p = cal.predict(Workload::Fits, 100_000).unwrap();
        assert!(p.gpu_ms > 300.0, "{p:?}");
        assert!(!cal.observe(Workload::LossSweep, true, 1, 1e6));
    }
}
