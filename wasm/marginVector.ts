// The reference kernel for a linear net with one output and a margin loss (marginVectorGradient in
// src/trainer/gradient.ts) as one call, for nets too narrow for the SIMD products: the suffix chain, the data pass
// with the loss derivative (e^x by fdlibmExp, the bits of Math.exp), E = Σ_i c_i x_i and the backward sweep, every
// operation in the JavaScript kernel's order, so the same bits; plus the descent update of every layer. A tiny net's
// step is a few hundred operations, so what it saves is the JavaScript around them (calls, bounds checks, a closure
// per loss evaluation), not arithmetic.
//
// Arguments live in a table of i32 words at `t` (byte offsets into memory, shapes): see marginVectorTable in
// src/trainer/kernels/marginVectorWasm.ts, which lays it out.

import { marginDerivativeTimes } from './marginLoss';
import { word } from './table';
import { stepAndSumOfSquares, sumOfSquares } from './stepSums';

/** layer tables start here; word indices below it are fixed fields */
const DIMS = 20;


@inline function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

@inline function setF64(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}

/** f = Σ_j P[j]·x[j] in order from +0 */
@inline function dot(P: usize, x: usize, d0: i32): f64 {
  let f: f64 = 0;
  for (let j = 0; j < d0; j++) f += f64At(P, j) * f64At(x, j);
  return f;
}

/** E[j] = Σ_i c[i]·x[i, j] over i < n in order from +0, two columns per vector register (x is n × d0) */
@inline function columnSums(E: usize, c: usize, x: usize, n: i32, d0: i32): void {
  const rowX = <usize>d0 << 3;
  let j = 0;
  for (; j + 2 <= d0; j += 2) {
    let acc = f64x2.splat(0);
    let xj = x + (<usize>j << 3);
    for (let i = 0; i < n; i++) {
      acc = f64x2.add(acc, f64x2.mul(f64x2.splat(f64At(c, i)), v128.load(xj)));
      xj += rowX;
    }
    v128.store(E + (<usize>j << 3), acc);
  }
  if (j < d0) {
    let acc: f64 = 0;
    for (let i = 0; i < n; i++) acc += f64At(c, i) * f64At(x, i * d0 + j);
    setF64(E, j, acc);
  }
}

// Table: 0 L, 1 n, 2 d_0, 3 loss code, 4 x (n × d_0), 5 y (n), 6 outputs f_i, 7 margins y_i f_i, 8 c_i, 9 P (d_0),
// 10 E (d_0), 11 and 12 two row buffers (max d_k), 13 expPair's constant table (storeExpConstants), 14–19
// marginVectorDescend's results, then dims[0..L] from word DIMS, the offsets of W_1..W_L, of
// G_1..G_L, and of suffix[0..L] (suffix[k] = W_L⋯W_{k+1}, a row of d_k).
//
// Writes margins, outputs, P, E, the suffixes and G_k = ∂R/∂W_k; returns Σ_k ‖G_k‖²_F summed as the trainer sums it.
export function marginVectorGradient(t: usize): f64 {
  const L = word(t, 0);
  const n = word(t, 1);
  const d0 = word(t, 2);
  const kind = word(t, 3);
  const x = <usize>word(t, 4);
  const y = <usize>word(t, 5);
  const outputs = <usize>word(t, 6);
  const margins = <usize>word(t, 7);
  const c = <usize>word(t, 8);
  const P = <usize>word(t, 9);
  const E = <usize>word(t, 10);
  let C = <usize>word(t, 11);
  let Cn = <usize>word(t, 12);
  const wAt = DIMS + L + 1;
  const gAt = wAt + L;
  const sAt = gAt + L;
  // suffix[k−1] = suffix[k] W_k (a row vector), suffix[L−1] = W_L, P = suffix[0]
  const top = L == 1 ? P : <usize>word(t, sAt + L - 1);
  const wL = <usize>word(t, wAt + L - 1);
  const dTop = word(t, DIMS + L - 1);
  for (let q = 0; q < dTop; q++) setF64(top, q, f64At(wL, q));
  for (let k = L - 1; k >= 1; k--) {
    const rows = word(t, DIMS + k);
    const cols = word(t, DIMS + k - 1);
    const S = <usize>word(t, sAt + k);
    const Wk = <usize>word(t, wAt + k - 1);
    const out = k == 1 ? P : <usize>word(t, sAt + k - 1);
    // each entry's sum over m in a register (the reference adds into out[q] in memory, in the same order)
    for (let q = 0; q < cols; q++) {
      let acc: f64 = 0;
      for (let m = 0; m < rows; m++) {
        const a = f64At(S, m);
        if (a == 0) continue;
        acc += a * f64At(Wk, m * cols + q);
      }
      setF64(out, q, acc);
    }
  }
  // the data pass in three loops, each a run of independent work: f_i = P x_i and m_i = y_i f_i; c_i = ℓ'(m_i) y_i / n
  // two samples at a time (an odd last one in both lanes), where the exponentials' long dependency chains overlap
  // across pairs; then E = Σ_i c_i x_i in sample order (the reference sums each column over i in order from +0)
  // (measured: 6 % faster than one fused loop, whose E additions crowd the exponentials out of the reorder window)
  const K = <usize>word(t, 13);
  const invN = f64x2.splat(1 / <f64>n);
  const rowX = <usize>d0 << 3;
  for (let i = 0; i < n; i++) {
    const f = dot(P, x + <usize>i * rowX, d0);
    setF64(outputs, i, f);
    setF64(margins, i, f64At(y, i) * f);
  }
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 3;
    v128.store(c + o, marginDerivativeTimes(kind, v128.load(margins + o), v128.load(y + o), invN, K));
  }
  if (i < n) setF64(c, i, f64x2.extract_lane(marginDerivativeTimes(kind, f64x2.splat(f64At(margins, i)), f64x2.splat(f64At(y, i)), invN, K), 0));
  columnSums(E, c, x, n, d0);
  // C_1 = E
  for (let j = 0; j < d0; j++) setF64(C, j, f64At(E, j));
  // G_k = suffix[k]ᵀ C_k, C_{k+1} = C_k W_kᵀ; G_L = C_L
  for (let k = 1; k < L; k++) {
    const rows = word(t, DIMS + k);
    const cols = word(t, DIMS + k - 1);
    const G = <usize>word(t, gAt + k - 1);
    const S = <usize>word(t, sAt + k);
    for (let i = 0; i < rows; i++) {
      const a = f64At(S, i);
      const go = G + ((<usize>i * <usize>cols) << 3);
      if (a == 0) for (let q = 0; q < cols; q++) setF64(go, q, 0);
      else for (let q = 0; q < cols; q++) setF64(go, q, 0 + a * f64At(C, q));
    }
    const Wk = <usize>word(t, wAt + k - 1);
    for (let i = 0; i < rows; i++) {
      const wo = Wk + ((<usize>i * <usize>cols) << 3);
      let acc: f64 = 0;
      for (let q = 0; q < cols; q++) acc += f64At(C, q) * f64At(wo, q);
      setF64(Cn, i, acc);
    }
    const swap = C;
    C = Cn;
    Cn = swap;
  }
  const gL = <usize>word(t, gAt + L - 1);
  for (let q = 0; q < dTop; q++) setF64(gL, q, f64At(C, q));
  let g2: f64 = 0;
  for (let k = 0; k < L; k++) g2 += sumOfSquares(<usize>word(t, gAt + k), word(t, DIMS + k + 1) * word(t, DIMS + k));
  return g2;
}

// W_k ← W_k − η G_k for every layer (stepAndSumOfSquares); returns the largest ‖W_k‖²_F, compared as the trainer
// compares (a NaN sum never counts as larger).
export function marginVectorStep(t: usize, eta: f64): f64 {
  const L = word(t, 0);
  const wAt = DIMS + L + 1;
  const gAt = wAt + L;
  let most: f64 = 0;
  for (let k = 0; k < L; k++) {
    const s = stepAndSumOfSquares(<usize>word(t, wAt + k), <usize>word(t, gAt + k), eta, word(t, DIMS + k + 1) * word(t, DIMS + k));
    if (s > most) most = s;
  }
  return most;
}

// Up to `steps` descent steps with a constant η and nobody watching: each evaluates the gradient (stopping if Σ‖G_k‖² is
// not finite), updates every layer (stopping if some ‖W_k‖² is not finite) and adds η²Σ‖G_k‖² to the energy S, in
// the order and with the checks of gradientDescent's loop. Table words 14–15 hold S (in and out), word 16 the status
// (0 done, 1 non-finite gradient, 2 non-finite weight), 18–19 the last max_k ‖W_k‖²; returns the steps completed.
export function marginVectorDescend(t: usize, eta: f64, steps: i32): i32 {
  let energy = load<f64>(t + 56);
  let status = 0;
  let most: f64 = 0;
  let done = 0;
  for (; done < steps; done++) {
    const g2 = marginVectorGradient(t);
    if (!isFinite(g2)) {
      status = 1;
      break;
    }
    most = marginVectorStep(t, eta);
    if (!isFinite(most)) {
      status = 2;
      break;
    }
    energy += eta * eta * g2;
  }
  store<f64>(t + 56, energy);
  store<i32>(t + 64, status);
  store<f64>(t + 72, most);
  return done;
}
