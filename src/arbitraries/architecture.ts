import fc from 'fast-check';
import { DEFAULT_SIZES } from './_internals/defaultSizes.js';
import { integerIn, ordered, rejectUnknownKeys } from './_internals/constraints.js';
import type { Architecture } from './types.js';

export interface ArchitectureConstraints {
  /** depth L (number of weight matrices): defaults 1 … DEFAULT_SIZES.maxDepth, fixed */
  minDepth?: number;
  maxDepth?: number;
  /** hidden widths d_1 … d_{L−1}: defaults 1 … DEFAULT_SIZES.maxWidth, fixed */
  minWidth?: number;
  maxWidth?: number;
  /** input dimension d_0: defaults 1 … DEFAULT_SIZES.maxWidth, fixed */
  minInputDim?: number;
  maxInputDim?: number;
  /** output dimension d_L: minOutputDim defaults to 1 and maxOutputDim to minOutputDim (the classification claims need d_L = 1) */
  minOutputDim?: number;
  maxOutputDim?: number;
}

const API = 'architecture';
const KNOWN = ['minDepth', 'maxDepth', 'minWidth', 'maxWidth', 'minInputDim', 'maxInputDim', 'minOutputDim', 'maxOutputDim'] as const;
const LIMIT = 1024;

/**
 * Layer sizes { dims: [d_0, …, d_L] } of a network without biases (docs/claims.md, Notation).
 * Hidden widths are drawn as an array of length L − 1, so shrinking first drops
 * hidden layers (smaller depth), then narrows layers toward minWidth and the
 * input/output dimensions toward their minima.
 */
export function architecture(constraints: ArchitectureConstraints = {}): fc.Arbitrary<Architecture> {
  rejectUnknownKeys(API, constraints, KNOWN);
  const sizes = DEFAULT_SIZES;
  const c = (name: (typeof KNOWN)[number], fallback: number) => integerIn(API, `constraints.${name}`, constraints[name] ?? fallback, 1, LIMIT);
  const minDepth = c('minDepth', 1);
  const maxDepth = c('maxDepth', Math.max(sizes.maxDepth, minDepth));
  const minWidth = c('minWidth', 1);
  const maxWidth = c('maxWidth', Math.max(sizes.maxWidth, minWidth));
  const minInputDim = c('minInputDim', 1);
  const maxInputDim = c('maxInputDim', Math.max(sizes.maxWidth, minInputDim));
  const minOutputDim = c('minOutputDim', 1);
  const maxOutputDim = c('maxOutputDim', minOutputDim);
  ordered(API, 'constraints.minDepth', minDepth, 'constraints.maxDepth', maxDepth);
  ordered(API, 'constraints.minWidth', minWidth, 'constraints.maxWidth', maxWidth);
  ordered(API, 'constraints.minInputDim', minInputDim, 'constraints.maxInputDim', maxInputDim);
  ordered(API, 'constraints.minOutputDim', minOutputDim, 'constraints.maxOutputDim', maxOutputDim);
  return fc
    .record({
      hidden: fc.array(fc.integer({ min: minWidth, max: maxWidth }), { minLength: minDepth - 1, maxLength: maxDepth - 1, size: 'max' }),
      input: fc.integer({ min: minInputDim, max: maxInputDim }),
      output: fc.integer({ min: minOutputDim, max: maxOutputDim }),
    })
    .map(({ hidden, input, output }) => ({ dims: [input, ...hidden, output] }));
}
