/**
 * Gradient-boosted shallow trees, as the block model may ship them in
 * place of its logistic regression: a sum of small trees over the same
 * figures, which can say what a linear model cannot (link density matters
 * differently in a list item than in a paragraph; a block's class depends
 * on its neighbours' and its distance from the selection together).
 *
 * Each tree is complete to its depth and stored flat: its internal nodes in
 * breadth-first order (node i's children are 2i+1 and 2i+2), each a feature
 * and a threshold (a feature of -1 sends every block left), then its
 * leaves' values. Reading one is `depth` comparisons.
 */

export interface TreeEnsemble {
  /** Levels of every tree. */
  depth: number;
  /** The log-odds every block starts from. */
  base: number;
  trees: Tree[];
}

export interface Tree {
  /** Per internal node (2^depth − 1): the feature it splits on, -1 for none. */
  feature: number[];
  /** Per internal node: a value above it goes right. */
  threshold: number[];
  /** Per leaf (2^depth): what it adds to the log-odds (shrinkage applied). */
  leaf: number[];
}

/** The ensemble's log-odds for a block's features. */
export function treesLogOdds(ensemble: TreeEnsemble, x: readonly number[]): number {
  const internal = (1 << ensemble.depth) - 1;
  let z = ensemble.base;
  for (const tree of ensemble.trees) {
    let node = 0;
    while (node < internal) {
      const f = tree.feature[node] as number;
      node = 2 * node + (f >= 0 && (x[f] as number) > (tree.threshold[node] as number) ? 2 : 1);
    }
    z += tree.leaf[node - internal] as number;
  }
  return z;
}
