/**
 * JT.Lem5's near-worst-case points: a family of (W, z) in B(R) indexed by a vector of integers, where the curvature of
 * the logistic risk is large relative to β(R) = 2L²R^{2L−2}(β + G). Each layer is (up to) rank two,
 *   W_k = c_k (cos t_k · u_k e_1ᵀ + sin t_k · u_k^⊥ e_2ᵀ),  u_k = cos θ_k e_1 + sin θ_k e_2,  u_k^⊥ = −sin θ_k e_1 + cos θ_k e_2,
 * so ‖W_k‖_F = |c_k| = (scale_k/8)·R exactly (the ball's boundary at scale 8): t_k = 0 is rank one, θ_k = 0 is aligned
 * with the next layer's input direction e_1, and θ_k, t_k on a grid turn the layers away from alignment (which moves
 * the margin towards 0 and the second-order term ℓ'∇²m up). Terms whose basis vector does not exist (a dimension of 1)
 * are dropped, and the layer is c_k·u_k e_1ᵀ. One sample z = ρ(cos ψ e_1 + sin ψ e_2), ρ ≤ 1 (d = 1: z = ρ cos ψ):
 * the average over samples of the per-sample Hessians is at most their largest, so one sample loses nothing.
 *
 * The integer vector is what fast-check draws (random sampling) and what targetedSearch climbs (src/verify/targetedSearch.ts).
 */
import { jiTelgarskySmoothness } from '../../trainer/schedule.js';
import type { IntegerParameter } from '../targetedSearch.js';
import { marginHessian, spectralNorm } from './hessian.js';

export const CURVATURE_RADII = [1, 3 / 2, 2, 3] as const;

/** The parameters of the family for depths 1..maxDepth (layers beyond the drawn depth are unused). */
export function curvatureParameters(maxDepth: number): IntegerParameter[] {
  if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new RangeError(`curvatureParameters: maxDepth=${maxDepth} must be an integer ≥ 1`);
  const head: IntegerParameter[] = [
    { name: 'L', min: 1, max: maxDepth },
    { name: 'width', min: 1, max: 3 },
    { name: 'd', min: 1, max: 3 },
    { name: 'radius', min: 0, max: CURVATURE_RADII.length - 1 },
    // ψ = πj/8: the sample's direction in the (e_1, e_2) plane, all the way round
    { name: 'psi', min: 0, max: 15 },
    // ρ = q/2: half or all of the unit ball's radius
    { name: 'rho', min: 1, max: 2 },
  ];
  const layers: IntegerParameter[] = [];
  for (let k = 1; k <= maxDepth; k++)
    layers.push(
      { name: `scale${k}`, min: 0, max: 8 },
      { name: `sign${k}`, min: 0, max: 1 },
      // θ_k = πa/8
      { name: `turn${k}`, min: 0, max: 8 },
      // t_k = (π/4)(b/8): from rank one (b = 0) to two equal singular values (b = 8)
      { name: `rank${k}`, min: 0, max: 8 },
    );
  return [...head, ...layers];
}

export interface CurvatureCase {
  readonly weights: number[][][];
  /** the samples z_i = y_i x_i */
  readonly z: number[][];
  readonly radius: number;
}

function unit(dim: number, i: number): number[] {
  return Array.from({ length: dim }, (_, j) => (j === i ? 1 : 0));
}

/** The case a point of curvatureParameters(maxDepth) names. */
export function curvatureCase(point: readonly number[], maxDepth: number): CurvatureCase {
  const params = curvatureParameters(maxDepth);
  if (point.length !== params.length) throw new RangeError(`curvatureCase: point has ${point.length} values; depth ≤ ${maxDepth} needs ${params.length}`);
  const [L, width, d, radiusIndex, psi, rho] = point;
  const R = CURVATURE_RADII[radiusIndex];
  const dims = [d, ...Array.from({ length: L - 1 }, () => width), 1];
  const weights: number[][][] = [];
  for (let k = 1; k <= L; k++) {
    const [scale, sign, turn, rank] = point.slice(6 + 4 * (k - 1), 6 + 4 * k);
    const rows = dims[k];
    const cols = dims[k - 1];
    const c = (sign ? -1 : 1) * (scale / 8) * R;
    const theta = (Math.PI * turn) / 8;
    const u = rows >= 2 ? [Math.cos(theta), Math.sin(theta), ...Array(rows - 2).fill(0)] : [1];
    const uPerp = rows >= 2 ? [-Math.sin(theta), Math.cos(theta), ...Array(rows - 2).fill(0)] : null;
    const t = (Math.PI / 4) * (rank / 8);
    const e1 = unit(cols, 0);
    const e2 = cols >= 2 ? unit(cols, 1) : null;
    const twoTerms = uPerp !== null && e2 !== null;
    const a = twoTerms ? Math.cos(t) : 1;
    const b = twoTerms ? Math.sin(t) : 0;
    weights.push(u.map((ui, i) => e1.map((e, j) => c * (a * ui * e + (twoTerms ? b * uPerp![i] * e2![j] : 0)) + 0)));
  }
  const angle = (Math.PI * psi) / 8;
  const r = rho / 2;
  const z = d >= 2 ? [r * Math.cos(angle), r * Math.sin(angle), ...Array(d - 2).fill(0)] : [r * Math.cos(angle)];
  return { weights, z: [z], radius: R };
}

export interface CurvatureRatio {
  /** ‖∇²R(W)‖_2, computed */
  readonly norm: number;
  /** β(R) with the logistic constants β = 1/4, G = 1 */
  readonly beta: number;
  /** the rounding bound on norm (hessian.ts) */
  readonly rounding: number;
  /** norm/beta */
  readonly ratio: number;
}

/** ‖∇²R(W)‖_2 against JT.Lem5's β(R), for any W in B(R) and samples with ‖z_i‖ ≤ 1. */
export function curvatureRatio(c: CurvatureCase): CurvatureRatio {
  const h = marginHessian(c.weights, c.z);
  const norm = spectralNorm(h.H);
  const beta = jiTelgarskySmoothness(c.weights.length, c.radius, { beta: 0.25, G: 1 });
  return { norm, beta, rounding: h.rounding, ratio: norm / beta };
}
