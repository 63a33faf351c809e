// e^x computed the way V8 computes Math.exp, so the module's losses give the bits of the JavaScript ones.
//
// V8's Math.exp is fdlibm's __ieee754_exp (FreeBSD's e_exp.c, src/base/ieee754.cc in V8) with one special case,
// exp(1) = Math.E. The algorithm: write x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split into a head with trailing zero bits,
// so k·ln2_hi is exact, and a tail), approximate e^r by a rational form built on a degree-5 polynomial in r², and scale
// by 2^k through the exponent bits. The unit test compares it with Math.exp bit for bit.

const LN2_HI: f64 = 6.93147180369123816490e-1; // 0x3fe62e42 fee00000
const LN2_LO: f64 = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76
const INV_LN2: f64 = 1.44269504088896338700; // 0x3ff71547 652b82fe
const P1: f64 = 1.66666666666666019037e-1;
const P2: f64 = -2.77777777770155933842e-3;
const P3: f64 = 6.61375632143793436117e-5;
const P4: f64 = -1.65339022054652515390e-6;
const P5: f64 = 4.13813679705723846039e-8;
/** above this e^x overflows, below U_THRESHOLD it underflows to 0 */
const O_THRESHOLD: f64 = 7.09782712893383973096e2;
const U_THRESHOLD: f64 = -7.45133219101941108420e2;
const TWO_M1000: f64 = 9.33263618503218878990e-302; // 2^−1000
const TWO_1023: f64 = 8.98846567431158e307; // 2^1023

export function fdlibmExp(x: f64): f64 {
  if (x == 1) return 2.718281828459045; // V8 returns Math.E here (fdlibm's value is one ulp above)
  const bits = reinterpret<u64>(x);
  const negative = <i32>(bits >>> 63);
  const high = <u32>(bits >>> 32) & 0x7fffffff; // high word of |x|
  if (high >= 0x40862e42) {
    // |x| ≥ 709.78…: NaN, ±∞, overflow or underflow
    if (high >= 0x7ff00000) return x != x ? x + x : negative ? 0 : x;
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  let hi: f64 = 0;
  let lo: f64 = 0;
  let k: i32 = 0;
  let r = x;
  if (high > 0x3fd62e42) {
    // |x| > ln2/2: reduce
    if (high < 0x3ff0a2b2) {
      // and |x| < 1.5·ln2: k = ±1
      hi = negative ? x + LN2_HI : x - LN2_HI;
      lo = negative ? -LN2_LO : LN2_LO;
      k = negative ? -1 : 1;
    } else {
      k = <i32>(INV_LN2 * x + (negative ? -0.5 : 0.5)); // truncation toward zero, as C's (int)
      const kf = <f64>k;
      hi = x - kf * LN2_HI; // exact
      lo = kf * LN2_LO;
    }
    r = hi - lo;
  } else if (high < 0x3e300000) {
    // |x| < 2^−28: e^x rounds to 1 + x
    return 1 + x;
  }
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1 - ((r * c) / (c - 2.0) - r);
  const y = 1 - (lo - (r * c) / (2.0 - c) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * TWO_1023;
    return y * reinterpret<f64>(<u64>(0x3ff + k) << 52);
  }
  return y * reinterpret<f64>(<u64>(0x3ff + k + 1000) << 52) * TWO_M1000;
}

// The same function on two lanes at once, with no data-dependent branch on the common path: a tiny net's margins fall
// in different ranges of the reduction (k = 0, k = ±1, larger k) from one sample to the next, so the scalar form's
// branches mispredict about once per call, which costs more than the arithmetic. Every lane takes the general path
// with k forced to 0 where fdlibm does not reduce. Same bits as fdlibmExp, lane by lane:
// - fdlibm's shortcut for ln2/2 < |x| < 1.5·ln2 (k = ±1, hi = x ∓ ln2_hi, lo = ±ln2_lo) is what the general formula
//   gives there: trunc(x/ln2 ± 1/2) = ±1 on that whole range, and x − (−1)·ln2_hi = x + ln2_hi exactly;
// - with k = 0 the general path has hi = x, lo = +0, r = x, and 1 − ((0 − q) − x) with q = rc/(2 − c) equals fdlibm's
//   1 − (rc/(c − 2) − x): c − 2 = −(2 − c) and rc/(−d) = −(rc/d) exactly, and 0 − q = −q as q ≠ 0 for |x| ≥ 2^−28;
// - for |x| ≤ 707, −1021 ≤ k ≤ 1020, so the scale is the single factor 2^k fdlibm uses there.
//
// The two-lane constants are read from a table in memory (storeExpConstants): V8 builds a v128 constant in registers
// with three instructions each time it is used, a load is one, and the table saves about a fifth of the time.

// slots of the constant table, 16 bytes each
const K_SIGN = 0;
const K_ABS_REDUCE = 1; // |x| ≥ this ⟺ fdlibm's high word of |x| > 0x3fd62e42
const K_HALF = 2;
const K_INV_LN2 = 3;
const K_LN2_HI = 4;
const K_LN2_LO = 5;
const K_P1 = 6;
const K_P2 = 7;
const K_P3 = 8;
const K_P4 = 9;
const K_P5 = 10;
const K_TWO = 11;
const K_ONE = 12;
const K_BIAS = 13; // exponent bias 0x3ff (i64 lanes)
const K_ABS_TINY = 14; // 2^−28
const K_ZERO = 15;
const K_ABS_RARE = 16; // 707: beyond, k < −1021 or k = 1024 or the result overflows or underflows
/** −1 (for the logistic derivative's numerator) */
export const K_MINUS_ONE = 17;
/** bytes the table takes */
export const EXP_CONSTANTS_BYTES = 18 * 16;

// Writes the table at `at` (EXP_CONSTANTS_BYTES bytes, 16-byte aligned).
export function storeExpConstants(at: usize): void {
  v128.store(at + K_SIGN * 16, i64x2.splat(0x8000000000000000));
  v128.store(at + K_ABS_REDUCE * 16, i64x2.splat(0x3fd62e4300000000));
  v128.store(at + K_HALF * 16, f64x2.splat(0.5));
  v128.store(at + K_INV_LN2 * 16, f64x2.splat(INV_LN2));
  v128.store(at + K_LN2_HI * 16, f64x2.splat(LN2_HI));
  v128.store(at + K_LN2_LO * 16, f64x2.splat(LN2_LO));
  v128.store(at + K_P1 * 16, f64x2.splat(P1));
  v128.store(at + K_P2 * 16, f64x2.splat(P2));
  v128.store(at + K_P3 * 16, f64x2.splat(P3));
  v128.store(at + K_P4 * 16, f64x2.splat(P4));
  v128.store(at + K_P5 * 16, f64x2.splat(P5));
  v128.store(at + K_TWO * 16, f64x2.splat(2.0));
  v128.store(at + K_ONE * 16, f64x2.splat(1.0));
  v128.store(at + K_BIAS * 16, i64x2.splat(0x3ff));
  v128.store(at + K_ABS_TINY * 16, i64x2.splat(0x3e30000000000000));
  v128.store(at + K_ZERO * 16, f64x2.splat(0));
  v128.store(at + K_ABS_RARE * 16, f64x2.splat(707));
  v128.store(at + K_MINUS_ONE * 16, f64x2.splat(-1.0));
}

/** slot s of the table at K */
@inline export function kc(K: usize, s: i32): v128 {
  return v128.load(K + (<usize>s << 4));
}

// e^x in both lanes of x, bit for bit fdlibmExp (and Math.exp); K: the constant table. Lanes that need one of fdlibm's
// special cases (x = 1, |x| < 2^−28, |x| > 707 where the scale leaves the normal range or the result overflows or
// underflows, NaN) are rare in a loss, so a pair holding one goes to the scalar form instead (a branch that is almost
// never taken, so almost never mispredicted); the common path is the general formula alone.
@inline export function expPair(x: v128, K: usize): v128 {
  const signBit = kc(K, K_SIGN);
  const ax = v128.andnot(x, signBit); // |x|
  const rare = v128.or(v128.or(f64x2.eq(x, kc(K, K_ONE)), f64x2.lt(ax, kc(K, K_ABS_TINY))), v128.or(f64x2.gt(ax, kc(K, K_ABS_RARE)), f64x2.ne(x, x)));
  if (v128.any_true(rare)) return f64x2.replace_lane(f64x2.splat(fdlibmExp(f64x2.extract_lane(x, 0))), 1, fdlibmExp(f64x2.extract_lane(x, 1)));
  const reduce = f64x2.ge(ax, kc(K, K_ABS_REDUCE));
  const half = v128.or(v128.and(x, signBit), kc(K, K_HALF)); // ±1/2 with x's sign
  const kRaw = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(f64x2.mul(kc(K, K_INV_LN2), x), half));
  // k is 0 where fdlibm does not reduce: the 64-bit lane masks of `reduce` narrowed to k's two i32 lanes
  const k = v128.and(kRaw, i32x4.shuffle(reduce, kc(K, K_ZERO), 0, 2, 4, 4));
  const kf = f64x2.convert_low_i32x4_s(k);
  const hi = f64x2.sub(x, f64x2.mul(kf, kc(K, K_LN2_HI)));
  const lo = f64x2.mul(kf, kc(K, K_LN2_LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  let poly = f64x2.add(kc(K, K_P4), f64x2.mul(t, kc(K, K_P5)));
  poly = f64x2.add(kc(K, K_P3), f64x2.mul(t, poly));
  poly = f64x2.add(kc(K, K_P2), f64x2.mul(t, poly));
  poly = f64x2.add(kc(K, K_P1), f64x2.mul(t, poly));
  const c = f64x2.sub(r, f64x2.mul(t, poly));
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(kc(K, K_TWO), c));
  const y = f64x2.sub(kc(K, K_ONE), f64x2.sub(f64x2.sub(lo, q), hi));
  // 2^k for −1021 ≤ k ≤ 1023 (|x| ≤ 707): the exponent field k + 0x3ff shifted into place
  return f64x2.mul(y, i64x2.shl(i64x2.add(i64x2.extend_low_i32x4_s(k), kc(K, K_BIAS)), 52));
}

// out[i] = e^{src[i]} for i < len through expPair (the odd last element in both lanes of one pair), with the constant
// table at K; for the tests.
export function expInto(src: usize, out: usize, len: i32, K: usize): void {
  let i = 0;
  for (; i + 2 <= len; i += 2) v128.store(out + (<usize>i << 3), expPair(v128.load(src + (<usize>i << 3)), K));
  if (i < len) store<f64>(out + (<usize>i << 3), f64x2.extract_lane(expPair(f64x2.splat(load<f64>(src + (<usize>i << 3))), K), 0));
}
