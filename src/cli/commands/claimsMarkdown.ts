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
};

const paperOrder: readonly Paper[] = ['JT', 'LL', 'DHL', 'ACH', 'RNBU', 'SR'];

const checkMeaning: Record<CheckType, string> = {
  EXACT: 'an identity, to a floating-point error bound derived for the computation (zero error where the check runs in exact rational arithmetic)',
  INEQ: 'an inequality with an explicit, computable constant',
  MONO: 'a quantity that must not decrease (or not increase) along the run',
  STAT: 'holds with a stated probability: N independent draws, a one-sided binomial test at a stated level, the observed rate reported',
  TREND: 'asymptotic only: the direction of change across geometrically spaced checkpoints, never a guessed threshold',
  CEX: 'fast-check must find a counterexample (an ablation); the shrunk case is reported',
};

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
    'A **regime** is the state in which a trajectory claim\'s finite-time bound is informative; a check that is far from binding checks nothing.',
    '',
  ];
  for (const p of paperOrder) {
    const of = claims.filter((c) => c.paper === p);
    if (!of.length) continue;
    out.push(`## ${p}`, '');
    for (const c of of) out.push(claimSection(c, read));
  }
  return out.join('\n');
}
