//! Ballot ids, made in one place.

/// How ballot ids are made, in one place: `{time_ms:013}-{source}-{seq:06}`
/// (the cast time in milliseconds since 1970, who made it — a tab's id in
/// hex, `sim<seed>` for a simulated class — and a counter), so ids are
/// unique across tabs and files and sort in the order cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BallotId;

impl BallotId {
    /// The id of the `seq`-th ballot `source` cast at `time_ms`.
    pub fn of(time_ms: f64, source: &str, seq: u64) -> String {
        format!("{:013}-{source}-{seq:06}", time_ms.max(0.0) as u64)
    }

    /// The source part for a tab: its id in eight hex digits.
    pub fn tab_source(tab: u32) -> String {
        format!("{tab:08x}")
    }

    /// The id given to the `k`-th ballot of a list that was stored without
    /// ids (a damaged or hand-made file): before every real id.
    pub fn unnamed(k: usize) -> String {
        format!("0000000000000-unnamed-{k:09}")
    }
}

#[cfg(test)]
mod tests {
    use super::BallotId;

    #[test]
    fn ids_sort_in_the_order_cast_and_unnamed_ones_first() {
        let a = BallotId::of(1_700_000_000_000.0, &BallotId::tab_source(0xab), 7);
        let b = BallotId::of(1_700_000_000_001.0, &BallotId::tab_source(0x01), 1);
        assert_eq!(a, "1700000000000-000000ab-000007");
        assert!(BallotId::unnamed(3) < a && a < b);
    }
}
