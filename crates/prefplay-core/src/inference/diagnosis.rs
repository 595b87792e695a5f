//! Comparison-graph diagnosis: who beat whom, and whether the
//! maximum-likelihood estimate exists.
//!
//! Draw an arc i → j when i beat j at least once (a counted tie draws both
//! arcs). The Bradley–Terry MLE exists and is unique (up to the gauge) iff
//! this digraph is strongly connected (Zermelo 1929; Ford 1957; Hunter 2004,
//! Assumption 1). Otherwise some item never lost, never won, or a group
//! beat everyone outside it, and its score runs off to ±∞.

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
        let arcs: Vec<(u32, u32)> = arcs
            .filter(|&(w, l)| w < n_items && l < n_items && w != l)
            .map(|(w, l)| (w as u32, l as u32))
            .collect();
        let forward = Csr::new(n_items, arcs.iter().copied());
        let backward = Csr::new(n_items, arcs.iter().map(|&(w, l)| (l, w)));
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
}

/// Adjacency in compressed sparse rows.
struct Csr {
    start: Vec<usize>,
    target: Vec<u32>,
}

impl Csr {
    fn new(n: usize, arcs: impl Iterator<Item = (u32, u32)> + Clone) -> Self {
        let mut start = vec![0usize; n + 1];
        for (from, _) in arcs.clone() {
            start[from as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut target = vec![0u32; start[n]];
        for (from, to) in arcs {
            target[fill[from as usize]] = to;
            fill[from as usize] += 1;
        }
        Self { start, target }
    }

    fn degree(&self, i: usize) -> usize {
        self.start[i + 1] - self.start[i]
    }

    fn row(&self, i: usize) -> &[u32] {
        &self.target[self.start[i]..self.start[i + 1]]
    }
}

/// Kosaraju's algorithm with explicit stacks (no recursion depth limit).
fn strong_components(out_adj: &Csr, in_adj: &Csr) -> Vec<Vec<usize>> {
    let n = out_adj.start.len() - 1;
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
