// The descent step's sums on f64 arrays in the imported memory: the association of src/trainer/kernels/stepSums.ts
// (four interleaved partial sums, as the two lanes of two accumulators), so the same bits as the JavaScript loops.

// Σ a[i]² as four interleaved partial sums s0..s3 (lanes of two accumulators), reduced as (s0 + s1) + (s2 + s3),
// then the tail in order: the association of sumOfSquares in src/trainer/kernels/stepSums.ts, so the same bits.
export function sumOfSquares(a: usize, len: i32): f64 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 3;
    const v0 = v128.load(a + o);
    const v1 = v128.load(a + o, 16);
    lo = f64x2.add(lo, f64x2.mul(v0, v0));
    hi = f64x2.add(hi, f64x2.mul(v1, v1));
  }
  let s = f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1) + (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1));
  for (; i < len; i++) {
    const v = load<f64>(a + (<usize>i << 3));
    s += v * v;
  }
  return s;
}

// The descent step w ← w − η·g in place, returning Σ w[i]² of the new w summed as in sumOfSquares above
// (stepAndSumOfSquares in stepSums.ts: same operations, same bits).
export function stepAndSumOfSquares(w: usize, g: usize, eta: f64, len: i32): f64 {
  const e = f64x2.splat(eta);
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 3;
    const v0 = f64x2.sub(v128.load(w + o), f64x2.mul(e, v128.load(g + o)));
    const v1 = f64x2.sub(v128.load(w + o, 16), f64x2.mul(e, v128.load(g + o, 16)));
    v128.store(w + o, v0);
    v128.store(w + o, v1, 16);
    lo = f64x2.add(lo, f64x2.mul(v0, v0));
    hi = f64x2.add(hi, f64x2.mul(v1, v1));
  }
  let s = f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1) + (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1));
  for (; i < len; i++) {
    const o = <usize>i << 3;
    const v = load<f64>(w + o) - eta * load<f64>(g + o);
    store<f64>(w + o, v);
    s += v * v;
  }
  return s;
}
