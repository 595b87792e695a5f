//! Item features: a deck's feature columns (its `f_*` columns, colour as
//! hue, saturation and lightness, the label's length) and their
//! standardisation. The models of them are in `feature_models.rs`.

use crate::playground::collect::Deck;

/// Each column scaled to mean 0 and standard deviation 1 (constant
/// columns to 0).
pub fn standardise(values: &[f64], columns: usize) -> Vec<f64> {
    if columns == 0 {
        return Vec::new();
    }
    let rows = values.len() / columns;
    let mut out = values.to_vec();
    for c in 0..columns {
        let col = (0..rows).map(|r| values[r * columns + c]);
        let mean = col.clone().sum::<f64>() / rows.max(1) as f64;
        let var = col.map(|v| (v - mean) * (v - mean)).sum::<f64>() / rows.max(1) as f64;
        let sd = var.sqrt();
        for r in 0..rows {
            out[r * columns + c] = if sd > 1e-12 {
                (values[r * columns + c] - mean) / sd
            } else {
                0.0
            };
        }
    }
    out
}

/// A deck's item features: its own `f_*` columns, hue, saturation and
/// lightness when it has red, green and blue, and for every deck the
/// label's length in characters and words. Item-major.
pub fn deck_features(deck: &Deck) -> (Vec<String>, Vec<f64>) {
    let mut names: Vec<String> = deck.feature_names.clone();
    let col = |name: &str| deck.feature_names.iter().position(|n| n == name);
    let rgb = match (col("red"), col("green"), col("blue")) {
        (Some(r), Some(g), Some(b)) => Some((r, g, b)),
        _ => None,
    };
    if rgb.is_some() {
        names.extend(["hue_cos", "hue_sin", "saturation", "lightness"].map(String::from));
    }
    names.extend(["characters", "words"].map(String::from));
    let mut values = Vec::new();
    for item in &deck.items {
        values.extend(item.features.iter().copied());
        if let Some((r, g, b)) = rgb {
            let (h, s, l) = hsl(item.features[r], item.features[g], item.features[b]);
            values.extend([h.cos(), h.sin(), s, l]);
        }
        values.push(item.label.chars().count() as f64);
        values.push(item.label.split_whitespace().count() as f64);
    }
    (names, values)
}

/// Hue (radians), saturation and lightness of an RGB colour (channels in
/// 0–255 or 0–1; the scale cancels in hue and saturation).
fn hsl(r: f64, g: f64, b: f64) -> (f64, f64, f64) {
    let scale = if r.max(g).max(b) > 1.0 { 255.0 } else { 1.0 };
    let (r, g, b) = (r / scale, g / scale, b / scale);
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let l = (max + min) / 2.0;
    let d = max - min;
    if d < 1e-12 {
        return (0.0, 0.0, l);
    }
    let s = d / (1.0 - (2.0 * l - 1.0).abs()).max(1e-12);
    let h = if max == r {
        ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    (h * std::f64::consts::PI / 3.0, s, l)
}
