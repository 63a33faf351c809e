// Back-propagation for ReLU and leaky-ReLU nets over one block of rows, as one call: the forward products with the
// activation, the loss's c_i (built-in margin losses through expPair, or the squared loss), and the backward products,
// leaving this block's share of every G_k. The split-rows kernel (src/trainer/kernels/rowSplit.ts) runs two blocks,
// one per thread, and adds their G_k; each block's arithmetic is that of simdBackpropRiskAndGradient on its rows (same
// products, same order).
//
// Table of i32 words at t: 0 L, 1 rows, 2 loss code (1 logistic, 2 exponential, 3 squared), 3 x (rows × d_0),
// 4 y (rows × d_L), 5 margins (rows; margin losses), 6 expPair's constant table, 7 and 8 two δ buffers (rows × max d_k),
// 9 activation (0 ReLU, 1 leaky ReLU), words 10–11 the leaky slope (f64), 12–13 1/n of the whole sample (f64), 14 a
// buffer for W_kᵀ (the widest layer), 15 whether x is finite (1/0), then from word 16 dims[0..L], the offsets of
// W_1..W_L, G_1..G_L, a_1..a_L (rows × d_k; a_L = the outputs), φ'_1..φ'_{L−1}, the row masks of a_1..a_{L−1} and of
// δ_1..δ_{L−1} (rows × ⌈d_k/64⌉ words), and L + 1 words of scratch (a_k finite).
//
// ReLU nets skip exact-zero multipliers where simdBackpropRiskAndGradient does, with the same tests (src/trainer/
// kernels/simd.ts: SPARSE_MIN_COLS, skipsZerosOfDelta, the finiteness guards), so each block has that kernel's bits on
// its rows.

import { allFinite, gemmNT, gemmStrided, leakyInPlace, mulInPlace, mulMasksInPlace, reluInPlace, sparseGemmNN, sparseGemmTN, transpose } from './dense';
import { marginDerivativeTimes, SQUARED } from './marginLoss';
import { word } from './table';

const DIMS = 16;
/** as SPARSE_MIN_COLS in src/trainer/kernels/simd.ts: products with narrower rows stay dense */
const SPARSE_MIN_COLS = 16;
/** as FORWARD_AXPY_MIN_ROWS in src/trainer/kernels/simd.ts */
const FORWARD_AXPY_MIN_ROWS = 8;

// skipsZerosOfDelta in simd.ts: below the top, δ_k has ReLU's zeros and its products skip them when d_{k−1} is wide enough
@inline function skipsZerosOfDelta(relu: bool, t: usize, L: i32, k: i32): bool {
  return relu && k < L && word(t, DIMS + k - 1) >= SPARSE_MIN_COLS;
}


export function rowHalfGradient(t: usize): void {
  const L = word(t, 0);
  const n = word(t, 1);
  const kind = word(t, 2);
  const x = <usize>word(t, 3);
  const y = <usize>word(t, 4);
  const margins = <usize>word(t, 5);
  const K = <usize>word(t, 6);
  let delta = <usize>word(t, 7);
  let deltaNext = <usize>word(t, 8);
  const relu = word(t, 9) == 0;
  const slope = load<f64>(t + 40);
  const invN = load<f64>(t + 48);
  const wt = <usize>word(t, 14);
  const xFinite = word(t, 15) == 1;
  const wAt = DIMS + L + 1;
  const gAt = wAt + L;
  const aAt = gAt + L;
  const pAt = aAt + L;
  const amAt = pAt + L - 1;
  const dmAt = amAt + L - 1;
  const finAt = dmAt + L - 1;
  // forward: pre_k = a_{k−1} W_kᵀ, then the activation in place with φ' beside it
  for (let k = 1; k <= L; k++) {
    const rows = word(t, DIMS + k);
    const cols = word(t, DIMS + k - 1);
    const input = k == 1 ? x : <usize>word(t, aAt + k - 2);
    const a = <usize>word(t, aAt + k - 1);
    const Wk = <usize>word(t, wAt + k - 1);
    // pre_k as rows of a_{k−1} times W_kᵀ (axpy form) from FORWARD_AXPY_MIN_ROWS outputs on, skipping a_{k−1}'s
    // zeros when W_k is finite (the finite factor); narrower outputs as dot products
    if (rows >= FORWARD_AXPY_MIN_ROWS) {
      transpose(Wk, wt, rows, cols);
      if (relu && k >= 2 && rows >= SPARSE_MIN_COLS && allFinite(Wk, rows * cols) == 1)
        sparseGemmNN(input, wt, a, n, cols, rows, 0, 0, <usize>word(t, amAt + k - 2), 0);
      else gemmStrided(input, cols, 1, wt, a, n, cols, rows);
    } else gemmNT(input, Wk, a, n, cols, rows);
    if (k < L) {
      if (relu) store<i32>(t + (<usize>(finAt + k) << 2), reluInPlace(a, <usize>word(t, pAt + k - 1), n, rows, <usize>word(t, amAt + k - 1)));
      else leakyInPlace(a, <usize>word(t, pAt + k - 1), n * rows, slope);
    }
  }
  // the loss: δ_L = ∂R/∂f over these rows (1/n of the whole sample)
  const dL = word(t, DIMS + L);
  const out = <usize>word(t, aAt + L - 1);
  if (kind == SQUARED) {
    for (let i = 0; i < n * dL; i++) {
      const o = <usize>i << 3;
      store<f64>(delta + o, (load<f64>(out + o) - load<f64>(y + o)) * invN);
    }
  } else {
    const iv = f64x2.splat(invN);
    let i = 0;
    for (; i + 2 <= n; i += 2) {
      const o = <usize>i << 3;
      const yv = v128.load(y + o);
      const m = f64x2.mul(yv, v128.load(out + o));
      v128.store(margins + o, m);
      v128.store(delta + o, marginDerivativeTimes(kind, m, yv, iv, K));
    }
    if (i < n) {
      const o = <usize>i << 3;
      const yi = load<f64>(y + o);
      const m = yi * load<f64>(out + o);
      store<f64>(margins + o, m);
      store<f64>(delta + o, f64x2.extract_lane(marginDerivativeTimes(kind, f64x2.splat(m), f64x2.splat(yi), iv, K), 0));
    }
  }
  // backward: G_k = δ_kᵀ a_{k−1}; δ_{k−1} = (δ_k W_k) ⊙ φ'_{k−1}, skipping δ's zeros as simd.ts does
  for (let k = L; k >= 1; k--) {
    const rows = word(t, DIMS + k);
    const cols = word(t, DIMS + k - 1);
    const input = k == 1 ? x : <usize>word(t, aAt + k - 2);
    const G = <usize>word(t, gAt + k - 1);
    const sparseDelta = skipsZerosOfDelta(relu, t, L, k);
    const inputFinite = k == 1 ? xFinite : load<i32>(t + (<usize>(finAt + k - 1) << 2)) == 1;
    if (sparseDelta && inputFinite) sparseGemmTN(delta, input, G, rows, n, cols, <usize>word(t, dmAt + k - 1));
    else gemmStrided(delta, 1, rows, input, G, rows, n, cols);
    if (k > 1) {
      const Wk = <usize>word(t, wAt + k - 1);
      const dphi = <usize>word(t, pAt + k - 2);
      const masksBelow = skipsZerosOfDelta(relu, t, L, k - 1);
      const dMaskBelow = masksBelow ? <usize>word(t, dmAt + k - 2) : 0;
      // the forward pass's test of W_k (relu, k ≥ 2): repeated here, where simd.ts keeps its result
      if (sparseDelta && allFinite(Wk, rows * cols) == 1)
        sparseGemmNN(delta, Wk, deltaNext, n, rows, cols, dphi, masksBelow ? 2 : 1, <usize>word(t, dmAt + k - 1), dMaskBelow);
      else {
        gemmStrided(delta, rows, 1, Wk, deltaNext, n, rows, cols);
        if (masksBelow) mulMasksInPlace(deltaNext, dphi, n, cols, dMaskBelow);
        else mulInPlace(deltaNext, dphi, n * cols);
      }
      const swap = delta;
      delta = deltaNext;
      deltaNext = swap;
    }
  }
}
