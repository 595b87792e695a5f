//! Numbers and names in words the page shows: counts with the right
//! plural, values rounded to what a reader can use, and labels cut to fit.

/// "1 ballot", "4 ballots".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A value with about four significant digits, trailing zeros dropped:
/// 0.9511, 10, 2.5, 1234.
pub fn value(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let digits = if v == 0.0 {
        0
    } else {
        (3 - v.abs().log10().floor() as i32).clamp(0, 10) as usize
    };
    let text = format!("{v:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A whole number with thousands separated by commas: 56818 → "56,818".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `name` cut to `n` characters with an ellipsis when longer.
pub fn shorten(name: &str, n: usize) -> String {
    if name.chars().count() <= n {
        name.to_string()
    } else {
        let mut s: String = name.chars().take(n - 1).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_as_the_readme_writes_them() {
        assert_eq!(grouped(56_818), "56,818");
        assert_eq!(grouped(1_500), "1,500");
        assert_eq!(grouped(200), "200");
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(1_000_000), "1,000,000");
    }

    #[test]
    fn counts_and_values_read_as_words() {
        assert_eq!(count(1, "answer", "answers"), "1 answer");
        assert_eq!(count(4, "ballot", "ballots"), "4 ballots");
        assert_eq!(count(0, "step", "steps"), "0 steps");
        assert_eq!(value(10.0), "10");
        assert_eq!(value(0.951_123), "0.9511");
        assert_eq!(value(2.5), "2.5");
        assert_eq!(value(-0.000_123_4), "-0.0001234");
        assert_eq!(value(1234.6), "1235");
        assert_eq!(shorten("Vanilla", 11), "Vanilla");
        assert_eq!(shorten("Stracciatella", 11), "Stracciate…");
    }
}
