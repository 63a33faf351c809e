import type { Dataset } from '../../data/dataset.js';
import type { Loss, MarginLoss } from '../../losses/loss.js';
import { applyActivation } from '../../network/activation.js';
import type { Network } from '../../network/network.js';
import type { GradientWorkspace } from '../gradient.js';
import { DENSE_WASM_BASE64 } from './denseWasm.js';

/**
 * The fast kernel: everything whose size grows with the sample count n runs in WebAssembly
 * with 128-bit SIMD (wasm/dense.ts): the products of the linear path (P, the data pass
 * f = X Pᵀ and E = cᵀX, the backward sweep) and of back-propagation (for ReLU nets skipping the
 * terms whose multiplier is an exact zero, with the dense products' bits: simdBackpropRiskAndGradient).
 * Weights are copied in and gradients out each call unless the caller holds them in the module
 * (residentLayers, as gradientDescent does). The loss, and activations other than (leaky) ReLU, are
 * evaluated in JavaScript on views of the module's memory.
 *
 * Same associations as the reference kernels of gradient.ts; the summation order inside each
 * product differs (fixed by the shapes), so results agree with them to rounding
 * (simd.test.ts) and are reproducible bit for bit.
 */

interface DenseExports {
  /** C = A·Bᵀ (A m×k, B n×k); byte offsets */
  gemmNT(a: number, b: number, c: number, m: number, k: number, n: number): void;
  /** C = op(A)·B with op(A)[i, p] = A[i·si + p·sp] (B k×n); byte offsets */
  gemmStrided(a: number, si: number, sp: number, b: number, c: number, m: number, k: number, n: number): void;
  /** x ⊙= y over len entries */
  mulInPlace(x: number, y: number, len: number): void;
  /** e[j] += Σ_p c[p·sc]·x[p, j] (x k×n), continued from e's values */
  accumulateRows(c: number, sc: number, x: number, e: number, k: number, n: number): void;
  /** leaky ReLU with slope m (0: ReLU) in place on x, its derivative into d */
  leakyInPlace(x: number, d: number, len: number, m: number): void;
  /** leakyInPlace with slope 0 on rows × len, writing the outputs' row masks of nonzeros; 1 when every output is finite, else 0 */
  reluInPlace(x: number, d: number, rows: number, len: number, masks: number): number;
  /** row masks of x's nonzeros (rows × len; ⌈len/64⌉ 64-bit words per row) */
  nonzeroMasks(x: number, rows: number, len: number, masks: number): void;
  /** C = A·B (A m×k, B k×n) as gemmStrided(a, k, 1, …) without the terms whose A entry is an exact zero (same bits when B is finite); masked ≠ 0: C ⊙= D, masked = 2 also C's row masks into cMasks */
  sparseGemmNN(a: number, b: number, c: number, m: number, k: number, n: number, d: number, masked: number, masks: number, cMasks: number): void;
  /** mulInPlace on rows × len, writing the products' row masks of nonzeros */
  mulMasksInPlace(x: number, y: number, rows: number, len: number, masks: number): void;
  /** C = Aᵀ·B (A k×m, B k×n) as gemmStrided(a, 1, m, …) without the terms whose A entry is an exact zero (same bits when B is finite) */
  sparseGemmTN(a: number, b: number, c: number, m: number, k: number, n: number, masks: number): void;
  /** t = sᵀ (s rows × cols) */
  transpose(s: number, t: number, rows: number, cols: number): void;
  /** 1 when every entry is finite, else 0 */
  allFinite(a: number, len: number): number;
  /** Σ a[i]², associated as stepSums.ts's sumOfSquares */
  sumOfSquares(a: number, len: number): number;
  /** w ← w − η g in place; Σ w[i]² of the new w, associated as stepSums.ts's stepAndSumOfSquares */
  stepAndSumOfSquares(w: number, g: number, eta: number, len: number): number;
}

let compiled: WebAssembly.Module | null = null;

export function denseModule(): WebAssembly.Module {
  if (!compiled) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(DENSE_WASM_BASE64, 'base64'));
    } catch (e) {
      throw new Error(
        `gradient kernel: this JavaScript engine cannot compile the SIMD WebAssembly module (${(e as Error).message}); dlncheck needs Node ≥ 20 (engines in package.json)`,
      );
    }
  }
  return compiled;
}

/** A module instance on a fresh memory of at least `bytes` bytes. */
export function instantiate(bytes: number): { memory: WebAssembly.Memory; fn: DenseExports } {
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  return { memory, fn: new WebAssembly.Instance(denseModule(), { env: { memory } }).exports as unknown as DenseExports };
}

/** A matrix in the module's memory: its byte offset and a Float64Array view of it. */
interface Region {
  readonly at: number;
  readonly view: Float64Array;
}

/** Memory and regions for one workspace (one shape), created on its first evaluation. */
interface SimdState {
  readonly fn: DenseExports;
  /** the shape the memory was laid out for */
  readonly dims: readonly number[];
  readonly n: number;
  /** the data matrix X (n × d_0), copied in when a different dataset object arrives */
  readonly x: Region;
  xSource: Float64Array | null;
  /** linear path: outputs F (n × d_L), scaled residuals R (n × d_L) */
  readonly F: Region;
  readonly R: Region;
  /** W_k and G_k (index k − 1); linear path: the suffix or prefix chain (index k), back-propagation: post-activations a_k (index k − 1, a_L = outputs), φ'(pre_k), two δ buffers (linear: C or H) */
  readonly W: Region[];
  readonly G: Region[];
  readonly acts: Region[];
  readonly dphi: Region[];
  readonly delta: [Region, Region];
  /** back-propagation: row masks of the nonzeros of a_k and of δ_k (index k − 1, k < L; ⌈d_k/64⌉ 64-bit words per row), and W_kᵀ (the largest layer) */
  readonly aMask: Region[];
  readonly dMask: Region[];
  readonly wt: Region;
  /** every entry of X is finite (checked when X is copied in; the zero-skipping G_1 = δ_1ᵀ X relies on it) */
  xFinite: boolean;
  /** back-propagation, per evaluation: W_k finite (index k), and a_k finite (index k, from reluInPlace) */
  readonly wFinite: Uint8Array;
  readonly actFinite: Uint8Array;
  /** rows of X per block of the fused data pass: about 24 KiB of X, a multiple of 4 (dots4), at least 4 */
  readonly rowBlock: number;
}

/** per workspace, one state for each kind of net it has served (the two kinds lay out the memory differently) */
const states = new WeakMap<GradientWorkspace, { linear?: SimdState; backprop?: SimdState }>();

function createState(dims: readonly number[], n: number, linearNet: boolean): SimdState {
  const L = dims.length - 1;
  const d0 = dims[0];
  const dL = dims[L];
  const maxD = Math.max(...dims);
  const outputSide = dL <= d0;
  // x, F, R, then W_k, G_k, the chain (linear: suffix d_L × d_k or prefix d_k × d_0, k = 0..L; back-propagation:
  // post-activations n × d_k, k = 1..L), φ' (n × d_k), and two δ buffers (linear: C or H, d_L × d_0 at most
  // maxD · max(d_0, d_L))
  const sizes: number[] = [n * d0, n * dL, n * dL];
  for (let k = 1; k <= L; k++) sizes.push(dims[k] * dims[k - 1]);
  for (let k = 1; k <= L; k++) sizes.push(dims[k] * dims[k - 1]);
  if (linearNet) {
    for (let k = 0; k <= L; k++) sizes.push(outputSide ? dL * dims[k] : dims[k] * d0);
    const h = maxD * Math.max(d0, dL);
    sizes.push(h, h);
  } else {
    for (let k = 1; k <= L; k++) sizes.push(n * dims[k]);
    for (let k = 1; k <= L; k++) sizes.push(n * dims[k]);
    sizes.push(n * maxD, n * maxD);
    let widestLayer = 0;
    for (let k = 1; k <= L; k++) widestLayer = Math.max(widestLayer, dims[k] * dims[k - 1]);
    for (let k = 1; k < L; k++) sizes.push(n * Math.ceil(dims[k] / 64));
    for (let k = 1; k < L; k++) sizes.push(n * Math.ceil(dims[k] / 64));
    sizes.push(widestLayer);
  }
  // regions start on 16-byte boundaries (two doubles), so vector loads of a row start aligned when rows are even
  const offsets: number[] = [];
  let bytes = 0;
  for (const s of sizes) {
    offsets.push(bytes);
    bytes += Math.ceil(s / 2) * 16;
  }
  const { memory, fn } = instantiate(bytes);
  let next = 0;
  const region = (): Region => {
    const at = offsets[next];
    const view = new Float64Array(memory.buffer, at, sizes[next]);
    next++;
    return { at, view };
  };
  const x = region();
  const F = region();
  const R = region();
  const W = dims.slice(1).map(region);
  const G = dims.slice(1).map(region);
  const acts = (linearNet ? dims : dims.slice(1)).map(region);
  const dphi = linearNet ? [] : dims.slice(1).map(region);
  const delta: [Region, Region] = [region(), region()];
  const aMask = linearNet ? [] : dims.slice(1, L).map(region);
  const dMask = linearNet ? [] : dims.slice(1, L).map(region);
  const wt = linearNet ? delta[0] : region();
  const rowBlock = Math.max(4, Math.floor(24576 / (8 * d0)) & ~3);
  return {
    fn,
    dims: [...dims],
    n,
    x,
    xSource: null,
    xFinite: false,
    wFinite: new Uint8Array(L + 1),
    actFinite: new Uint8Array(L + 1),
    F,
    R,
    W,
    G,
    acts,
    dphi,
    delta,
    aMask,
    dMask,
    wt,
    rowBlock,
  };
}

function stateFor(ws: GradientWorkspace, net: Network, data: Dataset): SimdState {
  const linearNet = net.activation.kind === 'linear';
  let slot = states.get(ws);
  if (!slot) states.set(ws, (slot = {}));
  let s = linearNet ? slot.linear : slot.backprop;
  if (!s) {
    s = createState(net.dims, data.n, linearNet);
    if (linearNet) slot.linear = s;
    else slot.backprop = s;
  }
  if (data.n !== s.n || net.dims.length !== s.dims.length || net.dims.some((d, k) => d !== s.dims[k]))
    throw new RangeError(
      `gradient workspace: made for dims [${s.dims.join(',')}] and n=${s.n}, used with dims [${net.dims.join(',')}] and n=${data.n}; create a workspace per shape (createWorkspace)`,
    );
  // datasets are immutable (Dataset's fields are readonly): the same array object means the same numbers
  if (s.xSource !== data.x) {
    s.x.view.set(data.x);
    s.xSource = data.x;
    s.xFinite = s.fn.allFinite(s.x.at, s.x.view.length) === 1;
  }
  return s;
}

export function simdLinearRiskAndGradient(
  ws: GradientWorkspace,
  net: Network,
  data: Dataset,
  loss: Loss,
  grads: Float64Array[] | null,
  wantRisk = true,
): number {
  const st = stateFor(ws, net, data);
  const fn = st.fn;
  const dims = net.dims;
  const L = dims.length - 1;
  const d0 = dims[0];
  const dL = dims[L];
  const n = data.n;
  const outputSide = dL <= d0;
  const Wr = st.W;
  const chain = st.acts;
  copyWeightsIn(Wr, net.weights);
  // chain[k]: the suffix W_L⋯W_{k+1} (d_L × d_k) on the output side, the prefix W_k⋯W_1 (d_k × d_0) on the
  // input side; chain[L−1] = W_L and chain[1] = W_1 are read from W directly, P = chain[0] or chain[L]
  let P: Region;
  if (outputSide) {
    let S = Wr[L - 1];
    for (let k = L - 1; k >= 1; k--) {
      // suffix[k−1] = suffix[k] W_k
      const out = chain[k - 1];
      fn.gemmStrided(S.at, dims[k], 1, Wr[k - 1].at, out.at, dL, dims[k], dims[k - 1]);
      S = out;
    }
    P = S;
  } else {
    let B = Wr[0];
    for (let k = 2; k <= L; k++) {
      // prefix[k] = W_k prefix[k−1]
      const out = chain[k];
      fn.gemmStrided(Wr[k - 1].at, dims[k - 1], 1, B.at, out.at, dims[k], dims[k - 1], d0);
      B = out;
    }
    P = B;
  }
  ws.P.set(P.view);
  const F = st.F.view;
  const Rv = st.R.view;
  const outputs = ws.outputs;
  const y = data.y;
  const invN = 1 / n;
  let total = 0;
  let C = st.delta[0];
  let Cn = st.delta[1];
  if (loss.kind === 'margin' && grads) {
    // one pass over the data in blocks of rows small enough to stay in L1 between their two uses: f = X_b pᵀ,
    // c_i = ℓ'(m_i) y_i / n, E += c_bᵀ X_b. X is read from memory once per step instead of twice; every entry of f
    // and E is summed in the order of the two-pass form below (accumulateRows), so the bits are the same.
    C.view.fill(0, 0, d0);
    const block = st.rowBlock;
    for (let i0 = 0; i0 < n; i0 += block) {
      const rows = Math.min(block, n - i0);
      const xAt = st.x.at + i0 * d0 * 8;
      fn.gemmNT(xAt, P.at, st.F.at + i0 * 8, rows, d0, 1);
      total += marginTerms(loss, F, y, outputs, ws.margins, Rv, i0, i0 + rows, invN, wantRisk, true);
      fn.accumulateRows(st.R.at + i0 * 8, 1, xAt, C.at, rows, d0);
    }
  } else {
    // data pass: F = X Pᵀ (n × d_L)
    fn.gemmNT(st.x.at, P.at, st.F.at, n, d0, dL);
    if (loss.kind === 'margin') total = marginTerms(loss, F, y, outputs, ws.margins, Rv, 0, n, invN, wantRisk, grads !== null);
    else
      for (let i = 0; i < n * dL; i++) {
        const f = F[i];
        outputs[i] = f;
        const res = f - y[i];
        total += 0.5 * res * res;
        Rv[i] = res * invN;
      }
    // E = Rᵀ X (d_L × d_0): R is n × d_L, read transposed
    if (grads) fn.gemmStrided(st.R.at, 1, dL, st.x.at, C.at, dL, n, d0);
  }
  if (grads) {
    // E = ∂R/∂P for observers (the workspace's E, as the reference kernel leaves it)
    copyPrefix(C.view, ws.E, dL * d0);
    if (outputSide) {
      // C_1 = E; G_k = suffix[k]ᵀ C_k; C_{k+1} = C_k W_kᵀ; G_L = C_L
      for (let k = 1; k <= L; k++) {
        const rows = dims[k];
        const cols = dims[k - 1];
        if (k === L) {
          copyPrefix(C.view, grads[k - 1], rows * cols);
          break;
        }
        const S = k === L - 1 ? Wr[L - 1] : chain[k];
        fn.gemmStrided(S.at, 1, rows, C.at, st.G[k - 1].at, rows, dL, cols);
        copyGradientOut(st.G[k - 1], grads[k - 1]);
        fn.gemmNT(C.at, Wr[k - 1].at, Cn.at, dL, cols, rows);
        const t = C;
        C = Cn;
        Cn = t;
      }
    } else {
      // H_L = E; G_k = H_k prefix[k−1]ᵀ; H_{k−1} = W_kᵀ H_k; G_1 = H_1
      for (let k = L; k >= 1; k--) {
        const rows = dims[k];
        const cols = dims[k - 1];
        if (k === 1) {
          copyPrefix(C.view, grads[0], rows * cols);
          break;
        }
        const B = k === 2 ? Wr[0] : chain[k - 1];
        fn.gemmNT(C.at, B.at, st.G[k - 1].at, rows, d0, cols);
        copyGradientOut(st.G[k - 1], grads[k - 1]);
        fn.gemmStrided(Wr[k - 1].at, 1, cols, C.at, Cn.at, cols, rows, d0);
        const t = C;
        C = Cn;
        Cn = t;
      }
    }
  }
  return wantRisk || loss.kind === 'squared' ? total * invN : NaN;
}

/** For samples from ≤ i < to: margins y_i f_i, the risk's sum when wanted, and c_i = ℓ'(m_i) y_i / n into R (d_L = 1). */
function marginTerms(
  loss: MarginLoss,
  F: Float64Array,
  y: Float64Array,
  outputs: Float64Array,
  margins: Float64Array,
  R: Float64Array,
  from: number,
  to: number,
  invN: number,
  wantRisk: boolean,
  wantGrad: boolean,
): number {
  let total = 0;
  for (let i = from; i < to; i++) {
    const f = F[i];
    outputs[i] = f;
    const m = y[i] * f;
    margins[i] = m;
    if (wantRisk) total += loss.value(m);
    if (wantGrad) R[i] = loss.derivative(m) * y[i] * invN;
  }
  return total;
}

/**
 * Products of back-propagation narrower than this many output columns stay dense: the zero-skipping products pay a
 * pass over their multipliers (building the lists), which only enough columns per list entry make up for.
 */
const SPARSE_MIN_COLS = 16;

/**
 * Forward products pre_k = a_{k−1} W_kᵀ with at least this many outputs d_k run in axpy form on W_kᵀ (rows of a_{k−1}
 * times rows of W_kᵀ, gemmStrided's two-row, eight-column register blocks; each entry summed over p in order), which
 * at [32,32,32,1], n = 256 took 39 µs for pre_1 against 46 µs as gemmNT's dot products, and 29 µs against 33 µs for the
 * zero-skipping pre_2 (one pass over a row's nonzeros instead of gemmNT's even and odd halves). Narrower outputs (the
 * top layer of a one-output net) stay dot products: the axpy form has fewer than 8 columns to fill its registers.
 */
const FORWARD_AXPY_MIN_ROWS = 8;

/**
 * Back-propagation: pre_k = a_{k−1} W_kᵀ, a_k = φ(pre_k); G_k = δ_kᵀ a_{k−1}, δ_{k−1} = (δ_k W_k) ⊙ φ'(pre_{k−1}).
 *
 * ReLU nets: about half of each hidden a_k and δ_k are exact zeros, and the products that multiply by them
 * (pre_k for k ≥ 2, and G_k, δ_{k−1} for k < L) leave those terms out (sparseGemmNN, sparseGemmTN in
 * wasm/dense.ts): about 0.6 of the dense multiply–adds at the bench's ReLU size. They keep every other term in the
 * dense product's order, so the bits are those of the dense products, with one exception: a skipped 0 times ±∞ or NaN,
 * which the dense product turns into NaN. So a product skips only where the other factor is known finite: W_k (checked
 * here each evaluation; gradientDescent never passes non-finite weights anyway, it stops at the update that makes
 * one), X (checked when copied in; datasets are validated finite) and a_{k−1} (reluInPlace reports a +∞ activation,
 * the only non-finite ReLU output). Where that fails the dense product runs: with an infinite activation the dense
 * G_k has non-finite entries, so the gradient is non-finite and divergence is reported exactly as before. The bits
 * are therefore the dense kernel's in every case (simd.test.ts checks both). Leaky ReLU (no zeros) and tanh take the
 * dense products.
 */
export function simdBackpropRiskAndGradient(
  ws: GradientWorkspace,
  net: Network,
  data: Dataset,
  loss: Loss,
  grads: Float64Array[] | null,
  wantRisk = true,
): number {
  const st = stateFor(ws, net, data);
  const dims = net.dims;
  const L = dims.length - 1;
  const n = data.n;
  const fn = st.fn;
  const act = net.activation;
  const relu = act.kind === 'relu';
  for (let k = 1; k <= L; k++) {
    const rows = dims[k];
    const cols = dims[k - 1];
    const Wk = st.W[k - 1];
    if (net.weights[k - 1] !== Wk.view) Wk.view.set(net.weights[k - 1]);
    // W_k (k ≥ 2) is the finite factor of the zero-skipping pre_k and δ_{k−1}
    const wOk = relu && k >= 2 && fn.allFinite(Wk.at, rows * cols) === 1;
    st.wFinite[k] = wOk ? 1 : 0;
    // pre_k = a_{k−1} W_kᵀ (n × d_k); from k = 2 on, a_{k−1} has ReLU's zeros
    const aIn = k === 1 ? st.x.at : st.acts[k - 2].at;
    if (rows >= FORWARD_AXPY_MIN_ROWS) {
      fn.transpose(Wk.at, st.wt.at, rows, cols);
      if (wOk && rows >= SPARSE_MIN_COLS) fn.sparseGemmNN(aIn, st.wt.at, st.acts[k - 1].at, n, cols, rows, 0, 0, st.aMask[k - 2].at, 0);
      else fn.gemmStrided(aIn, cols, 1, st.wt.at, st.acts[k - 1].at, n, cols, rows);
    } else fn.gemmNT(aIn, Wk.at, st.acts[k - 1].at, n, cols, rows);
    if (k < L) {
      // ReLU and leaky ReLU in the module, branch-free (random-sign preactivations defeat branch prediction)
      if (relu) st.actFinite[k] = fn.reluInPlace(st.acts[k - 1].at, st.dphi[k - 1].at, n, rows, st.aMask[k - 1].at);
      else if (act.kind === 'leaky') fn.leakyInPlace(st.acts[k - 1].at, st.dphi[k - 1].at, n * rows, act.slope);
      else applyActivation(act, st.acts[k - 1].view, st.acts[k - 1].view, st.dphi[k - 1].view, n * rows);
    }
  }
  const dL = dims[L];
  const out = st.acts[L - 1].view;
  ws.outputs.set(out);
  const y = data.y;
  const invN = 1 / n;
  let delta = st.delta[0];
  let deltaNext = st.delta[1];
  const dv = delta.view;
  let total = 0;
  if (loss.kind === 'margin') total = marginTerms(loss, out, y, ws.outputs, ws.margins, dv, 0, n, invN, wantRisk, true);
  else
    for (let i = 0; i < n * dL; i++) {
      const res = out[i] - y[i];
      total += 0.5 * res * res;
      dv[i] = res * invN;
    }
  if (grads) {
    for (let k = L; k >= 1; k--) {
      const rows = dims[k];
      const cols = dims[k - 1];
      const aIn = k === 1 ? st.x.at : st.acts[k - 2].at;
      // below the top, δ_k = (δ_{k+1} W_{k+1}) ⊙ φ'(pre_k) has ReLU's zeros (its row masks are in dMask[k − 1])
      const sparseDelta = skipsZerosOfDelta(relu, dims, k);
      // G_k = δ_kᵀ a_{k−1} (d_k × d_{k−1}): δ_k is n × d_k, read transposed
      if (sparseDelta && (k === 1 ? st.xFinite : st.actFinite[k - 1] === 1)) fn.sparseGemmTN(delta.at, aIn, st.G[k - 1].at, rows, n, cols, st.dMask[k - 1].at);
      else fn.gemmStrided(delta.at, 1, rows, aIn, st.G[k - 1].at, rows, n, cols);
      copyGradientOut(st.G[k - 1], grads[k - 1]);
      if (k > 1) {
        // δ_{k−1} = (δ_k W_k) ⊙ φ'(pre_{k−1}), φ' applied as each row is stored, with δ_{k−1}'s row masks of nonzeros
        // when G_{k−1} and δ_{k−2} skip its zeros
        const masksBelow = skipsZerosOfDelta(relu, dims, k - 1);
        const dMaskBelow = masksBelow ? st.dMask[k - 2].at : 0;
        if (sparseDelta && st.wFinite[k] === 1)
          fn.sparseGemmNN(delta.at, st.W[k - 1].at, deltaNext.at, n, rows, cols, st.dphi[k - 2].at, masksBelow ? 2 : 1, st.dMask[k - 1].at, dMaskBelow);
        else {
          fn.gemmStrided(delta.at, rows, 1, st.W[k - 1].at, deltaNext.at, n, rows, cols);
          if (masksBelow) fn.mulMasksInPlace(deltaNext.at, st.dphi[k - 2].at, n, cols, dMaskBelow);
          else fn.mulInPlace(deltaNext.at, st.dphi[k - 2].at, n * cols);
        }
        const t = delta;
        delta = deltaNext;
        deltaNext = t;
      }
    }
  }
  return wantRisk || loss.kind === 'squared' ? total * invN : NaN;
}

/** Do G_k and δ_{k−1} skip δ_k's zeros? Below the top layer of a ReLU net, when their rows (d_{k−1} wide) are wide enough. */
function skipsZerosOfDelta(relu: boolean, dims: readonly number[], k: number): boolean {
  return relu && k < dims.length - 1 && dims[k - 1] >= SPARSE_MIN_COLS;
}

/** W_k into the module unless the caller's arrays are the module's own (residentLayers): then there is nothing to copy. */
function copyWeightsIn(Wr: readonly Region[], weights: readonly Float64Array[]): void {
  for (let k = 0; k < Wr.length; k++) if (weights[k] !== Wr[k].view) Wr[k].view.set(weights[k]);
}

/** out[0..len) = src[0..len): a loop, not set(subarray(…)), which would allocate a view every step. */
function copyPrefix(src: Float64Array, out: Float64Array, len: number): void {
  for (let i = 0; i < len; i++) out[i] = src[i];
}

/** G_k out of the module, unless the caller's buffer is the module's own region (residentLayers). */
function copyGradientOut(G: Region, out: Float64Array): void {
  if (out !== G.view) out.set(G.view);
}

/**
 * One descent run's weights and gradients held in the module's memory, so that no step copies them in or out, and
 * the update with its sums of squares runs in the module too (same operations and association as stepSums.ts, so the
 * same bits as the JavaScript loop). `weights` and `grads` are views on the regions the kernels read and write; the
 * trainer uses them as its W_k and G_k. Valid for as long as the workspace serves this shape (the memory never grows).
 */
export interface ResidentLayers {
  readonly weights: Float64Array[];
  readonly grads: Float64Array[];
  /** Σ G_k[i]² (k = 0 … L−1) */
  gradSumOfSquares(k: number): number;
  /** W_k ← W_k − η G_k; returns Σ W_k[i]² of the new W_k */
  step(k: number, eta: number): number;
}

/** The module's regions for ws, holding a copy of net's weights (see ResidentLayers). */
export function residentLayers(ws: GradientWorkspace, net: Network, data: Dataset): ResidentLayers {
  const st = stateFor(ws, net, data);
  const fn = st.fn;
  const L = net.dims.length - 1;
  for (let k = 0; k < L; k++) st.W[k].view.set(net.weights[k]);
  return {
    weights: st.W.map((r) => r.view),
    grads: st.G.map((r) => r.view),
    gradSumOfSquares: (k) => fn.sumOfSquares(st.G[k].at, st.G[k].view.length),
    step: (k, eta) => fn.stepAndSumOfSquares(st.W[k].at, st.G[k].at, eta, st.W[k].view.length),
  };
}

/**
 * The module's leaky ReLU (slope 0: ReLU) on a copy of `pre`, for the test that it matches applyActivation bit for
 * bit (signed zeros and NaN included). Allocates a module instance: not for the step loop.
 */
export function simdLeakyActivation(pre: Float64Array, slope: number): { out: Float64Array; dphi: Float64Array } {
  const len = pre.length;
  const half = Math.ceil(len / 2) * 16;
  const { memory, fn } = instantiate(2 * half);
  new Float64Array(memory.buffer, 0, len).set(pre);
  fn.leakyInPlace(0, half, len, slope);
  return { out: new Float64Array(memory.buffer, 0, len).slice(), dphi: new Float64Array(memory.buffer, half, len).slice() };
}

/**
 * The module's sum of squares of g and its step w − η g (with the new w's sum of squares), on copies, for the test
 * that they give stepSums.ts's bits. Allocates a module instance: not for the step loop.
 */
export function simdStepSums(w: Float64Array, g: Float64Array, eta: number): { gradSum: number; stepped: Float64Array; weightSum: number } {
  const len = w.length;
  const half = Math.ceil(len / 2) * 16;
  const { memory, fn } = instantiate(2 * half);
  new Float64Array(memory.buffer, 0, len).set(w);
  new Float64Array(memory.buffer, half, len).set(g);
  const gradSum = fn.sumOfSquares(half, len);
  const weightSum = fn.stepAndSumOfSquares(0, half, eta, len);
  return { gradSum, stepped: new Float64Array(memory.buffer, 0, len).slice(), weightSum };
}

/**
 * One zero-skipping product of the module beside the dense product it stands for, on copies of the same inputs, for
 * the test that they agree bit for bit. 'NN': C = A·B (A m×k, B k×n; gemmStrided; the forward products, B = W_kᵀ).
 * 'NN⊙D': C = (A·B) ⊙ D (A m×k, B k×n,
 * D m×n; gemmStrided, then mulInPlace), the skipping product also writing C's row masks, and `fused` is gemmStrided
 * followed by mulMasksInPlace; `masks` then holds C's row masks from the skipping product, from mulMasksInPlace and from
 * nonzeroMasks on the dense C. 'TN': C = Aᵀ·B (A k×m, B k×n; gemmStrided reading A transposed). The masks of A's
 * rows come from nonzeroMasks. Allocates a module instance: not for the step loop.
 */
export function simdSparseProduct(
  kind: 'NN' | 'NN⊙D' | 'TN',
  a: Float64Array,
  b: Float64Array,
  d: Float64Array,
  m: number,
  k: number,
  n: number,
): { dense: Float64Array; sparse: Float64Array; fused?: Float64Array; masks?: { sparse: BigUint64Array; fused: BigUint64Array; dense: BigUint64Array } } {
  const [maskRows, maskLen] = kind === 'TN' ? [k, m] : [m, k];
  const cWords = m * Math.ceil(n / 64);
  const sizes = [m * k, k * n, m * n, m * n, m * n, maskRows * Math.ceil(maskLen / 64), m * n, cWords, cWords, cWords];
  const at: number[] = [];
  let bytes = 0;
  for (const s of sizes) {
    at.push(bytes);
    bytes += Math.ceil(s / 2) * 16 + 16;
  }
  const { memory, fn } = instantiate(bytes);
  const [A, B, D, dense, sparse, masks, fused, sparseMasks, fusedMasks, denseMasks] = at;
  new Float64Array(memory.buffer, A, m * k).set(a);
  new Float64Array(memory.buffer, B, k * n).set(b);
  new Float64Array(memory.buffer, D, m * n).set(d);
  fn.nonzeroMasks(A, maskRows, maskLen, masks);
  if (kind === 'NN') {
    fn.gemmStrided(A, k, 1, B, dense, m, k, n);
    fn.sparseGemmNN(A, B, sparse, m, k, n, 0, 0, masks, 0);
  } else if (kind === 'NN⊙D') {
    fn.gemmStrided(A, k, 1, B, dense, m, k, n);
    fn.mulInPlace(dense, D, m * n);
    fn.sparseGemmNN(A, B, sparse, m, k, n, D, 2, masks, sparseMasks);
    fn.gemmStrided(A, k, 1, B, fused, m, k, n);
    fn.mulMasksInPlace(fused, D, m, n, fusedMasks);
    fn.nonzeroMasks(dense, m, n, denseMasks);
    const words = (at: number) => new BigUint64Array(memory.buffer, at, cWords).slice();
    return {
      dense: new Float64Array(memory.buffer, dense, m * n).slice(),
      sparse: new Float64Array(memory.buffer, sparse, m * n).slice(),
      fused: new Float64Array(memory.buffer, fused, m * n).slice(),
      masks: { sparse: words(sparseMasks), fused: words(fusedMasks), dense: words(denseMasks) },
    };
  } else {
    fn.gemmStrided(A, 1, m, B, dense, m, k, n);
    fn.sparseGemmTN(A, B, sparse, m, k, n, masks);
  }
  return { dense: new Float64Array(memory.buffer, dense, m * n).slice(), sparse: new Float64Array(memory.buffer, sparse, m * n).slice() };
}

/**
 * The module's ReLU with its row masks and finiteness flag (reluInPlace) and its plain row masks (nonzeroMasks) of
 * the same rows × len input, for the test against leakyInPlace and a JavaScript count. Allocates a module instance.
 */
export function simdReluMasks(
  pre: Float64Array,
  rows: number,
  len: number,
): { out: Float64Array; dphi: Float64Array; masks: BigUint64Array; finite: number; inputMasks: BigUint64Array } {
  const size = rows * len;
  const half = Math.ceil(size / 2) * 16 + 16;
  const words = rows * Math.ceil(len / 64);
  const { memory, fn } = instantiate(3 * half + 16 * words + 16);
  const maskAt = 3 * half;
  const inputMaskAt = maskAt + 8 * words;
  new Float64Array(memory.buffer, 0, size).set(pre);
  new Float64Array(memory.buffer, 2 * half, size).set(pre);
  fn.nonzeroMasks(2 * half, rows, len, inputMaskAt);
  const finite = fn.reluInPlace(0, half, rows, len, maskAt);
  return {
    out: new Float64Array(memory.buffer, 0, size).slice(),
    dphi: new Float64Array(memory.buffer, half, size).slice(),
    masks: new BigUint64Array(memory.buffer, maskAt, words).slice(),
    finite,
    inputMasks: new BigUint64Array(memory.buffer, inputMaskAt, words).slice(),
  };
}
