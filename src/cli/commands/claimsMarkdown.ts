import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckType, Claim, Paper } from '../../claims/registry.js';

/**
 * docs/claims.md, generated from the claim registry (`dlncheck claims --markdown`,
 * `npm run claims:doc`). Nothing here is about one claim: every per-claim line
 * comes from the registry, so the document cannot drift from the tests.
 */

export const CLAIMS_DOC = 'docs/claims.md';
export const CLAIMS_DOC_COMMAND = 'npm run claims:doc';

const papers: Record<Paper, string> = {
  JT: 'Z. Ji, M. Telgarsky, *Gradient descent aligns the layers of deep linear networks*, ICLR 2019 (arXiv 1810.02032)',
  RNBU: 'A. Radhakrishnan, E. Nichani, D. Bernstein, C. Uhler, *On alignment in deep linear neural networks* (arXiv 2003.06340)',
  DHL: 'S. S. Du, W. Hu, J. D. Lee, *Algorithmic regularization in learning deep homogeneous models: layers are automatically balanced*, NeurIPS 2018 (arXiv 1806.00900)',
  ACH: 'S. Arora, N. Cohen, E. Hazan, *On the optimization of deep networks: implicit acceleration by overparameterization*, ICML 2018 (extension: end-to-end dynamics of balanced linear nets)',
  LL: 'K. Lyu, J. Li, *Gradient descent maximizes the margin of homogeneous neural networks*, ICLR 2020 (extension: monotone smoothed margin)',
  SR: 'the seed student report on JT (M. Scialanga, Y. Yesbay): remarks and figures',
  dlncheck: "no paper: claims about dlncheck's own numerics, which the flow claims' budgets rest on",
  EX: 'no paper: the worked example of docs/writing-a-claim.md',
};

const paperOrder: readonly Paper[] = ['JT', 'LL', 'DHL', 'ACH', 'RNBU', 'SR', 'dlncheck', 'EX'];

const checkMeaning: Record<CheckType, string> = {
  EXACT: 'an identity, to a floating-point error bound derived for the computation (zero error where the check runs in exact rational arithmetic)',
  INEQ: 'an inequality with an explicit, computable constant',
  MONO: 'a quantity that must not decrease (or not increase) along the run',
  STAT: 'holds with a stated probability: N independent draws, a one-sided binomial test at a stated level, the observed rate reported',
  TREND: 'asymptotic only: the direction of change across geometrically spaced checkpoints, never a guessed threshold',
  CEX: 'fast-check must find a counterexample (an ablation); the shrunk case is reported',
};

/** Notation and the identities F1–F8 the checks and their tolerances are built on (comments cite them as F1…F8). */
const notation = [
  '## Notation',
  '',
  '- Data (x_i, y_i), i = 1..n, with ‖x_i‖ ≤ 1 (the smoothness constants assume it). Classification: y_i = ±1 and z_i = y_i x_i; squared loss: targets y_i ∈ ℝ^{d_L}.',
  '- Layers W_1 (applied first) … W_L, W_k ∈ ℝ^{d_k×d_{k−1}}, no biases; P = W_L⋯W_1, and w_prod = Pᵀ when d_L = 1. A_k = W_L⋯W_{k+1}, B_k = W_{k−1}⋯W_1.',
  '- Risk R = (1/n) Σ ℓ(m_i) with margins m_i = y_i f(x_i) (exponential e^{−u}, logistic log(1 + e^{−u})), or (1/n) Σ ½‖f(x_i) − y_i‖² (squared). E = ∂R/∂P, G_k = ∂R/∂W_k, ‖∇R‖² = Σ_k ‖G_k‖_F².',
  '- Gradient descent W(t+1) = W(t) − η_t ∇R(W(t)); gradient flow dW/dt = −∇R.',
  '- ū: the unit vector maximizing min_i ⟨u, z_i⟩ (the max-margin direction), γ̄ that margin, Π_⊥ = I − ūūᵀ.',
  '- u_k, v_k: top left and right singular vectors of W_k; ρ_k = ‖W_k‖_2/‖W_k‖_F; rank-one gap g_k = ‖W_k‖_F² − ‖W_k‖_2².',
  '- Balancedness D_k = W_kW_kᵀ − W_{k+1}ᵀW_{k+1} (k < L); second-order energy S(t) = Σ_{τ<t} η_τ²‖∇R(W(τ))‖²; initialization constant D = max_k ‖W_k(0)‖_F² − ‖W_L(0)‖_F² + Σ_{k<L} ‖D_k(0)‖_2 (zero for a balanced start).',
  '',
  '## Identities the checks use',
  '',
  '- **F1** G_k = A_kᵀ E B_kᵀ; with a 1-d output every G_k has rank ≤ 1.',
  '- **F2** G_kW_kᵀ = W_{k+1}ᵀG_{k+1}, so the first-order terms cancel and one GD step changes D_k by exactly η_t²(G_kG_kᵀ − G_{k+1}ᵀG_{k+1}), for any loss of P, any data and any step.',
  '- **F3** ⟨W_k, G_k⟩_F = ⟨E, P⟩_F for every k, so ‖W_k(t+1)‖_F² − ‖W_k(t)‖_F² = −2η_t⟨E, P⟩ + η_t²‖G_k‖_F²: every layer grows once every margin is positive.',
  '- **F4** positively homogeneous activations: for a hidden neuron with incoming row a and outgoing column b, ⟨a, ∂R/∂a⟩ = ⟨b, ∂R/∂b⟩, so one step changes ‖a‖² − ‖b‖² by exactly η²(‖∂R/∂a‖² − ‖∂R/∂b‖²) (the diagonal of F2).',
  '- **F5** 1-d output: g_k(t) ≤ D + 4S(t).',
  '- **F6** (1 − ⟨v_{k+1}, u_k⟩²)‖W_{k+1}(t)‖_2² ≤ D + 6S(t) + ‖W_{k+1}(0)‖_2² + ‖W_k(0)‖_2² (no eigengap needed).',
  '- **F7** if every step satisfies R(t+1) ≤ R(t) − (η_t/2)‖∇R(t)‖² and η_t ≤ 1, then S(t) ≤ 2(R(0) − R(t)).',
  '- **F8** one step changes ‖W_1Π_⊥‖_F² by −2η⟨Π_⊥w_prod, ∇R(w_prod)⟩ + η²‖G_1Π_⊥‖_F².',
  '',
  'F5 and F6 with D_k(t) in place of the initialization constants are linear algebra and cannot fail; the claims about training are that they hold with D and S(t) while the norms grow (F3). Each check compares observed/bound with 1, the bound carrying its floating-point allowance, derived in the file named per claim below.',
  '',
];

const kinds: Record<string, string> = { Thm: 'Theorem', Lem: 'Lemma', Cor: 'Corollary', Def: 'Definition', Prop: 'Proposition' };

/** "JT.Thm1-risk" → "Theorem 1"; undefined when the ID does not name a numbered result. */
export function sourceFromId(id: string): string | undefined {
  const m = /^[A-Z]+\.(Thm|Lem|Cor|Def|Prop)([0-9]+(?:\.[0-9]+)*)/.exec(id);
  return m ? `${kinds[m[1]]} ${m[2]}` : undefined;
}

/** The src/tolerances modules a property file imports (paths from the repository root), sorted. */
export function toleranceImports(propertyPath: string, text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/from\s+'([^']*\/tolerances\/[^']+)'/g)) {
    const resolved = posix.normalize(posix.join(posix.dirname(propertyPath), m[1])).replace(/\.js$/, '.ts');
    found.add(resolved);
  }
  return [...found].sort();
}

/** Reads a repository file relative to the project root, or undefined when absent (an installed package has no properties/). */
export type ReadRepoFile = (path: string) => string | undefined;

/** The nearest folder above this module holding a package.json: the checkout (from src/ or a bundle) or the installed package. */
function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) || dirname(dir) === dir) return dir;
  }
}

export const readRepoFile: ReadRepoFile = (path) => {
  const full = join(packageRoot(), path);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
};

/** A table cell: pipes escaped, line breaks as <br>. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

function link(path: string): string {
  return `[${path}](../${path})`;
}

function tolerance(c: Claim, read: ReadRepoFile): string {
  if (c.tolerance) return link(c.tolerance);
  const text = read(c.property);
  if (text === undefined) return `in its property file (${c.property} is not in this copy)`;
  const files = toleranceImports(c.property, text);
  return files.length ? `${files.map(link).join(', ')} (imported by its property file)` : 'derived beside the check in its property file';
}

function claimSection(c: Claim, read: ReadRepoFile): string {
  const source = c.source ?? sourceFromId(c.id) ?? 'section not stated yet';
  const ablations = c.ablations.length
    ? c.ablations.map((a) => `drop **${a.breaks}**: ${a.expect}${a.reportOnly ? ' (reported, not asserted)' : ''}`).join('\n')
    : 'none';
  const rows: [string, string][] = [
    ['source', `${c.paper}, ${source}`],
    ['hypotheses', c.hypotheses.length ? c.hypotheses.map((h) => `\`${h}\``).join(', ') : 'none'],
    ['check types', c.checks.join(', ')],
    ['regime', c.regime ?? 'not stated yet'],
    ['tolerance derived in', tolerance(c, read)],
    ['ablations', ablations],
    ['property', link(c.property)],
  ];
  return [`### ${c.id}`, '', `> ${c.statement}`, '', '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${cell(v)} |`), ''].join('\n');
}

/** The whole of docs/claims.md for these claims. */
export function claimsMarkdown(claims: readonly Claim[], read: ReadRepoFile = readRepoFile): string {
  const out: string[] = [
    '# The claims dlncheck checks',
    '',
    `<!-- generated from src/claims/registry.ts by \`${CLAIMS_DOC_COMMAND}\` (dlncheck claims --markdown); do not edit by hand -->`,
    '',
    `${claims.length} claims. Every property's test name starts with its claim's ID, and reports, \`dlncheck claims\`, \`dlncheck ablate\` and \`dlncheck replay\` use the same IDs. Statements are paraphrased; hypotheses are the names of the predicates in \`src/assumptions/\`.`,
    '',
    '## Sources',
    '',
    ...paperOrder.filter((p) => claims.some((c) => c.paper === p)).map((p) => `- **${p}**: ${papers[p]}.`),
    '',
    '## Check types',
    '',
    ...(Object.keys(checkMeaning) as CheckType[]).map((k) => `- **${k}**: ${checkMeaning[k]}.`),
    '',
    'A **regime** is the state in which a trajectory claim\'s finite-time bound is informative; a check that is far from binding checks nothing. "In ≥ 80 % of runs" is judged as a share of the drawn cases: the property fails when P(Bin(runs, 0.8) ≤ runs reached) < 1 % (a one-sided binomial test), and the report shows the observed share.',
    '',
    ...notation,
  ];
  for (const p of paperOrder) {
    const of = claims.filter((c) => c.paper === p);
    if (!of.length) continue;
    out.push(`## ${p}`, '');
    for (const c of of) out.push(claimSection(c, read));
  }
  return out.join('\n');
}
