/**
 * Every claim dlncheck checks, as data. Test names, reports, the CLI and
 * docs/claims.md (`npm run claims:doc`) take IDs, statements and hypotheses
 * from here, so nothing is written twice.
 */
export type CheckType = 'EXACT' | 'INEQ' | 'MONO' | 'STAT' | 'TREND' | 'CEX';
/** EX: the worked example of docs/writing-a-claim.md; 'dlncheck': a claim about dlncheck's own numerics (FLOW.accuracy). Neither is a claim of the papers. */
export type Paper = 'JT' | 'RNBU' | 'DHL' | 'ACH' | 'LL' | 'SR' | 'EX' | 'dlncheck';

export interface Ablation {
  /** the hypothesis dropped or the setting broken */
  readonly breaks: string;
  /** what a counterexample looks like (docs/claims.md, "ablations") */
  readonly expect: string;
  /** true: the ablation is reported, not asserted (no counterexample expected) */
  readonly reportOnly?: boolean;
}

export interface Claim {
  readonly id: string;
  readonly paper: Paper;
  readonly statement: string;
  readonly checks: readonly CheckType[];
  /** names of assumption predicates (src/assumptions) */
  readonly hypotheses: readonly string[];
  /** the property file that checks it */
  readonly property: string;
  readonly ablations: readonly Ablation[];
  /** the state in which the claim's finite-time bound is informative (docs/claims.md prints "not stated yet" when absent) */
  readonly regime?: string;
  /** where in the paper: "Theorem 1", "§3"; when absent docs/claims.md derives it from the ID (Thm1 → Theorem 1) */
  readonly source?: string;
  /** the file deriving the claim's tolerance; when absent docs/claims.md lists the src/tolerances modules its property imports */
  readonly tolerance?: string;
}

/** JT.Thm1-rank1, -align and -prod share one file: they read the same cached GD trajectories. */
const JT_THM1_TRAJECTORY = 'properties/jt/thm1-rank1-align-prod.property.test.ts';

export const claims: readonly Claim[] = [
  // Ji & Telgarsky 2019
  {
    id: 'JT.Lem5',
    paper: 'JT',
    statement: 'logistic risk is β(R)-smooth on B(R) with β(R) = 2L²R^{2L−2}(β+G)',
    checks: ['INEQ'],
    hypotheses: ['JT.A3', 'unitData'],
    property: 'properties/jt/lem5-smoothness.property.test.ts',
    ablations: [],
  },
  {
    id: 'JT.Thm1-risk',
    paper: 'JT',
    statement: 'R(W(t)) → 0: descent inequality at every A4 step and S(t) ≤ 2(R(0) − R(t))',
    checks: ['INEQ', 'MONO', 'TREND'],
    hypotheses: ['JT.A1', 'JT.A2', 'JT.A3', 'JT.A4', 'separable'],
    property: 'properties/jt/thm1-risk.property.test.ts',
    ablations: [
      { breaks: 'separable', expect: 'risk bounded away from 0 (XOR, two moons)' },
      { breaks: 'JT.A2', expect: 'the JT.A2-necessary example: iterate goes to the saddle, R → ℓ(0)' },
      { breaks: 'JT.A1', expect: 'squared loss on ±1 labels: norms stay bounded, no rank-one limit' },
      { breaks: 'JT.A4', expect: 'a constant step far above 1/β(R): a step where the risk rises' },
    ],
  },
  {
    id: 'JT.Thm1-norms',
    paper: 'JT',
    statement: '‖W_k‖_F → ∞ for every k: F3 at every step, strict growth once all margins are positive',
    checks: ['EXACT', 'MONO'],
    hypotheses: ['JT.A1', 'JT.A2', 'separable'],
    property: 'properties/jt/thm1-norms.property.test.ts',
    ablations: [],
  },
  {
    id: 'JT.Thm1-rank1',
    paper: 'JT',
    statement: 'ρ_k → 1: 1 − ρ_k² ≤ (D + 4S(t))/‖W_k(t)‖_F² at every checkpoint',
    checks: ['INEQ'],
    hypotheses: ['JT.A1', 'JT.A2', 'separable'],
    property: JT_THM1_TRAJECTORY,
    ablations: [{ breaks: 'S(t) term', expect: 'g_k > D at a finite t under large steps' }],
  },
  {
    id: 'JT.Thm1-align',
    paper: 'JT',
    statement: '|⟨v_{k+1}, u_k⟩| → 1: F6 at every checkpoint',
    checks: ['INEQ'],
    hypotheses: ['JT.A1', 'JT.A2', 'separable'],
    property: JT_THM1_TRAJECTORY,
    ablations: [],
  },
  {
    id: 'JT.Thm1-prod',
    paper: 'JT',
    statement: '|⟨w_prod/∏‖W_k‖_F, v_1⟩| ≤ ∏ρ_k and → 1',
    checks: ['INEQ', 'TREND'],
    hypotheses: ['JT.A1', 'JT.A2', 'separable'],
    property: JT_THM1_TRAJECTORY,
    ablations: [],
  },
  {
    id: 'JT.Lem4',
    paper: 'JT',
    statement: '⟨Π_⊥w, ∇R(w)⟩ ≥ 0 when ⟨w, ū⟩ ≥ 0 and ‖Π_⊥w‖ exceeds 1 + ln(n)/α (exp) or 2n/(eα) (logistic)',
    checks: ['INEQ'],
    hypotheses: ['JT.A5', 'separable'],
    property: 'properties/jt/lem4.property.test.ts',
    ablations: [{ breaks: 'threshold or ⟨w, ū⟩ ≥ 0', expect: '⟨Π_⊥w, ∇R(w)⟩ < 0' }],
  },
  {
    id: 'JT.Thm2-margin',
    paper: 'JT',
    statement: 'GF: w_prod/∏‖W_k‖_F → ū (γ ≤ γ̄, F8, shrinking angle)',
    checks: ['INEQ', 'EXACT', 'TREND'],
    hypotheses: ['JT.A1', 'JT.A5', 'separable'],
    property: 'properties/jt/thm2-margin.property.test.ts',
    ablations: [],
  },
  {
    id: 'JT.Thm4-margin',
    paper: 'JT',
    statement: 'GD with the A4 step, logistic loss: w_prod/∏‖W_k‖_F → ū',
    checks: ['INEQ', 'EXACT', 'TREND'],
    hypotheses: ['JT.A1', 'JT.A3', 'JT.A4', 'JT.A5', 'separable'],
    property: 'properties/jt/thm4-margin.property.test.ts',
    ablations: [{ breaks: 'JT.A5', expect: 'none expected: report what is seen', reportOnly: true }],
  },
  {
    id: 'LL.smoothed-margin',
    paper: 'LL',
    statement: 'exponential sum loss: log(1/ℒ)/‖θ‖^L is non-decreasing once ℒ < 1',
    checks: ['MONO'],
    hypotheses: ['homogeneous', 'smallStep'],
    property: 'properties/ll/smoothed-margin.property.test.ts',
    ablations: [],
  },
  {
    id: 'JT.A2-necessary',
    paper: 'JT',
    statement: 'without A2 the risk can stay at ℓ(0): w_2 = −w_1 goes to the saddle',
    checks: ['CEX'],
    hypotheses: [],
    property: 'properties/jt/a2-necessary.property.test.ts',
    ablations: [],
  },
  // Du, Hu & Lee 2018
  {
    id: 'DHL.Thm2.1',
    paper: 'DHL',
    statement: 'homogeneous φ: ‖W_k[i,:]‖² − ‖W_{k+1}[:,i]‖² changes by exactly η²(‖∂R/∂a‖² − ‖∂R/∂b‖²) per step (F4)',
    checks: ['EXACT'],
    hypotheses: ['homogeneous', 'equalSteps'],
    property: 'properties/dhl/thm2-1.property.test.ts',
    ablations: [
      { breaks: 'homogeneous', expect: 'first-order change of ‖a‖² − ‖b‖² (tanh, softplus)' },
      { breaks: 'equalSteps', expect: 'per-layer step sizes: first-order change of ‖a‖² − ‖b‖²' },
    ],
  },
  {
    id: 'DHL.Cor2.1',
    paper: 'DHL',
    statement: '‖W_k‖_F² − ‖W_{k+1}‖_F² changes only at second order (layer sum of F4)',
    checks: ['EXACT'],
    hypotheses: ['homogeneous'],
    property: 'properties/dhl/cor2-1.property.test.ts',
    ablations: [],
  },
  {
    id: 'DHL.Thm2.2',
    paper: 'DHL',
    statement: 'linear layers: D_k(t+1) − D_k(t) = η²(G_kG_kᵀ − G_{k+1}ᵀG_{k+1}) (F2); GF conserves D_k',
    checks: ['EXACT', 'INEQ', 'TREND'],
    hypotheses: ['linear'],
    property: 'properties/dhl/thm2-2.property.test.ts',
    ablations: [{ breaks: 'linear', expect: 'tanh between layers: one-step residual O(η), not O(η²)' }],
  },
  {
    id: 'DHL.MF',
    paper: 'DHL',
    statement: 'factorization: UᵀU − VᵀV changes by η²(VᵀQᵀQV − UᵀQQᵀU)',
    checks: ['EXACT'],
    hypotheses: ['linear'],
    property: 'properties/dhl/mf.property.test.ts',
    ablations: [],
  },
  {
    id: 'DHL.Lem3.1',
    paper: 'DHL',
    statement: 'decaying step η_t = c(t+1)^{−(1/2+δ)}: drift ≤ c²(1 + 1/(2δ))·sup‖∇f‖², and < ε w.h.p. for small init',
    checks: ['INEQ', 'STAT'],
    hypotheses: ['decayingStep', 'smallInit'],
    property: 'properties/dhl/lem3-1.property.test.ts',
    ablations: [{ breaks: 'decayingStep', expect: 'δ = 0 or a large constant step: imbalance grows past ε' }],
  },
  {
    id: 'DHL.Thm3.2',
    paper: 'DHL',
    statement: 'rank one, small init and step: log(‖u‖²/‖v‖²) stays in a band, loss falls geometrically',
    checks: ['STAT', 'TREND'],
    hypotheses: ['smallInit', 'smallStep'],
    property: 'properties/dhl/thm3-2.property.test.ts',
    ablations: [],
  },
  {
    id: 'ACH.Thm1',
    paper: 'ACH',
    statement: 'balanced init: dP/dt = −Σ_j (PPᵀ)^{(j−1)/L} E (PᵀP)^{(L−j)/L}; GD one-step discrepancy O(η²)',
    checks: ['EXACT'],
    hypotheses: ['balanced', 'linear'],
    property: 'properties/ach/thm1.property.test.ts',
    ablations: [{ breaks: 'balanced', expect: 'discrepancy of order ‖D(0)‖' }],
  },
  // Radhakrishnan, Nichani, Bernstein & Uhler
  {
    id: 'RNBU.Def2',
    paper: 'RNBU',
    statement: 'a net is aligned if orthogonal U_k make every U_kᵀW_kU_{k−1} diagonal',
    checks: ['EXACT'],
    hypotheses: [],
    property: 'properties/rnbu/def2.property.test.ts',
    ablations: [],
  },
  {
    id: 'RNBU.1D',
    paper: 'RNBU',
    statement: '1-d output: the rank-one aligned init stays rank one and aligned at every GD step, any loss and data',
    checks: ['EXACT'],
    hypotheses: ['alignedRankOneInit'],
    property: 'properties/rnbu/1d.property.test.ts',
    ablations: [{ breaks: 'alignedRankOneInit', expect: 'generic init: exact alignment absent at finite t' }],
    regime:
      'non-trivial shapes only (depth ≥ 2, input and hidden widths ≥ 2: a vector layer or width-1 layers are rank one and aligned by shape), and the run moved: Σ_k‖W_k(T) − W_k(0)‖_F ≥ 0.1·Σ_k‖W_k(0)‖_F within 100 steps, so the invariance and the reduced step (a ← a − ηπu_Le, s_k ← s_k − ηπ_{−k}u_L eᵀa) are checked away from the init',
  },
  {
    id: 'RNBU.Thm1',
    paper: 'RNBU',
    statement: 'squared loss, aligned init: alignment is invariant iff Λ, Γ are diagonal on the leading block (autoencoding, factorization, sensing)',
    checks: ['EXACT', 'CEX'],
    hypotheses: ['alignedInit', 'diagonalMoments'],
    property: 'properties/rnbu/thm1.property.test.ts',
    ablations: [
      { breaks: 'diagonalMoments', expect: 'generic (X, Y): off-diagonal of U_kᵀW_kU_{k−1} of order η after one step' },
      {
        breaks: 'diagonalMoments (leading r-block)',
        expect:
          'one off-diagonal entry Λ[j,l] with min(j, l) < r: U_kᵀW_kU_{k−1} gains exactly −η·M_k[j,l] there after one step (beyond the bottleneck it stays diagonal)',
      },
    ],
  },
  {
    id: 'RNBU.Cor1',
    paper: 'RNBU',
    statement: 'invariant alignment: matrix GD equals the scalar recursion on singular values',
    checks: ['EXACT'],
    hypotheses: ['alignedInit', 'diagonalMoments'],
    property: 'properties/rnbu/cor1.property.test.ts',
    ablations: [],
  },
  {
    id: 'RNBU.Prop1',
    paper: 'RNBU',
    statement: 'balanced index, η ≤ 1/(λLs*^{2L−2}): s_t ↑ s* with s* − s_t ≤ (1 − ηλLs_0^{2L−2})^t(s* − s_0)',
    checks: ['INEQ', 'MONO', 'CEX'],
    hypotheses: ['stepBound', 'balancedIndex'],
    property: 'properties/rnbu/prop1.property.test.ts',
    ablations: [
      { breaks: 'stepBound', expect: 'η three times the bound oscillates' },
      { breaks: 'balancedIndex', expect: "unbalanced σ's (same product and step): the layers do not all reach s*, the rate fails" },
    ],
    regime:
      's* − s_T ≤ 1e-6·s* for every layer of the balanced index at the horizon: the rate envelope and the cap are tested where the iterate sits on s*, not only in the transient. Reached from s_0 ≥ s*/2 with η between a quarter of the bound and the bound (from s_0 = s*/8 at L = 3 the early rate is ~1/4096 per step: ~10⁵ steps)',
  },
  {
    id: 'RNBU.Proj',
    paper: 'RNBU',
    statement: 'constrained layer W = Σ w_m B_m: GD on w equals projected GD iff the B_m are orthonormal (equal norms c: step c²η)',
    checks: ['EXACT', 'CEX'],
    hypotheses: ['orthonormalBasis'],
    property: 'properties/rnbu/proj.property.test.ts',
    ablations: [{ breaks: 'orthonormalBasis', expect: 'zero-padded convolution vs plain projection: residual of order 1e-1' }],
  },
  {
    id: 'RNBU.Thm3',
    paper: 'RNBU',
    statement:
      "constrained layers: alignment is not invariant once the data leave the constraint's algebra; a derived condition predicts, per n, whether one step keeps basis-free alignment (circulant: always)",
    checks: ['INEQ', 'CEX'],
    hypotheses: [],
    property: 'properties/rnbu/thm3.property.test.ts',
    ablations: [],
  },
  // The worked example of docs/writing-a-claim.md (runs in npm test so the guide cannot rot)
  {
    id: 'EX.norm-step',
    paper: 'EX',
    statement: 'worked example: one GD step on a one-layer net changes ‖W‖_F² by −2η⟨G, W⟩ + η²‖G‖²',
    checks: ['EXACT'],
    hypotheses: [],
    property: 'properties/example/norm-step.property.test.ts',
    ablations: [{ breaks: 'η² term', expect: 'the first-order prediction −2η⟨G, W⟩ misses by η²‖G‖² at large steps' }],
  },
  // dlncheck's own numerics (no paper): the accuracy the flow claims' budgets rest on (issue 16)
  {
    id: 'FLOW.accuracy',
    paper: 'dlncheck',
    statement:
      'gradient flow at tolerance τ: every weight within 10τ(1 + |w|) of the exact flow, long past convergence (closed forms: depth-1 squared loss, balanced scalar depth 2)',
    checks: ['INEQ'],
    hypotheses: [],
    property: 'properties/flow/closed-form.property.test.ts',
    ablations: [],
  },
];

const byId = new Map(claims.map((c) => [c.id, c]));

export function claim(id: string): Claim {
  const c = byId.get(id);
  if (!c) throw new RangeError(`claim id=${id} is not in the registry; see \`dlncheck claims\` for the list`);
  return c;
}

/** The test name of a claim's property: the ID first, so a failure names its theorem. */
export function claimTitle(id: string, detail?: string): string {
  const c = claim(id);
  return detail ? `${c.id} ${detail}` : `${c.id} ${c.statement}`;
}

/**
 * The test of a claim's ablation that drops `breaks` (its ablations in docs/claims.md): its title
 * ("<id> ablation drop=<breaks>: <what a counterexample looks like>", the
 * prefix `dlncheck ablate` selects) and its label in the counterexample database.
 */
export function ablationTest(claimId: string, breaks: string, detail?: string): { title: string; label: string; expect: string } {
  const c = claim(claimId);
  const a = c.ablations.find((x) => x.breaks === breaks);
  if (!a) throw new RangeError(`claim ${claimId} has no ablation breaking ${breaks}; the registry lists ${JSON.stringify(c.ablations.map((x) => x.breaks))}`);
  const label = `ablation drop=${a.breaks}${detail ? `: ${detail}` : ''}`;
  return { title: `${c.id} ${label}${detail ? '' : `: ${a.expect}`}`, label, expect: a.expect };
}
