// AssemblyScript source of src/trainer/kernels/dense.wasm (build: npm run build:wasm; the unit test
// src/trainer/kernels/simd.test.ts checks that the committed module is what this file compiles to).
//
// Dense products on row-major f64 matrices in the imported memory, with 128-bit SIMD (two doubles
// per lane pair). Arguments are byte offsets into memory and the shapes. Determinism: the order of
// every sum depends on the shapes only, and WebAssembly arithmetic is IEEE binary64 with no fused
// multiply-add, so the same inputs give the same bits on every machine.

// The descent update with its sums of squares, and the small nets' whole gradient (with its own exp), live in files
// of their own; the module exports them from here.
export { stepAndSumOfSquares, sumOfSquares } from './stepSums';
export { marginVectorDescend, marginVectorGradient, marginVectorStep } from './marginVector';
export { expInto, fdlibmExp, storeExpConstants } from './exp';
export { rowHalfGradient } from './rowHalf';

// C = A·Bᵀ: A is m×k, B is n×k, C is m×n. Blocks of 2×2 entries of C; each entry is a dot product
// over p in two-lane vectors, reduced as lane 0 + lane 1, then the odd tail element added.
export function gemmNT(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  const kv = k & ~1;
  const rowA = <usize>k << 3;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = a + <usize>i * rowA;
    const a1 = a0 + rowA;
    let j = 0;
    for (; j + 2 <= n; j += 2) {
      const b0 = b + <usize>j * rowA;
      const b1 = b0 + rowA;
      let s00 = f64x2.splat(0);
      let s01 = f64x2.splat(0);
      let s10 = f64x2.splat(0);
      let s11 = f64x2.splat(0);
      for (let p = 0; p < kv; p += 2) {
        const o = <usize>p << 3;
        const x0 = v128.load(a0 + o);
        const x1 = v128.load(a1 + o);
        const y0 = v128.load(b0 + o);
        const y1 = v128.load(b1 + o);
        s00 = f64x2.add(s00, f64x2.mul(x0, y0));
        s01 = f64x2.add(s01, f64x2.mul(x0, y1));
        s10 = f64x2.add(s10, f64x2.mul(x1, y0));
        s11 = f64x2.add(s11, f64x2.mul(x1, y1));
      }
      let r00 = f64x2.extract_lane(s00, 0) + f64x2.extract_lane(s00, 1);
      let r01 = f64x2.extract_lane(s01, 0) + f64x2.extract_lane(s01, 1);
      let r10 = f64x2.extract_lane(s10, 0) + f64x2.extract_lane(s10, 1);
      let r11 = f64x2.extract_lane(s11, 0) + f64x2.extract_lane(s11, 1);
      if (kv < k) {
        const o = <usize>kv << 3;
        const x0 = load<f64>(a0 + o);
        const x1 = load<f64>(a1 + o);
        const y0 = load<f64>(b0 + o);
        const y1 = load<f64>(b1 + o);
        r00 += x0 * y0;
        r01 += x0 * y1;
        r10 += x1 * y0;
        r11 += x1 * y1;
      }
      const c0 = c + ((<usize>i * <usize>n + <usize>j) << 3);
      const c1 = c0 + (<usize>n << 3);
      store<f64>(c0, r00);
      store<f64>(c0 + 8, r01);
      store<f64>(c1, r10);
      store<f64>(c1 + 8, r11);
    }
  }
  // the entries the 2×2 blocks leave, each one dot2: the last column when n is odd (rows 0 … i−1), then the last
  // row when m is odd; four at a time (dots4), which interleaves four independent sums without changing any
  if (n & 1) {
    const j = n - 1;
    const bj = b + <usize>j * rowA;
    const cj = c + (<usize>j << 3);
    const rowC = <usize>n << 3;
    let r = 0;
    for (; r + 4 <= i; r += 4) dots4(bj, a + <usize>r * rowA, rowA, k, cj + <usize>r * rowC, rowC);
    for (; r < i; r++) store<f64>(cj + <usize>r * rowC, dot2(a + <usize>r * rowA, bj, k));
  }
  if (i < m) {
    const a0 = a + <usize>i * rowA;
    const ci = c + ((<usize>i * <usize>n) << 3);
    let j = 0;
    for (; j + 4 <= n; j += 4) dots4(a0, b + <usize>j * rowA, rowA, k, ci + (<usize>j << 3), 8);
    for (; j < n; j++) store<f64>(ci + (<usize>j << 3), dot2(a0, b + <usize>j * rowA, k));
  }
}

// Four dot products x·y_r, y_r = y + r·rowY (r = 0 … 3), stored at c + r·stepC, each with dot2's association
// (so each equals dot2(x, y_r, k) bit for bit): eight independent addition chains instead of two, which keeps
// the adder busy where one dot2 waits on its own latency.
function dots4(x: usize, y: usize, rowY: usize, k: i32, c: usize, stepC: usize): void {
  const y1 = y + rowY;
  const y2 = y1 + rowY;
  const y3 = y2 + rowY;
  let s0 = f64x2.splat(0);
  let t0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let t1 = f64x2.splat(0);
  let s2 = f64x2.splat(0);
  let t2 = f64x2.splat(0);
  let s3 = f64x2.splat(0);
  let t3 = f64x2.splat(0);
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const o = <usize>p << 3;
    const x0 = v128.load(x + o);
    const x1 = v128.load(x + o, 16);
    s0 = f64x2.add(s0, f64x2.mul(x0, v128.load(y + o)));
    t0 = f64x2.add(t0, f64x2.mul(x1, v128.load(y + o, 16)));
    s1 = f64x2.add(s1, f64x2.mul(x0, v128.load(y1 + o)));
    t1 = f64x2.add(t1, f64x2.mul(x1, v128.load(y1 + o, 16)));
    s2 = f64x2.add(s2, f64x2.mul(x0, v128.load(y2 + o)));
    t2 = f64x2.add(t2, f64x2.mul(x1, v128.load(y2 + o, 16)));
    s3 = f64x2.add(s3, f64x2.mul(x0, v128.load(y3 + o)));
    t3 = f64x2.add(t3, f64x2.mul(x1, v128.load(y3 + o, 16)));
  }
  const u0 = f64x2.add(s0, t0);
  const u1 = f64x2.add(s1, t1);
  const u2 = f64x2.add(s2, t2);
  const u3 = f64x2.add(s3, t3);
  let r0 = f64x2.extract_lane(u0, 0) + f64x2.extract_lane(u0, 1);
  let r1 = f64x2.extract_lane(u1, 0) + f64x2.extract_lane(u1, 1);
  let r2 = f64x2.extract_lane(u2, 0) + f64x2.extract_lane(u2, 1);
  let r3 = f64x2.extract_lane(u3, 0) + f64x2.extract_lane(u3, 1);
  for (; p < k; p++) {
    const o = <usize>p << 3;
    const xp = load<f64>(x + o);
    r0 += xp * load<f64>(y + o);
    r1 += xp * load<f64>(y1 + o);
    r2 += xp * load<f64>(y2 + o);
    r3 += xp * load<f64>(y3 + o);
  }
  store<f64>(c, r0);
  store<f64>(c + stepC, r1);
  store<f64>(c + 2 * stepC, r2);
  store<f64>(c + 3 * stepC, r3);
}

// Σ_p x[p]·y[p], in four-wide blocks as two two-lane accumulators, reduced in a fixed order.
function dot2(x: usize, y: usize, k: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const o = <usize>p << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(x + o + 16), v128.load(y + o + 16)));
  }
  const s = f64x2.add(s0, s1);
  let r = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; p < k; p++) r += load<f64>(x + (<usize>p << 3)) * load<f64>(y + (<usize>p << 3));
  return r;
}

// C = op(A)·B with op(A)[i, p] at a + (i·si + p·sp)·8: gemmNN is (si, sp) = (k, 1), gemmTN (A stored
// k×m) is (1, m). B is k×n, C is m×n (overwritten). Two rows of C and eight columns at a time are held
// in registers while p runs over all k: each row of B is loaded once per block and feeds two rows.
export function gemmStrided(a: usize, si: i32, sp: i32, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  const rowB = <usize>n << 3;
  const stepP = <usize>sp << 3;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const ai0 = a + ((<usize>i * <usize>si) << 3);
    const ai1 = ai0 + (<usize>si << 3);
    const c0 = c + <usize>i * rowB;
    const c1 = c0 + rowB;
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      const bj = b + (<usize>j << 3);
      let u0 = f64x2.splat(0);
      let u1 = f64x2.splat(0);
      let u2 = f64x2.splat(0);
      let u3 = f64x2.splat(0);
      let w0 = f64x2.splat(0);
      let w1 = f64x2.splat(0);
      let w2 = f64x2.splat(0);
      let w3 = f64x2.splat(0);
      let pa = <usize>0;
      let pb = bj;
      for (let p = 0; p < k; p++) {
        const x0 = v128.load64_splat(ai0 + pa);
        const x1 = v128.load64_splat(ai1 + pa);
        const y0 = v128.load(pb);
        const y1 = v128.load(pb, 16);
        const y2 = v128.load(pb, 32);
        const y3 = v128.load(pb, 48);
        u0 = f64x2.add(u0, f64x2.mul(x0, y0));
        u1 = f64x2.add(u1, f64x2.mul(x0, y1));
        u2 = f64x2.add(u2, f64x2.mul(x0, y2));
        u3 = f64x2.add(u3, f64x2.mul(x0, y3));
        w0 = f64x2.add(w0, f64x2.mul(x1, y0));
        w1 = f64x2.add(w1, f64x2.mul(x1, y1));
        w2 = f64x2.add(w2, f64x2.mul(x1, y2));
        w3 = f64x2.add(w3, f64x2.mul(x1, y3));
        pa += stepP;
        pb += rowB;
      }
      const o = <usize>j << 3;
      v128.store(c0 + o, u0);
      v128.store(c0 + o, u1, 16);
      v128.store(c0 + o, u2, 32);
      v128.store(c0 + o, u3, 48);
      v128.store(c1 + o, w0);
      v128.store(c1 + o, w1, 16);
      v128.store(c1 + o, w2, 32);
      v128.store(c1 + o, w3, 48);
    }
    for (; j + 2 <= n; j += 2) {
      let u = f64x2.splat(0);
      let w = f64x2.splat(0);
      let pa = <usize>0;
      let pb = b + (<usize>j << 3);
      for (let p = 0; p < k; p++) {
        const y = v128.load(pb);
        u = f64x2.add(u, f64x2.mul(v128.load64_splat(ai0 + pa), y));
        w = f64x2.add(w, f64x2.mul(v128.load64_splat(ai1 + pa), y));
        pa += stepP;
        pb += rowB;
      }
      v128.store(c0 + (<usize>j << 3), u);
      v128.store(c1 + (<usize>j << 3), w);
    }
    if (j < n) {
      let u: f64 = 0;
      let w: f64 = 0;
      let pa = <usize>0;
      let pb = b + (<usize>j << 3);
      for (let p = 0; p < k; p++) {
        const y = load<f64>(pb);
        u += load<f64>(ai0 + pa) * y;
        w += load<f64>(ai1 + pa) * y;
        pa += stepP;
        pb += rowB;
      }
      store<f64>(c0 + (<usize>j << 3), u);
      store<f64>(c1 + (<usize>j << 3), w);
    }
  }
  if (i < m) {
    // one row (a matrix–vector product, e.g. E = cᵀX): the row from +0, then every column summed over p in order
    const c0 = c + <usize>i * rowB;
    for (let j = 0; j < n; j++) store<f64>(c0 + (<usize>j << 3), 0);
    accumulateRows(a + ((<usize>i * <usize>si) << 3), sp, b, c0, k, n);
  }
}

// x[i] *= y[i] for i < len (δ ⊙ φ' in back-propagation).
export function mulInPlace(x: usize, y: usize, len: i32): void {
  let i = 0;
  for (; i + 2 <= len; i += 2) {
    const o = <usize>i << 3;
    v128.store(x + o, f64x2.mul(v128.load(x + o), v128.load(y + o)));
  }
  if (i < len) store<f64>(x + (<usize>i << 3), load<f64>(x + (<usize>i << 3)) * load<f64>(y + (<usize>i << 3)));
}

// x[i] += y[i] for i < len (the split-rows kernel's G = G(first block) + G(second block)).
export function addInPlace(x: usize, y: usize, len: i32): void {
  let i = 0;
  for (; i + 2 <= len; i += 2) {
    const o = <usize>i << 3;
    v128.store(x + o, f64x2.add(v128.load(x + o), v128.load(y + o)));
  }
  if (i < len) store<f64>(x + (<usize>i << 3), load<f64>(x + (<usize>i << 3)) + load<f64>(y + (<usize>i << 3)));
}

// Leaky ReLU in place with its derivative: for v = x[i], x[i] = v ≥ 0 ? v : m·v and d[i] = v ≥ 0 ? 1 : m
// (m = 0 is ReLU, whose negative side is +0 as in JavaScript, not 0·v = −0). Branch-free lane selects: preactivations have random signs, where a branch mispredicts half the
// time. Bit for bit what the JavaScript form gives (a select, not max: −0 stays −0, as `v >= 0 ? v : 0` keeps it).
export function leakyInPlace(x: usize, d: usize, len: i32, m: f64): void {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const mv = f64x2.splat(m);
  let i = 0;
  if (m == 0) {
    for (; i + 2 <= len; i += 2) {
      const o = <usize>i << 3;
      const v = v128.load(x + o);
      const keep = f64x2.ge(v, zero);
      v128.store(x + o, v128.and(v, keep));
      v128.store(d + o, v128.and(one, keep));
    }
  } else {
    for (; i + 2 <= len; i += 2) {
      const o = <usize>i << 3;
      const v = v128.load(x + o);
      const keep = f64x2.ge(v, zero);
      v128.store(x + o, v128.bitselect(v, f64x2.mul(mv, v), keep));
      v128.store(d + o, v128.bitselect(one, mv, keep));
    }
  }
  if (i < len) {
    const o = <usize>i << 3;
    const v = load<f64>(x + o);
    store<f64>(x + o, v >= 0 ? v : m == 0 ? 0 : m * v);
    store<f64>(d + o, v >= 0 ? 1 : m);
  }
}

// ---- Back-propagation products that skip exact zeros (ReLU nets) ----
//
// About half of a ReLU layer's post-activations a_k, and of the back-propagated δ_k, are exact zeros. The products
// below leave out every term whose multiplier is an exact zero and keep every other term in the order the dense
// product (gemmStrided, gemmNT) sums it, so the bits are the dense product's: each sum starts at +0, and under round
// to nearest a sum that starts at +0 is never −0 (x + y = −0 only when both are −0), so adding a product ±0 never
// changes it. The one exception is 0 × (±∞ or NaN), which the dense product turns into NaN: the caller uses these
// products only where the other factor is known to be finite (simd.ts says how it checks).
//
// No branch depends on where the zeros are (ReLU patterns are random: such a branch would mispredict half the time).
// Each row of multipliers has a bit mask of its nonzeros, 64 entries per word (⌈len/64⌉ words per row), made by
// two-lane compares where the row is written (reluInPlace, nonzeroMasks); the products visit the set bits in
// increasing order (count trailing zeros, clear the lowest bit) and for each one splat the multiplier across a
// contiguous row of the other operand in two-lane multiply–adds. Only the loop over the set bits ends at a
// data-dependent count, as any loop over a list of the nonzeros would.

// Row masks of x (rows × len, row-major): bit t of word w of row p (at masks + (p·⌈len/64⌉ + w)·8) is set when
// x[p, 64w + t] is not ±0 (NaN counts as nonzero).
export function nonzeroMasks(x: usize, rows: i32, len: i32, masks: usize): void {
  const zero = f64x2.splat(0);
  const rowX = <usize>len << 3;
  let mw = masks;
  for (let p = 0; p < rows; p++) {
    const xp = x + <usize>p * rowX;
    for (let w0 = 0; w0 < len; w0 += 64) {
      const end = min(len, w0 + 64);
      let bits: u64 = 0;
      let t = w0;
      for (; t + 2 <= end; t += 2) bits |= (<u64>i64x2.bitmask(f64x2.ne(v128.load(xp + (<usize>t << 3)), zero))) << <u64>(t - w0);
      if (t < end) bits |= (<u64>(load<f64>(xp + (<usize>t << 3)) != 0)) << <u64>(t - w0);
      store<u64>(mw, bits);
      mw += 8;
    }
  }
}

// leakyInPlace with slope 0 on x (rows × len): the same operations on every entry, so the same bits. Also writes the
// row masks of the outputs' nonzeros (as nonzeroMasks: an output is nonzero exactly when its input is > 0) and returns
// 1 when every output is finite, else 0 (ReLU outputs are ±0, positive or +∞, NaN inputs giving +0: so +∞ is the only
// non-finite output).
export function reluInPlace(x: usize, d: usize, rows: i32, len: i32, masks: usize): i32 {
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const rowX = <usize>len << 3;
  const inf = f64x2.splat(Infinity);
  // lanes set where an output was +∞ (f64x2.max would do, but its NaN rules cost several instructions per use)
  let bad = f64x2.splat(0);
  let mw = masks;
  for (let p = 0; p < rows; p++) {
    const xp = x + <usize>p * rowX;
    const dp = d + <usize>p * rowX;
    for (let w0 = 0; w0 < len; w0 += 64) {
      const end = min(len, w0 + 64);
      let bits: u64 = 0;
      let t = w0;
      for (; t + 4 <= end; t += 4) {
        const o = <usize>t << 3;
        const v0 = v128.load(xp + o);
        const v1 = v128.load(xp + o, 16);
        const k0 = f64x2.ge(v0, zero);
        const k1 = f64x2.ge(v1, zero);
        const out0 = v128.and(v0, k0);
        const out1 = v128.and(v1, k1);
        v128.store(xp + o, out0);
        v128.store(xp + o, out1, 16);
        v128.store(dp + o, v128.and(one, k0));
        v128.store(dp + o, v128.and(one, k1), 16);
        bad = v128.or(bad, v128.or(f64x2.eq(out0, inf), f64x2.eq(out1, inf)));
        bits |= (<u64>(i64x2.bitmask(f64x2.gt(v0, zero)) | (i64x2.bitmask(f64x2.gt(v1, zero)) << 2))) << <u64>(t - w0);
      }
      for (; t < end; t++) {
        const o = <usize>t << 3;
        const v = load<f64>(xp + o);
        const out = v >= 0 ? v : 0;
        store<f64>(xp + o, out);
        store<f64>(dp + o, v >= 0 ? 1 : 0);
        bad = v128.or(bad, f64x2.eq(f64x2.splat(out), inf));
        bits |= (<u64>(v > 0)) << <u64>(t - w0);
      }
      store<u64>(mw, bits);
      mw += 8;
    }
  }
  return <i32>!v128.any_true(bad);
}

// Word w of a row's mask, restricted to the first kb bit positions.
// @ts-ignore: decorator
@inline
function maskWord(words: usize, w: i32, kb: i32): u64 {
  const bits = load<u64>(words + (<usize>w << 3));
  const left = kb - (w << 6);
  return left >= 64 ? bits : bits & ((<u64>1 << <u64>left) - 1);
}

// Sixteen doubles from eight registers at `at`.
// @ts-ignore: decorator
@inline
function store8(at: usize, u0: v128, u1: v128, u2: v128, u3: v128, u4: v128, u5: v128, u6: v128, u7: v128): void {
  v128.store(at, u0);
  v128.store(at, u1, 16);
  v128.store(at, u2, 32);
  v128.store(at, u3, 48);
  v128.store(at, u4, 64);
  v128.store(at, u5, 80);
  v128.store(at, u6, 96);
  v128.store(at, u7, 112);
}

// Stores sixteen accumulated columns u0..u7 at cj per mode (see axpyMasked): 0 as they are, 2 times d (at dj), 3 as 2
// and with the bits of the stored nonzeros set in the row mask word at om for columns j … j + 15.
// @ts-ignore: decorator
@inline
function store16(mode: i32, cj: usize, dj: usize, om: usize, j: i32, u0: v128, u1: v128, u2: v128, u3: v128, u4: v128, u5: v128, u6: v128, u7: v128): void {
  if (mode >= 2) {
    u0 = f64x2.mul(u0, v128.load(dj));
    u1 = f64x2.mul(u1, v128.load(dj, 16));
    u2 = f64x2.mul(u2, v128.load(dj, 32));
    u3 = f64x2.mul(u3, v128.load(dj, 48));
    u4 = f64x2.mul(u4, v128.load(dj, 64));
    u5 = f64x2.mul(u5, v128.load(dj, 80));
    u6 = f64x2.mul(u6, v128.load(dj, 96));
    u7 = f64x2.mul(u7, v128.load(dj, 112));
    if (mode == 3) {
      const zero = f64x2.splat(0);
      const lo =
        i64x2.bitmask(f64x2.ne(u0, zero)) |
        (i64x2.bitmask(f64x2.ne(u1, zero)) << 2) |
        (i64x2.bitmask(f64x2.ne(u2, zero)) << 4) |
        (i64x2.bitmask(f64x2.ne(u3, zero)) << 6) |
        (i64x2.bitmask(f64x2.ne(u4, zero)) << 8) |
        (i64x2.bitmask(f64x2.ne(u5, zero)) << 10) |
        (i64x2.bitmask(f64x2.ne(u6, zero)) << 12) |
        (i64x2.bitmask(f64x2.ne(u7, zero)) << 14);
      const ow = om + (<usize>(j >> 6) << 3);
      store<u64>(ow, load<u64>(ow) | ((<u64>lo) << <u64>(j & 63)));
    }
  }
  store8(cj, u0, u1, u2, u3, u4, u5, u6, u7);
}

// c[0..n) from row x's terms selected by its mask words (only positions below kb), over b with rows rowB bytes apart:
// acc[j] = Σ_t x[t]·b[t, j], t in increasing order, from +0; then per mode: 0 stores acc, 2 stores acc·d[j] (δ ⊙ φ',
// as mulInPlace would after), 3 does as 2 and also sets the bits of the stored nonzeros in the row mask words at om
// (zeroed by the caller). Sixteen columns at a time (eight independent addition chains), then 8, 4, 2, 1. (Thirty-two
// at a time, sixteen chains, took 1.2× as long at [32,32,32,1] n = 256: more accumulators than V8 keeps in registers.)
function axpyMasked(x: usize, words: usize, kb: i32, b: usize, rowB: usize, c: usize, n: i32, d: usize, mode: i32, om: usize): void {
  const zero = f64x2.splat(0);
  const nw = (kb + 63) >> 6;
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const bj = b + (<usize>j << 3);
    let u0 = f64x2.splat(0);
    let u1 = f64x2.splat(0);
    let u2 = f64x2.splat(0);
    let u3 = f64x2.splat(0);
    let u4 = f64x2.splat(0);
    let u5 = f64x2.splat(0);
    let u6 = f64x2.splat(0);
    let u7 = f64x2.splat(0);
    for (let w = 0; w < nw; w++) {
      let bits = maskWord(words, w, kb);
      const t0 = w << 6;
      while (bits != 0) {
        const t = t0 + <i32>ctz(bits);
        bits &= bits - 1;
        const s = v128.load64_splat(x + (<usize>t << 3));
        const pb = bj + <usize>t * rowB;
        u0 = f64x2.add(u0, f64x2.mul(s, v128.load(pb)));
        u1 = f64x2.add(u1, f64x2.mul(s, v128.load(pb, 16)));
        u2 = f64x2.add(u2, f64x2.mul(s, v128.load(pb, 32)));
        u3 = f64x2.add(u3, f64x2.mul(s, v128.load(pb, 48)));
        u4 = f64x2.add(u4, f64x2.mul(s, v128.load(pb, 64)));
        u5 = f64x2.add(u5, f64x2.mul(s, v128.load(pb, 80)));
        u6 = f64x2.add(u6, f64x2.mul(s, v128.load(pb, 96)));
        u7 = f64x2.add(u7, f64x2.mul(s, v128.load(pb, 112)));
      }
    }
    store16(mode, c + (<usize>j << 3), d + (<usize>j << 3), om, j, u0, u1, u2, u3, u4, u5, u6, u7);
  }
  if (j + 8 <= n) {
    const bj = b + (<usize>j << 3);
    let u0 = f64x2.splat(0);
    let u1 = f64x2.splat(0);
    let u2 = f64x2.splat(0);
    let u3 = f64x2.splat(0);
    for (let w = 0; w < nw; w++) {
      let bits = maskWord(words, w, kb);
      const t0 = w << 6;
      while (bits != 0) {
        const t = t0 + <i32>ctz(bits);
        bits &= bits - 1;
        const s = v128.load64_splat(x + (<usize>t << 3));
        const pb = bj + <usize>t * rowB;
        u0 = f64x2.add(u0, f64x2.mul(s, v128.load(pb)));
        u1 = f64x2.add(u1, f64x2.mul(s, v128.load(pb, 16)));
        u2 = f64x2.add(u2, f64x2.mul(s, v128.load(pb, 32)));
        u3 = f64x2.add(u3, f64x2.mul(s, v128.load(pb, 48)));
      }
    }
    const cj = c + (<usize>j << 3);
    if (mode >= 2) {
      const dj = d + (<usize>j << 3);
      u0 = f64x2.mul(u0, v128.load(dj));
      u1 = f64x2.mul(u1, v128.load(dj, 16));
      u2 = f64x2.mul(u2, v128.load(dj, 32));
      u3 = f64x2.mul(u3, v128.load(dj, 48));
      if (mode == 3) {
        const ow = om + (<usize>(j >> 6) << 3);
        const lo =
          i64x2.bitmask(f64x2.ne(u0, zero)) |
          (i64x2.bitmask(f64x2.ne(u1, zero)) << 2) |
          (i64x2.bitmask(f64x2.ne(u2, zero)) << 4) |
          (i64x2.bitmask(f64x2.ne(u3, zero)) << 6);
        store<u64>(ow, load<u64>(ow) | ((<u64>lo) << <u64>(j & 63)));
      }
    }
    v128.store(cj, u0);
    v128.store(cj, u1, 16);
    v128.store(cj, u2, 32);
    v128.store(cj, u3, 48);
    j += 8;
  }
  for (; j + 4 <= n; j += 4) {
    const bj = b + (<usize>j << 3);
    let u0 = f64x2.splat(0);
    let u1 = f64x2.splat(0);
    for (let w = 0; w < nw; w++) {
      let bits = maskWord(words, w, kb);
      const t0 = w << 6;
      while (bits != 0) {
        const t = t0 + <i32>ctz(bits);
        bits &= bits - 1;
        const s = v128.load64_splat(x + (<usize>t << 3));
        const pb = bj + <usize>t * rowB;
        u0 = f64x2.add(u0, f64x2.mul(s, v128.load(pb)));
        u1 = f64x2.add(u1, f64x2.mul(s, v128.load(pb, 16)));
      }
    }
    const cj = c + (<usize>j << 3);
    if (mode >= 2) {
      const dj = d + (<usize>j << 3);
      u0 = f64x2.mul(u0, v128.load(dj));
      u1 = f64x2.mul(u1, v128.load(dj, 16));
      if (mode == 3) {
        const ow = om + (<usize>(j >> 6) << 3);
        const lo = i64x2.bitmask(f64x2.ne(u0, zero)) | (i64x2.bitmask(f64x2.ne(u1, zero)) << 2);
        store<u64>(ow, load<u64>(ow) | ((<u64>lo) << <u64>(j & 63)));
      }
    }
    v128.store(cj, u0);
    v128.store(cj, u1, 16);
  }
  for (; j + 2 <= n; j += 2) {
    const bj = b + (<usize>j << 3);
    let u = f64x2.splat(0);
    for (let w = 0; w < nw; w++) {
      let bits = maskWord(words, w, kb);
      const t0 = w << 6;
      while (bits != 0) {
        const t = t0 + <i32>ctz(bits);
        bits &= bits - 1;
        u = f64x2.add(u, f64x2.mul(v128.load64_splat(x + (<usize>t << 3)), v128.load(bj + <usize>t * rowB)));
      }
    }
    const cj = c + (<usize>j << 3);
    if (mode >= 2) {
      u = f64x2.mul(u, v128.load(d + (<usize>j << 3)));
      if (mode == 3) {
        const ow = om + (<usize>(j >> 6) << 3);
        store<u64>(ow, load<u64>(ow) | ((<u64>i64x2.bitmask(f64x2.ne(u, zero))) << <u64>(j & 63)));
      }
    }
    v128.store(cj, u);
  }
  if (j < n) {
    const bj = b + (<usize>j << 3);
    let u: f64 = 0;
    for (let w = 0; w < nw; w++) {
      let bits = maskWord(words, w, kb);
      const t0 = w << 6;
      while (bits != 0) {
        const t = t0 + <i32>ctz(bits);
        bits &= bits - 1;
        u += load<f64>(x + (<usize>t << 3)) * load<f64>(bj + <usize>t * rowB);
      }
    }
    const cj = c + (<usize>j << 3);
    if (mode >= 2) {
      u = u * load<f64>(d + (<usize>j << 3));
      if (mode == 3) {
        const ow = om + (<usize>(j >> 6) << 3);
        store<u64>(ow, load<u64>(ow) | ((<u64>(u != 0)) << <u64>(j & 63)));
      }
    }
    store<f64>(cj, u);
  }
}

// C = A·B (A m×k, B k×n, C m×n, row-major) without the terms whose A[i, p] is an exact zero: gemmStrided(a, k, 1, …)'s
// bits (each entry summed over p in order from +0) whenever B is finite. With masked ≠ 0, C = (A·B) ⊙ d (d m×n): the
// bits of gemmStrided followed by mulInPlace; masked = 2 also writes C's row masks into cMasks (as nonzeroMasks(c, m,
// n, …) would). masks: A's row masks (nonzeroMasks(a, m, k, …)).
export function sparseGemmNN(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, d: usize, masked: i32, masks: usize, cMasks: usize): void {
  const rowA = <usize>k << 3;
  const rowC = <usize>n << 3;
  const rowM = <usize>((k + 63) >> 6) << 3;
  const nwC = (n + 63) >> 6;
  const rowCM = <usize>nwC << 3;
  const mode = masked == 2 ? 3 : masked != 0 ? 2 : 0;
  for (let i = 0; i < m; i++) {
    const om = cMasks + <usize>i * rowCM;
    if (mode == 3) for (let w = 0; w < nwC; w++) store<u64>(om + (<usize>w << 3), 0);
    axpyMasked(a + <usize>i * rowA, masks + <usize>i * rowM, k, b, rowC, c + <usize>i * rowC, n, d + <usize>i * rowC, mode, om);
  }
}

// mulInPlace on x (rows × len) that also writes the row masks of the products' nonzeros (as nonzeroMasks would).
export function mulMasksInPlace(x: usize, y: usize, rows: i32, len: i32, masks: usize): void {
  const zero = f64x2.splat(0);
  const rowX = <usize>len << 3;
  let mw = masks;
  for (let p = 0; p < rows; p++) {
    const xp = x + <usize>p * rowX;
    const yp = y + <usize>p * rowX;
    for (let w0 = 0; w0 < len; w0 += 64) {
      const end = min(len, w0 + 64);
      let bits: u64 = 0;
      let t = w0;
      for (; t + 4 <= end; t += 4) {
        const o = <usize>t << 3;
        const v0 = f64x2.mul(v128.load(xp + o), v128.load(yp + o));
        const v1 = f64x2.mul(v128.load(xp + o, 16), v128.load(yp + o, 16));
        v128.store(xp + o, v0);
        v128.store(xp + o, v1, 16);
        bits |= (<u64>(i64x2.bitmask(f64x2.ne(v0, zero)) | (i64x2.bitmask(f64x2.ne(v1, zero)) << 2))) << <u64>(t - w0);
      }
      for (; t < end; t++) {
        const o = <usize>t << 3;
        const v = load<f64>(xp + o) * load<f64>(yp + o);
        store<f64>(xp + o, v);
        bits |= (<u64>(v != 0)) << <u64>(t - w0);
      }
      store<u64>(mw, bits);
      mw += 8;
    }
  }
}

// C = Aᵀ·B (A k×m, B k×n, C m×n) without the terms whose A[p, i] is an exact zero: gemmStrided(a, 1, m, …)'s bits
// (each entry summed over p in order from +0) whenever B is finite. Outer-product order: C is zeroed, then for each p
// in turn every row i of C with A[p, i] ≠ 0 gets A[p, i]·B[p, ·] added, sixteen (then 8, 4, 2, 1) columns at a time
// from registers holding that slice of B's row p; so each entry still sums over p in increasing order. masks: A's row masks
// (nonzeroMasks(a, k, m, …)).
export function sparseGemmTN(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, masks: usize): void {
  const rowA = <usize>m << 3;
  const rowB = <usize>n << 3;
  const nw = (m + 63) >> 6;
  const rowM = <usize>nw << 3;
  const zero = f64x2.splat(0);
  let z = 0;
  for (; z + 2 <= m * n; z += 2) v128.store(c + (<usize>z << 3), zero);
  if (z < m * n) store<f64>(c + (<usize>z << 3), 0);
  for (let p = 0; p < k; p++) {
    const ap = a + <usize>p * rowA;
    const bp = b + <usize>p * rowB;
    const mp = masks + <usize>p * rowM;
    let j = 0;
    for (; j + 16 <= n; j += 16) {
      const o = <usize>j << 3;
      const y0 = v128.load(bp + o);
      const y1 = v128.load(bp + o, 16);
      const y2 = v128.load(bp + o, 32);
      const y3 = v128.load(bp + o, 48);
      const y4 = v128.load(bp + o, 64);
      const y5 = v128.load(bp + o, 80);
      const y6 = v128.load(bp + o, 96);
      const y7 = v128.load(bp + o, 112);
      for (let w = 0; w < nw; w++) {
        let bits = load<u64>(mp + (<usize>w << 3));
        const i0 = w << 6;
        while (bits != 0) {
          const i = i0 + <i32>ctz(bits);
          bits &= bits - 1;
          const s = v128.load64_splat(ap + (<usize>i << 3));
          const ci = c + <usize>i * rowB + o;
          v128.store(ci, f64x2.add(v128.load(ci), f64x2.mul(s, y0)));
          v128.store(ci, f64x2.add(v128.load(ci, 16), f64x2.mul(s, y1)), 16);
          v128.store(ci, f64x2.add(v128.load(ci, 32), f64x2.mul(s, y2)), 32);
          v128.store(ci, f64x2.add(v128.load(ci, 48), f64x2.mul(s, y3)), 48);
          v128.store(ci, f64x2.add(v128.load(ci, 64), f64x2.mul(s, y4)), 64);
          v128.store(ci, f64x2.add(v128.load(ci, 80), f64x2.mul(s, y5)), 80);
          v128.store(ci, f64x2.add(v128.load(ci, 96), f64x2.mul(s, y6)), 96);
          v128.store(ci, f64x2.add(v128.load(ci, 112), f64x2.mul(s, y7)), 112);
        }
      }
    }
    if (j + 8 <= n) {
      const o = <usize>j << 3;
      const y0 = v128.load(bp + o);
      const y1 = v128.load(bp + o, 16);
      const y2 = v128.load(bp + o, 32);
      const y3 = v128.load(bp + o, 48);
      for (let w = 0; w < nw; w++) {
        let bits = load<u64>(mp + (<usize>w << 3));
        const i0 = w << 6;
        while (bits != 0) {
          const i = i0 + <i32>ctz(bits);
          bits &= bits - 1;
          const s = v128.load64_splat(ap + (<usize>i << 3));
          const ci = c + <usize>i * rowB + o;
          v128.store(ci, f64x2.add(v128.load(ci), f64x2.mul(s, y0)));
          v128.store(ci, f64x2.add(v128.load(ci, 16), f64x2.mul(s, y1)), 16);
          v128.store(ci, f64x2.add(v128.load(ci, 32), f64x2.mul(s, y2)), 32);
          v128.store(ci, f64x2.add(v128.load(ci, 48), f64x2.mul(s, y3)), 48);
        }
      }
      j += 8;
    }
    if (j + 4 <= n) {
      const o = <usize>j << 3;
      const y0 = v128.load(bp + o);
      const y1 = v128.load(bp + o, 16);
      for (let w = 0; w < nw; w++) {
        let bits = load<u64>(mp + (<usize>w << 3));
        const i0 = w << 6;
        while (bits != 0) {
          const i = i0 + <i32>ctz(bits);
          bits &= bits - 1;
          const s = v128.load64_splat(ap + (<usize>i << 3));
          const ci = c + <usize>i * rowB + o;
          v128.store(ci, f64x2.add(v128.load(ci), f64x2.mul(s, y0)));
          v128.store(ci, f64x2.add(v128.load(ci, 16), f64x2.mul(s, y1)), 16);
        }
      }
      j += 4;
    }
    for (; j + 2 <= n; j += 2) {
      const o = <usize>j << 3;
      const y = v128.load(bp + o);
      for (let w = 0; w < nw; w++) {
        let bits = load<u64>(mp + (<usize>w << 3));
        const i0 = w << 6;
        while (bits != 0) {
          const i = i0 + <i32>ctz(bits);
          bits &= bits - 1;
          const ci = c + <usize>i * rowB + o;
          v128.store(ci, f64x2.add(v128.load(ci), f64x2.mul(v128.load64_splat(ap + (<usize>i << 3)), y)));
        }
      }
    }
    if (j < n) {
      const o = <usize>j << 3;
      const y = load<f64>(bp + o);
      for (let w = 0; w < nw; w++) {
        let bits = load<u64>(mp + (<usize>w << 3));
        const i0 = w << 6;
        while (bits != 0) {
          const i = i0 + <i32>ctz(bits);
          bits &= bits - 1;
          const ci = c + <usize>i * rowB + o;
          store<f64>(ci, load<f64>(ci) + load<f64>(ap + (<usize>i << 3)) * y);
        }
      }
    }
  }
}

// t = sᵀ: s is rows × cols, t is cols × rows (row-major both).
export function transpose(s: usize, t: usize, rows: i32, cols: i32): void {
  const rowT = <usize>rows << 3;
  for (let i = 0; i < rows; i++) {
    const si = s + ((<usize>i * <usize>cols) << 3);
    const ti = t + (<usize>i << 3);
    for (let j = 0; j < cols; j++) store<f64>(ti + <usize>j * rowT, load<f64>(si + (<usize>j << 3)));
  }
}

// 1 when every a[i] (i < len) is finite, else 0: Σ a[i]·0 is NaN exactly when some a[i] is ±∞ or NaN.
export function allFinite(a: usize, len: i32): i32 {
  const zero = f64x2.splat(0);
  let s = f64x2.splat(0);
  let i = 0;
  for (; i + 2 <= len; i += 2) s = f64x2.add(s, f64x2.mul(v128.load(a + (<usize>i << 3)), zero));
  let r = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  if (i < len) r += load<f64>(a + (<usize>i << 3)) * 0;
  return <i32>(r == r);
}

// e[j] += Σ_p c[p]·x[p, j] for p = 0 … k−1 in order, c[p] at c + p·sc·8 (x is k×n, row-major), continued from e's
// current values: a block of rows of E = cᵀX (the fused data pass), and gemmStrided's one-row case from a zeroed row.
// Each column's sum runs over p in order whatever the blocking, so E summed block by block has the bits of one pass.
// Sixteen columns at a time: eight independent addition chains, so the adder does not wait on its own latency.
export function accumulateRows(c: usize, sc: i32, x: usize, e: usize, k: i32, n: i32): void {
  const rowX = <usize>n << 3;
  const stepC = <usize>sc << 3;
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const ej = e + (<usize>j << 3);
    let u0 = v128.load(ej);
    let u1 = v128.load(ej, 16);
    let u2 = v128.load(ej, 32);
    let u3 = v128.load(ej, 48);
    let u4 = v128.load(ej, 64);
    let u5 = v128.load(ej, 80);
    let u6 = v128.load(ej, 96);
    let u7 = v128.load(ej, 112);
    let pb = x + (<usize>j << 3);
    for (let p = 0; p < k; p++) {
      const cp = v128.load64_splat(c + <usize>p * stepC);
      u0 = f64x2.add(u0, f64x2.mul(cp, v128.load(pb)));
      u1 = f64x2.add(u1, f64x2.mul(cp, v128.load(pb, 16)));
      u2 = f64x2.add(u2, f64x2.mul(cp, v128.load(pb, 32)));
      u3 = f64x2.add(u3, f64x2.mul(cp, v128.load(pb, 48)));
      u4 = f64x2.add(u4, f64x2.mul(cp, v128.load(pb, 64)));
      u5 = f64x2.add(u5, f64x2.mul(cp, v128.load(pb, 80)));
      u6 = f64x2.add(u6, f64x2.mul(cp, v128.load(pb, 96)));
      u7 = f64x2.add(u7, f64x2.mul(cp, v128.load(pb, 112)));
      pb += rowX;
    }
    store8(ej, u0, u1, u2, u3, u4, u5, u6, u7);
  }
  for (; j + 2 <= n; j += 2) {
    const ej = e + (<usize>j << 3);
    let u = v128.load(ej);
    let pb = x + (<usize>j << 3);
    for (let p = 0; p < k; p++) {
      u = f64x2.add(u, f64x2.mul(v128.load64_splat(c + <usize>p * stepC), v128.load(pb)));
      pb += rowX;
    }
    v128.store(ej, u);
  }
  if (j < n) {
    const ej = e + (<usize>j << 3);
    let u = load<f64>(ej);
    let pb = x + (<usize>j << 3);
    for (let p = 0; p < k; p++) {
      u += load<f64>(c + <usize>p * stepC) * load<f64>(pb);
      pb += rowX;
    }
    store<f64>(ej, u);
  }
}
