//! Comparison-graph diagnosis: who beat whom, and whether the
//! maximum-likelihood estimate exists.
//!
//! Draw an arc i → j when i beat j at least once (a counted tie draws both
//! arcs). The Bradley–Terry MLE exists and is unique (up to the gauge) iff
//! this digraph is strongly connected (Zermelo 1929; Ford 1957; Hunter 2004,
//! Assumption 1). Otherwise some item never lost, never won, or a group
//! beat everyone outside it, and its score runs off to ±∞.

use crate::data::csr::Csr;

/// The diagnosis of one comparison digraph.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GraphDiagnosis {
    /// Strongly connected components, largest first (items in index order).
    pub strong_components: Vec<Vec<usize>>,
    /// Items compared at least once that never won (and never tied).
    pub never_won: Vec<usize>,
    /// Items compared at least once that never lost (and never tied).
    pub never_lost: Vec<usize>,
    /// Items never compared.
    pub unseen: Vec<usize>,
}

impl GraphDiagnosis {
    /// Builds the diagnosis from arcs `winner → loser` over `n_items`.
    pub fn from_arcs(n_items: usize, arcs: impl Iterator<Item = (usize, usize)>) -> Self {
        Self::from_duels(n_items, arcs.map(|(w, l)| (w, l, true, false)))
    }

    /// Builds the diagnosis from duels `(a, b, a beat b, b beat a)` over
    /// `n_items`: one item per compared pair rather than one per arc, for
    /// the fits' aggregated cells (duels naming an item out of range, or an
    /// item with itself, are skipped).
    pub fn from_duels(
        n_items: usize,
        duels: impl Iterator<Item = (usize, usize, bool, bool)>,
    ) -> Self {
        let duels = duels.filter(move |&(a, b, _, _)| a < n_items && b < n_items && a != b);
        if n_items <= BIT_MATRIX_MAX_ITEMS {
            return Self::from_bit_matrix(n_items, duels);
        }
        let mut arcs: Vec<(u32, u32)> = Vec::new();
        for (a, b, a_won, b_won) in duels {
            if a_won {
                arcs.push((a as u32, b as u32));
            }
            if b_won {
                arcs.push((b as u32, a as u32));
            }
        }
        Self::from_arc_list(n_items, &arcs)
    }

    /// The diagnosis from a list of valid arcs (Kosaraju over adjacency
    /// lists).
    fn from_arc_list(n_items: usize, arcs: &[(u32, u32)]) -> Self {
        let forward = Csr::build(n_items, arcs.iter().map(|&(w, l)| (w as usize, l)));
        let backward = Csr::build(n_items, arcs.iter().map(|&(w, l)| (l as usize, w)));
        let seen = |i: usize| forward.degree(i) > 0 || backward.degree(i) > 0;
        let never_won = (0..n_items)
            .filter(|&i| seen(i) && forward.degree(i) == 0)
            .collect();
        let never_lost = (0..n_items)
            .filter(|&i| seen(i) && backward.degree(i) == 0)
            .collect();
        let unseen = (0..n_items).filter(|&i| !seen(i)).collect();
        Self {
            strong_components: strong_components(&forward, &backward),
            never_won,
            never_lost,
            unseen,
        }
    }

    /// Whether the maximum-likelihood estimate exists (strongly connected).
    pub fn mle_exists(&self) -> bool {
        self.strong_components.len() <= 1
    }

    /// The diagnosis through two bit matrices (who beat whom, and its
    /// transpose): one pass over the duels, however many repeat, then the
    /// common case — the items compared form one strongly connected
    /// group — proved by one search each way over the rows (n²/64 words).
    /// Any other graph is handed to [`Self::from_arc_list`] with its
    /// distinct arcs.
    fn from_bit_matrix(
        n_items: usize,
        duels: impl Iterator<Item = (usize, usize, bool, bool)>,
    ) -> Self {
        let (mut beat, mut beaten_by) = (BitMatrix::new(n_items), BitMatrix::new(n_items));
        for (a, b, a_won, b_won) in duels {
            if a_won {
                beat.set(a, b);
                beaten_by.set(b, a);
            }
            if b_won {
                beat.set(b, a);
                beaten_by.set(a, b);
            }
        }
        let won = |i: usize| beat.row(i).iter().any(|&w| w != 0);
        let lost = |i: usize| beaten_by.row(i).iter().any(|&w| w != 0);
        let never_won: Vec<usize> = (0..n_items).filter(|&i| lost(i) && !won(i)).collect();
        let never_lost: Vec<usize> = (0..n_items).filter(|&i| won(i) && !lost(i)).collect();
        let unseen: Vec<usize> = (0..n_items).filter(|&i| !won(i) && !lost(i)).collect();
        let seen: Vec<usize> = (0..n_items).filter(|&i| won(i) || lost(i)).collect();
        let one_group = seen.first().is_some_and(|&root| {
            beat.reach(root) == seen.len() && beaten_by.reach(root) == seen.len()
        });
        if !one_group {
            let mut diagnosis = Self::from_arc_list(n_items, &beat.arcs());
            diagnosis.never_won = never_won;
            diagnosis.never_lost = never_lost;
            diagnosis.unseen = unseen;
            return diagnosis;
        }
        // The compared items, then each item never compared on its own.
        let mut strong_components = Vec::with_capacity(1 + unseen.len());
        if !seen.is_empty() {
            strong_components.push(seen);
        }
        strong_components.extend(unseen.iter().map(|&i| vec![i]));
        strong_components.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
        Self {
            strong_components,
            never_won,
            never_lost,
            unseen,
        }
    }
}

/// Most items whose win graph is held as bit matrices (2 × 2 MB at 4,096).
const BIT_MATRIX_MAX_ITEMS: usize = 4096;

/// An n × n matrix of bits, row-major, 64 columns a word.
struct BitMatrix {
    n: usize,
    words: usize,
    bits: Vec<u64>,
}

impl BitMatrix {
    fn new(n: usize) -> Self {
        let words = n.div_ceil(64);
        Self {
            n,
            words,
            bits: vec![0; n * words],
        }
    }

    fn set(&mut self, i: usize, j: usize) {
        self.bits[i * self.words + j / 64] |= 1 << (j % 64);
    }

    fn row(&self, i: usize) -> &[u64] {
        &self.bits[i * self.words..(i + 1) * self.words]
    }

    /// How many nodes a search along the rows reaches from `root`
    /// (itself included).
    fn reach(&self, root: usize) -> usize {
        let mut reached = vec![0u64; self.words];
        reached[root / 64] |= 1 << (root % 64);
        let mut stack = vec![root];
        let mut count = 1;
        while let Some(node) = stack.pop() {
            for (w, (word, done)) in self.row(node).iter().zip(reached.iter_mut()).enumerate() {
                let mut new = word & !*done;
                *done |= new;
                while new != 0 {
                    stack.push(w * 64 + new.trailing_zeros() as usize);
                    count += 1;
                    new &= new - 1;
                }
            }
        }
        count
    }

    /// Every set bit (i, j) as an arc i → j.
    fn arcs(&self) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for i in 0..self.n {
            for (w, &word) in self.row(i).iter().enumerate() {
                let mut rest = word;
                while rest != 0 {
                    out.push((i as u32, (w * 64 + rest.trailing_zeros() as usize) as u32));
                    rest &= rest - 1;
                }
            }
        }
        out
    }
}

/// Kosaraju's algorithm with explicit stacks (no recursion depth limit).
fn strong_components(out_adj: &Csr<u32>, in_adj: &Csr<u32>) -> Vec<Vec<usize>> {
    let n = out_adj.rows();
    let mut visited = vec![false; n];
    let mut finish_order = Vec::with_capacity(n);
    for root in 0..n {
        if visited[root] {
            continue;
        }
        visited[root] = true;
        let mut stack = vec![(root, 0usize)];
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&child) = out_adj.row(node).get(*next) {
                let child = child as usize;
                *next += 1;
                if !visited[child] {
                    visited[child] = true;
                    stack.push((child, 0));
                }
            } else {
                finish_order.push(node);
                stack.pop();
            }
        }
    }
    let mut component = vec![usize::MAX; n];
    let mut components: Vec<Vec<usize>> = Vec::new();
    for &root in finish_order.iter().rev() {
        if component[root] != usize::MAX {
            continue;
        }
        let id = components.len();
        let mut members = Vec::new();
        let mut stack = vec![root];
        component[root] = id;
        while let Some(node) = stack.pop() {
            members.push(node);
            for &parent in in_adj.row(node) {
                let parent = parent as usize;
                if component[parent] == usize::MAX {
                    component[parent] = id;
                    stack.push(parent);
                }
            }
        }
        members.sort_unstable();
        components.push(members);
    }
    components.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    components
}

/// The comparison graph as undirected pairs: how often each pair of items
/// was compared (symmetric, N × N), and each item's connected component.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PairGraph {
    /// `counts[a][b]`: comparisons of a with b (ties count).
    pub counts: Vec<Vec<u32>>,
    /// Component of each item, numbered 0, 1, … by size (largest first;
    /// equal sizes by their first item). Items never compared are
    /// components of their own.
    pub component: Vec<usize>,
    /// How many components.
    pub n_components: usize,
}

impl PairGraph {
    /// The graph of the compared pairs `(a, b)` over `n_items` (pairs
    /// naming an item out of range, or an item with itself, are skipped).
    pub fn from_pairs(n_items: usize, pairs: impl Iterator<Item = (usize, usize)>) -> Self {
        let mut counts = vec![vec![0u32; n_items]; n_items];
        let mut parent: Vec<usize> = (0..n_items).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for (a, b) in pairs {
            if a >= n_items || b >= n_items || a == b {
                continue;
            }
            counts[a][b] += 1;
            counts[b][a] += 1;
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
        let roots: Vec<usize> = (0..n_items).map(|i| root(&mut parent, i)).collect();
        // Number the components by size, largest first, then first item.
        let mut sizes: Vec<(usize, usize)> = Vec::new(); // (root, size)
        for &r in &roots {
            match sizes.iter_mut().find(|(root, _)| *root == r) {
                Some(entry) => entry.1 += 1,
                None => sizes.push((r, 1)),
            }
        }
        sizes.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        let component = roots
            .iter()
            .map(|r| sizes.iter().position(|(root, _)| root == r).unwrap_or(0))
            .collect();
        Self {
            counts,
            component,
            n_components: sizes.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cycle_is_one_component_and_a_chain_is_not() {
        let cycle = GraphDiagnosis::from_arcs(3, [(0, 1), (1, 2), (2, 0)].into_iter());
        assert!(cycle.mle_exists());
        assert!(cycle.never_won.is_empty() && cycle.never_lost.is_empty());

        let chain = GraphDiagnosis::from_arcs(4, [(0, 1), (1, 2)].into_iter());
        assert!(!chain.mle_exists());
        assert_eq!(chain.never_lost, vec![0]);
        assert_eq!(chain.never_won, vec![2]);
        assert_eq!(chain.unseen, vec![3]);
        assert_eq!(chain.strong_components.len(), 4);
    }

    #[test]
    fn two_cycles_joined_one_way_are_two_components() {
        let d = GraphDiagnosis::from_arcs(4, [(0, 1), (1, 0), (2, 3), (3, 2), (1, 2)].into_iter());
        assert_eq!(d.strong_components, vec![vec![0, 1], vec![2, 3]]);
    }

    #[test]
    fn the_bit_matrix_and_the_arc_list_agree() {
        // Random digraphs from dense (one group) to sparse (many), with
        // repeated arcs and unseen items.
        let mut state = 12345u64;
        let mut next = move |m: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as usize % m
        };
        for (n, arcs) in [
            (5, 0),
            (6, 3),
            (12, 20),
            (40, 60),
            (40, 400),
            (200, 3000),
            (300, 200),
        ] {
            for _ in 0..5 {
                let list: Vec<(usize, usize)> = (0..arcs).map(|_| (next(n), next(n))).collect();
                let fast = GraphDiagnosis::from_arcs(n, list.iter().copied());
                let valid: Vec<(u32, u32)> = list
                    .iter()
                    .filter(|(w, l)| w != l)
                    .map(|&(w, l)| (w as u32, l as u32))
                    .collect();
                assert_eq!(
                    fast,
                    GraphDiagnosis::from_arc_list(n, &valid),
                    "{n} items, {list:?}"
                );
            }
        }
    }

    #[test]
    fn a_long_path_does_not_overflow_the_stack() {
        let n = 200_000;
        let d = GraphDiagnosis::from_arcs(n, (0..n).map(|i| (i, (i + 1) % n)));
        assert!(d.mle_exists());
    }

    #[test]
    fn pair_graph_counts_pairs_and_numbers_components_by_size() {
        // 0–1–2 linked, 3–4 linked, 5 alone.
        let g = PairGraph::from_pairs(
            6,
            [(0, 1), (1, 2), (1, 0), (3, 4), (2, 2), (9, 0)].into_iter(),
        );
        assert_eq!(g.counts[0][1], 2);
        assert_eq!(g.counts[1][0], 2);
        assert_eq!(g.counts[2][2], 0);
        assert_eq!(g.component, vec![0, 0, 0, 1, 1, 2]);
        assert_eq!(g.n_components, 3);
        let joined = PairGraph::from_pairs(3, [(0, 1), (2, 1)].into_iter());
        assert_eq!(joined.n_components, 1);
    }
}
