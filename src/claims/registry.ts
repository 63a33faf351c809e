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

/**
 * The cases and horizon of the three claims' regimes: measured with the JT.A4 step, Gaussian init σ = 0.05.
 */
const JT_THM1_CASES =
  'Cases: d ≥ 2 and hidden widths ≥ 2 (a vector layer is rank one and a width-1 layer aligns its pair by construction), L = 2–3, Gaussian init σ = 0.05, the JT.A4 step (checked at every step), 8192 steps: all runs reach it (30/30; σ = 0.1 reaches the align regime in only 15/20 runs at L = 3, the imbalance D grows like σ²). Not drawn: L ≥ 4, whose regime is out of reach in budget — at σ = 0.05, 0/10 runs at L = 4 within 32 768 A4 steps (S(t) ~ 1e-8: still at the saddle near 0), and an independent calibration found ρ_k ≥ 0.99 unreached in 10⁶ steps for L ≥ 4 under every rule and init tried.';

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
    regime:
      'the curvature is probed near its worst case: ‖∇²R(W)‖_2/β(R) ≥ 0.05 at points of B(R) with layers at ‖W_k‖_F = R, aligned or turned, and samples on the unit sphere (≥ 25 % of draws: for L ≥ 3 and R ≥ 3/2 even the supremum is below 0.05), the exact Hessian computed independently of the trainer; a targeted search climbs that family under the thorough profile. ' +
      'Finding — the bound is loose, by ≥ 8.9× everywhere: the largest ‖∇²R‖_2/β(R) found by search is 0.1124 = (2ℓ″(−1) − ℓ′(−1))/10 at L = 2, R = 1, W = (1, −1), z = 1; L = 1 gives exactly 0.1 (ℓ″(0)/(2(β + G))), and the ratio falls with depth and radius (L = 3: 0.091 at R = 1, 0.033 at R = 3/2, 0.022 at R = 3; L = 4: 0.075, 0.017, 0.012; L = 2 tends to 0.05 as R grows). ' +
      'So the check would catch a β(R) about 9× too small, not a few per cent: β(R)/20 fails (twin), β(R)/8 would pass.',
  },
  {
    id: 'JT.A3',
    paper: 'JT',
    statement: "ℓ' is β-Lipschitz and |ℓ'| ≤ G: logistic β = 1/4, G = 1; exponential on [u₀, ∞) β = G = e^{−u₀}",
    checks: ['INEQ'],
    hypotheses: [],
    property: 'properties/jt/a3-loss-constants.property.test.ts',
    ablations: [],
    source: 'Assumption 3',
    regime: 'pointwise: every sampled pair (u, v) is in scope; pairs are drawn near where ℓ″ is largest so the difference quotient approaches β',
  },
  {
    id: 'JT.Thm1-risk',
    paper: 'JT',
    statement: 'R(W(t)) → 0: descent inequality at every A4 step and S(t) ≤ 2(R(0) − R(t))',
    checks: ['INEQ', 'MONO', 'TREND'],
    hypotheses: ['JT.A1', 'JT.A2', 'JT.A3', 'JT.A4', 'separable'],
    property: 'properties/jt/thm1-risk.property.test.ts',
    regime:
      'R < ℓ(0)/n (so every margin is positive) at the last checkpoint, a run stopping at its second checkpoint there (four per doubling): the ' +
      'asymptotic state the theorem is about, where the A4 step is small and the second-order descent check is sharpest. ' +
      'Default profile: data margin γ̄ > 1/4, cap 8,192 steps (depth 3 needs ≤ 7,700 there); the suite-wide γ̄ > 1/16 needs ' +
      'up to 21,400 steps at depth 3 (median 6,100), so it runs in the thorough profile (cap 81,920)',
    ablations: [
      { breaks: 'separable', expect: 'risk bounded away from 0 (XOR, two moons)' },
      { breaks: 'JT.A2', expect: 'the JT.A2-necessary example: iterate goes to the saddle, R → ℓ(0)' },
      {
        breaks: 'JT.A1',
        expect:
          "a positive smooth margin loss → 0 that is not decreasing (logistic plus a Gaussian bump; A2, A3 kept): the iterate stalls where ℓ' = 0, risk bounded away from 0; loudly, squared loss on ±1 labels: norms stay bounded",
      },
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
    regime:
      'every margin positive beyond rounding at some step within 4,096: from there F3 makes every layer norm grow at every ' +
      'step, so MONO binds; the run goes on for as long as it took to get there, and at least 1,024 steps',
    ablations: [],
  },
  {
    id: 'JT.Thm1-rank1',
    paper: 'JT',
    statement: 'ρ_k → 1: 1 − ρ_k² ≤ (D + 4S(t))/‖W_k(t)‖_F² at every checkpoint',
    checks: ['INEQ'],
    hypotheses: ['JT.A1', 'JT.A2', 'JT.A3', 'JT.A4', 'separable'],
    property: JT_THM1_TRAJECTORY,
    regime: `(D + 4S(t))/‖W_k(t)‖_F² ≤ 0.1 at the horizon for every layer with both dimensions ≥ 2, in ≥ 80 % of runs: there F5 says ρ_k² ≥ 0.9, so a layer that is not close to rank one fails it. ${JT_THM1_CASES}`,
    ablations: [{ breaks: 'S(t) term', expect: 'g_k > D at a finite t under large steps' }],
  },
  {
    id: 'JT.Thm1-align',
    paper: 'JT',
    statement: '|⟨v_{k+1}, u_k⟩| → 1: F6 at every checkpoint',
    checks: ['INEQ'],
    hypotheses: ['JT.A1', 'JT.A2', 'JT.A3', 'JT.A4', 'separable'],
    property: JT_THM1_TRAJECTORY,
    regime: `F6's right side ≥ 0.9 at the horizon for every adjacent pair, in ≥ 80 % of runs: there F6 says ⟨v_{k+1}, u_k⟩² ≥ 0.9, so a pair that is not close to aligned fails it. ${JT_THM1_CASES}`,
    ablations: [],
  },
  {
    id: 'JT.Thm1-prod',
    paper: 'JT',
    statement: '|⟨w_prod/∏‖W_k‖_F, v_1⟩| ≤ ∏ρ_k and → 1',
    checks: ['INEQ', 'TREND'],
    hypotheses: ['JT.A1', 'JT.A2', 'JT.A3', 'JT.A4', 'separable'],
    property: JT_THM1_TRAJECTORY,
    regime: `∏_k ρ_k ≥ 0.9 at the horizon, in ≥ 80 % of runs: q ≤ ∏ρ_k, so only there can q be near 1, and the F5/F6 lower bound on q is informative; the TREND (1 − q falls, pooled Mann–Kendall) uses the checkpoints with ∏ρ_k ≥ 0.9 and every margin positive. ${JT_THM1_CASES}`,
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
    regime:
      "pointwise, no trajectory: every draw satisfies the lemma's hypotheses by construction (‖Π_⊥w‖ = fτ with f ∈ (1, 4], " +
      '⟨w, ū⟩ ∈ {0} ∪ [1/8, 1024]); the inequality never came within its rounding allowance of 0 (the threshold is sufficient, not tight).',
  },
  {
    id: 'JT.Thm2-margin',
    paper: 'JT',
    statement:
      "GF: w_prod/∏‖W_k‖_F → ū (γ ≤ γ̄; F2 along the flow: every D_k conserved; F8 along the flow: ‖W_1Π_⊥‖ non-increasing in Lemma 4's region; shrinking angle)",
    checks: ['INEQ', 'MONO', 'TREND'],
    hypotheses: ['JT.A1', 'JT.A5', 'separable'],
    property: 'properties/jt/thm2-margin.property.test.ts',
    ablations: [],
    regime:
      'sin∠(w_prod, ū) ≤ 0.1 and γ(w_prod)/γ̄ ≥ 0.9 at the horizon, in ≥ 80 % of flows. Reached by choosing what the theorem allows: ' +
      'data with d ∈ {2, 3} support vectors clear of the other points (margin gap ≥ 1/4), of unequal norms (so ū is not their mean ' +
      'direction), a small init (σ = 1/5), L ∈ {2, 3}, and DOP853 flows to t = 2^24, whose cost grows like log t. ' +
      "sin∠ ≈ γ̄‖Π_⊥w̃‖/ln t, the theorem's rate: the fitted slope of ln sin∠ against ln ln t is ≈ −1.1 (theorem: −1). " +
      "Lemma 4's region (‖Π_⊥w_prod‖ > τ) is never entered from a small init, so its MONO check starts inside it (w_prod = a·ū + fτξ, f ∈ (1, 3]). " +
      'MONO, what is checked and what is assumed: ‖W_1Π_⊥‖_F² must not grow between two checkpoints (2^{1/4} apart) when the region ' +
      'holds at both and at every point DOP853 evaluated ∇R at in between (each accepted point and 11 stage points per attempted step), ' +
      'each with slack min(⟨w_prod, ū⟩, ‖Π_⊥w_prod‖ − τ) above twice its distance to the next evaluated point plus the flow’s global ' +
      'error in w_prod (flowErrorBound) and rounding; assumed: the exact w_prod between two consecutive evaluations travels at most twice ' +
      'their distance (a smooth arc within one integrator step). ' +
      'Power: a 1 % scaled G_k is the exact flow of a reparametrized net with the same limit ū, so the limit cannot see it; the main ' +
      'property checks F2 along the flow instead: ‖D_k(t) − D_k(0)‖_F at every checkpoint against the drift the accepted local errors ' +
      'allow (D_k is conserved by the exact flow, so its drift telescopes into local errors only; src/verify/jt/flowInvariants.ts). ' +
      'Clean flows use ≤ 2.5e-4 of that allowance; a 1 % fault exceeds it 10⁴–10⁵× from t = 1 on.',
  },
  {
    id: 'JT.Thm4-margin',
    paper: 'JT',
    statement: 'GD with the A4 step, logistic loss: w_prod/∏‖W_k‖_F → ū',
    checks: ['INEQ', 'EXACT', 'TREND'],
    hypotheses: ['JT.A1', 'JT.A3', 'JT.A4', 'JT.A5', 'separable'],
    property: 'properties/jt/thm4-margin.property.test.ts',
    ablations: [{ breaks: 'JT.A5', expect: 'none expected: report what is seen', reportOnly: true }],
    regime:
      'sin∠(w_prod, ū) ≤ 0.1 and γ(w_prod)/γ̄ ≥ 0.9 at the horizon, in ≥ 80 % of runs, within 2^14 A4 steps. Reached by choosing ' +
      'what the theorem allows: data with d ∈ {2, 3} support vectors clear of the other points, of unequal norms (radii 0.5–0.8, so ' +
      'ū is not their mean direction), γ̄ ∈ [0.4, 0.6], a small init (σ = 1/5), L ∈ {2, 3}. The A4 step shrinks like R^{−(2L−2)}, ' +
      'so on generic data (an outside calibration: cos ≥ 0.99 only after 10^5–10^6 steps at L = 3) the regime is out of the default budget; here ' +
      '2^13 steps reach it in ~84 % of runs and 2^14 in ~98 %. Fitted slope of ln sin∠ against ln ln t ≈ −1.3 (theorem: −1). ' +
      "Lemma 4's region is not entered from a small init (its step check is vacuous here; JT.Thm2-margin checks it from starts inside).",
  },
  {
    id: 'LL.smoothed-margin',
    paper: 'LL',
    statement: 'exponential sum loss: log(1/ℒ)/‖θ‖^L is non-decreasing once ℒ < 1',
    checks: ['MONO'],
    hypotheses: ['homogeneous', 'smallStep'],
    property: 'properties/ll/smoothed-margin.property.test.ts',
    ablations: [],
    regime:
      'ℒ(θ) = Σ_i e^{−m_i} < 1 at the horizon, in ≥ 80 % of runs (γ̃ is defined there, and the MONO check applies from the first ' +
      'such step on); with η = 1/16 every run gets there well inside 3000 steps.',
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
    regime:
      'none needed: an exact one-step identity, informative at every drawn point (a 1 % error in one layer’s gradient breaks it by ≥ 1e5× its rounding bound)',
  },
  {
    id: 'DHL.Cor2.1',
    paper: 'DHL',
    statement: '‖W_k‖_F² − ‖W_{k+1}‖_F² changes only at second order (layer sum of F4)',
    checks: ['EXACT'],
    hypotheses: ['homogeneous'],
    property: 'properties/dhl/cor2-1.property.test.ts',
    ablations: [],
    regime:
      'none needed: an exact one-step identity, informative at every drawn point (a 1 % error in one layer’s gradient breaks it by ≥ 1e5× its rounding bound)',
  },
  {
    id: 'DHL.Thm2.2',
    paper: 'DHL',
    statement: 'linear layers: D_k(t+1) − D_k(t) = η²(G_kG_kᵀ − G_{k+1}ᵀG_{k+1}) (F2); GF conserves D_k',
    checks: ['EXACT', 'INEQ', 'TREND'],
    hypotheses: ['linear'],
    property: 'properties/dhl/thm2-2.property.test.ts',
    ablations: [{ breaks: 'linear', expect: 'tanh between layers: one-step residual O(η), not O(η²)' }],
    regime:
      'flow: the drift budget, summed over DOP853’s accepted steps from each step’s embedded 5th-order error ‖ŷ₈ − ŷ₅‖ and rounding, is ≤ 0.1 × the first-order drift a 1 % error in G_1 would add (24/24 runs at τ = 1e-8 at the default seed and seeds 1–5). The budget is sound but loose: budget/observed has median 3e4–1.2e5 and observed/budget worst 1e-4–0.07 across those seeds (the worst where D sits at rounding): ‖ŷ₈ − ŷ₅‖ is 10²–10⁵× the true 8th-order local error, and DOP853’s tighter combined estimate is no bound (it under-estimates the local error by up to 6.6×). Beside it the near-binding check F2-rk-identity removes the truncation exactly: D is quadratic, so a Runge–Kutta step moves it by 2hΣ b_jB(Y_j, k_j) + h²Σ m_jlB(k_j, k_l), the theorem zeroes the first sum, and D(T) − D(0) − Σh²Q is checked against a rounding allowance (observed/allowance median 3.5e-3–4.9e-3, worst 1.3e-2–7.4e-2 at the default seed and seeds 1–5; a 1 % error in one layer’s gradient fails it by ≥ 3e8). Halving: D moves and the derived band around 1/2 is ≤ 1/4 at some h ≥ 2^−14; the band rests on worst-case smoothness and sits 4–5 orders above the observed |r − 1/2|, so only 40–55 % of cases reach it: out of reach in budget, its share is reported, not asserted; 80 % would need h ≈ 2^−22, ≈ 5·10⁵ steps a run at τ = 1/8',
  },
  {
    id: 'DHL.MF',
    paper: 'DHL',
    statement: 'factorization: UᵀU − VᵀV changes by η²(VᵀQᵀQV − UᵀQQᵀU)',
    checks: ['EXACT'],
    hypotheses: ['linear'],
    property: 'properties/dhl/mf.property.test.ts',
    ablations: [],
    regime: 'none needed: an exact one-step identity (zero residual in rationals), informative at every drawn point',
  },
  {
    id: 'DHL.Lem3.1',
    paper: 'DHL',
    statement:
      'decaying step η_t = c(t+1)^{−(1/2+δ)}: drift ≤ c²(1 + 1/(2δ))·sup‖∇f‖², and < ε w.h.p. for small init while GD converges to a bounded global minimum',
    checks: ['INEQ', 'STAT'],
    hypotheses: ['decayingStep', 'smallInit'],
    property: 'properties/dhl/lem3-1.property.test.ts',
    tolerance: 'src/tolerances/dhl.ts',
    ablations: [{ breaks: 'decayingStep', expect: 'δ = 0 or a large constant step: imbalance grows past ε' }],
    regime:
      'GD converged balanced: f(T) ≤ 1e-3·f(0), sup_t ‖UᵀU − VᵀV‖_F < 0.05 and sup_t ‖U‖_F² + ‖V‖_F² ≤ 4‖M*‖_* (twice a balanced minimum’s), for ≥ 80 % of runs at T = 400 with small init (σ ≤ 0.05) and δ ∈ {1/8, 1/4}; a run that never moves keeps its balance trivially. δ = 1/2 converges only like T^{−2cσ_min(M*)} and would need ≈ 10⁶ steps, so it is not drawn',
  },
  {
    id: 'DHL.Thm3.2',
    paper: 'DHL',
    statement: 'rank one, small init and step: log(‖u‖²/‖v‖²) stays in a band, loss falls geometrically',
    checks: ['STAT', 'TREND'],
    hypotheses: ['smallInit', 'smallStep'],
    property: 'properties/dhl/thm3-2.property.test.ts',
    tolerance: 'src/tolerances/dhl.ts',
    ablations: [],
    regime:
      'f(T) ≤ 1e-3·f(0) at T = 600 (GD escaped the small init and fitted M*): only then does the band on log(‖u‖²/‖v‖²) say anything; ≥ 80 % of the STAT draws',
  },
  {
    id: 'ACH.Thm1',
    paper: 'ACH',
    statement: 'balanced init: dP/dt = −Σ_j (PPᵀ)^{(j−1)/L} E (PᵀP)^{(L−j)/L}; GD one-step discrepancy O(η²)',
    checks: ['EXACT'],
    hypotheses: ['balanced', 'linear'],
    property: 'properties/ach/thm1.property.test.ts',
    ablations: [{ breaks: 'balanced', expect: 'discrepancy of order ‖D(0)‖' }],
    regime:
      'none needed: an exact identity at balanced points (a 1 % error in G_1 breaks it by ≥ 1e8× its tolerance); the GD quartering is informative where its band is ≤ 1/8 (98 of 100 cases)',
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
  // The figures' stated trends (docs/claims.md, DHL DHL.Fig1/Fig2, §4 RNBU.S6, §6 SR), asserted on the figure's own seeded
  // setting at a reduced scale (criteria: src/verify/figures/)
  {
    id: 'SR.R4.1',
    paper: 'SR',
    statement: 'the JT.A4 step falls below 1e-5 within a few thousand steps; a constant 1e-2 step lowers the risk but ρ_k stalls below 1',
    checks: ['INEQ', 'TREND'],
    hypotheses: [],
    property: 'properties/figures/srR41.property.test.ts',
    ablations: [],
    regime: 'the constant-step run has lowered the risk tenfold (10⁴ steps default, 10⁵ thorough; the figure runs 10⁶)',
    source: 'seed report, remark 4.1',
  },
  {
    id: 'SR.R4.2',
    paper: 'SR',
    statement: 'Fig1: under the JT.A4 step the larger init’s ratios ρ_k flatten below 1, the 5× smaller init’s reach ≈ 1',
    checks: ['INEQ', 'TREND'],
    hypotheses: [],
    property: 'properties/figures/srFig1.property.test.ts',
    ablations: [],
    regime: 'the smaller init has reached 1 − min_k ρ_k ≤ 0.01: ≈ 2·10⁴ steps; thorough profile only (10⁵ steps; the figure runs 10⁶)',
    source: 'seed report, remark 4.2 and Fig. 1',
  },
  {
    id: 'SR.R4.3',
    paper: 'SR',
    statement: 'Fig2: under the JT.A4 step depth 6 needs far more steps than depth 4 (≥ 5×, and within 2× of the first-order prediction)',
    checks: ['INEQ'],
    hypotheses: [],
    property: 'properties/figures/srFig2.property.test.ts',
    ablations: [],
    regime: 'both depths lowered the risk by 2 %: depth 6 needs 2.3·10⁵ steps; thorough profile only (3·10⁵ steps; the figure runs 3·10⁶)',
    source: 'seed report, remark 4.3 and Fig. 2',
  },
  {
    id: 'SR.5.1',
    paper: 'SR',
    statement: 'Fig3: ρ_3 → 1 for leaky ReLU nets of every slope m on separable data; a linear net on two moons shows ρ_k → 1 while the risk stays positive',
    checks: ['INEQ'],
    hypotheses: [],
    property: 'properties/figures/srFig3.property.test.ts',
    ablations: [],
    regime:
      'left (thorough, the figure’s 2·10⁵ steps): every point classified (R < ℓ(0)/n) and no dead ReLU point; asserted: ρ_3 ≥ 0.99 for m ∈ {0.4, 0.6, 0.8, 1}, 4 of the 5 slopes other than 0.2 in the regime (m = 0 has 10 dead points). FINDING, asserted as one: at m = 0.2 the figure’s draw is in the regime over the whole last decade (2·10⁴–2·10⁵ steps) and ρ_3 = 0.962 there, drifting away from 1 (the test requires 1 − ρ_3 ≥ 0.01, at least half of it kept over the decade, and no Mann–Kendall fall at level 1 %), so “ρ_3 → 1 for every m” is false in our setting. Not a horizon artefact: 1 − ρ_3 = 0.0375, 0.0378, 0.0379 at 10⁴, 10⁵, 10⁶ steps, and 0.042 with loss-scaled steps out to margin 730. The KKT conditions of the homogeneous net’s margin problem allow it: the support vectors have opposite layer-3 activation patterns, so W_3 is a sum of two rank-one terms unless m = 1. Not one unlucky draw either: over draws 1–20 at 2·10⁵ steps, m = 0.2 ends in the regime below 0.99 in 3 (ρ_3 = 0.947, 0.951, 0.964), every other in-regime slope at ≥ 0.992, and m = 0 is out of the regime in all 20. Right: the moons run left the saddle (2·10³ steps default, 2·10⁴ thorough)',
    source: 'seed report, §5.1 and Fig. 3',
  },
  {
    id: 'SR.5.2',
    paper: 'SR',
    statement: 'Fig4: the hard-margin SVM on a ReLU net’s last hidden features points in nearly the same direction as W_L (cosine ≥ 0.9)',
    checks: ['INEQ'],
    hypotheses: [],
    property: 'properties/figures/srFig4.property.test.ts',
    ablations: [],
    regime: 'the last hidden features are linearly separable (every training point classified), so the SVM exists',
    source: 'seed report, §5.2 and Fig. 4',
  },
  {
    id: 'DHL.Fig1',
    paper: 'DHL',
    statement:
      'matrix factorization: plain GD converges about as fast as GD with the balancing regularizer (steps to a relative error within 2× of each other)',
    checks: ['INEQ'],
    hypotheses: [],
    property: 'properties/figures/dhlFig1.property.test.ts',
    ablations: [],
    regime: 'both objectives reached the relative error 1e-3 within the full figure’s 1000 steps (plain GD needs 140–180); thorough profile only',
    source: 'Fig. 1',
  },
  {
    id: 'DHL.Fig2',
    paper: 'DHL',
    statement: 'deep ReLU net: every layer’s ‖W_k‖_F² grows by the same amount, up to the η² terms of F4',
    checks: ['INEQ'],
    hypotheses: ['homogeneous'],
    property: 'properties/figures/dhlFig2.property.test.ts',
    ablations: [],
    regime:
      'the layers grew (smallest growth ≥ 1e-3 × the largest ‖W_k(0)‖_F²), so equal growth is not equal stillness; thorough profile only, at the full figure’s 5000 steps',
    source: 'Fig. 2',
  },
  {
    id: 'RNBU.S6',
    paper: 'RNBU',
    statement: 'experiments: an aligned autoencoder stays aligned and trains; the depth-10 convolutional factorization loses alignment',
    checks: ['INEQ'],
    hypotheses: [],
    property: 'properties/figures/rnbuS6.property.test.ts',
    ablations: [],
    regime: 'both runs trained (autoencoder risk ÷ 10, convolutional risk −10 %); thorough profile only (2·10³ steps each)',
    source: '§6',
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
