/**
 * Plain JSON-able value types produced by the arbitraries ("array form"), so a
 * shrunk counterexample prints readably and can be saved as a spec file.
 * Convert with datasetFromArrays (src/data/dataset.ts) and networkFromArrays
 * (src/network/network.ts). Notation as in docs/claims.md, Notation.
 */

/** n × d inputs, labels ±1. */
export interface ClassificationData {
  x: number[][];
  y: (1 | -1)[];
}

/** n × d inputs, n × k targets. */
export interface RegressionData {
  x: number[][];
  y: number[][];
}

/** d_0 (input) … d_L (output); the depth is L = dims.length − 1. */
export interface Architecture {
  dims: number[];
}

/** [W_1 … W_L]; W_k is dims[k] × dims[k−1], stored as an array of rows. */
export type Weights = number[][][];
