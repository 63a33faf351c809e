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
        const x0 = f64x2.splat(load<f64>(ai0 + pa));
        const x1 = f64x2.splat(load<f64>(ai1 + pa));
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
        u = f64x2.add(u, f64x2.mul(f64x2.splat(load<f64>(ai0 + pa)), y));
        w = f64x2.add(w, f64x2.mul(f64x2.splat(load<f64>(ai1 + pa)), y));
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
      const cp = f64x2.splat(load<f64>(c + <usize>p * stepC));
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
    v128.store(ej, u0);
    v128.store(ej, u1, 16);
    v128.store(ej, u2, 32);
    v128.store(ej, u3, 48);
    v128.store(ej, u4, 64);
    v128.store(ej, u5, 80);
    v128.store(ej, u6, 96);
    v128.store(ej, u7, 112);
  }
  for (; j + 2 <= n; j += 2) {
    const ej = e + (<usize>j << 3);
    let u = v128.load(ej);
    let pb = x + (<usize>j << 3);
    for (let p = 0; p < k; p++) {
      u = f64x2.add(u, f64x2.mul(f64x2.splat(load<f64>(c + <usize>p * stepC)), v128.load(pb)));
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
