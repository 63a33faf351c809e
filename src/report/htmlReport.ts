import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PowerCell } from '../verify/power.js';
import { REGIME_LEVEL, type RegimeSummary, shareLowerTail } from '../verify/regime.js';
import { LOOSE_RATIO, type ClaimRegime, type TwinView } from './claimMeasures.js';
import type { ClaimRow, CounterexampleView, ReportModel } from './reportModel.js';
import { VERDICTS, type Verdict } from './verdict.js';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const VERDICT_CLASS: Record<Verdict, string> = {
  verified: 'ok',
  'counterexample found': 'bad',
  'expected counterexample found (ablation)': 'abl',
  'expected counterexample not found': 'bad',
  'not run': 'none',
};

function badge(v: Verdict): string {
  return `<span class="verdict ${VERDICT_CLASS[v]}">${esc(v)}</span>`;
}

function anchor(id: string): string {
  return `claim-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function seconds(ms: number | null): string {
  return ms === null ? '—' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function distribution(d: ClaimRow['distribution']): string {
  if (!d) return '—';
  const total = Object.values(d).reduce((a, b) => a + b, 0) || 1;
  return `<ul class="dist">${Object.entries(d)
    .map(([k, v]) => `<li><span class="bar" style="width:${Math.round((60 * v) / total)}px"></span>${esc(k)}: ${v}</li>`)
    .join('')}</ul>`;
}

function counterexample(cx: CounterexampleView): string {
  const c = cx.case;
  const run = cx.run
    ? `replayed ${cx.run.steps} step(s) in ${cx.run.seconds.toFixed(2)} s; final risk ${cx.run.finalRisk === null ? '—' : cx.run.finalRisk.toPrecision(4)}${cx.run.diverged ? `; diverged at step ${cx.run.diverged.step} (${esc(cx.run.diverged.reason)})` : ''}`
    : '';
  return `<div class="cex ${cx.expected ? 'expected' : 'unexpected'}">
<h4>${esc(c.label)} <small>${cx.expected ? `expected (ablation${c.ablation ? `: ${esc(c.ablation)}` : ''})` : 'refutes the claim as stated'}</small></h4>
<p class="meta">file <code>fixtures/counterexamples/${esc(cx.file)}</code> · seed <code>${c.seed}</code> · path <code>${esc(c.path || '(none)')}</code>${run ? ` · ${run}` : ''}</p>
${c.note ? `<p>${esc(c.note)}</p>` : ''}
${cx.error ? `<p class="error">${esc(cx.error)}</p>` : ''}
${c.spec !== undefined ? `<details><summary>spec</summary><pre>${esc(JSON.stringify(c.spec))}</pre></details>` : ''}
${c.counterexample !== undefined ? `<details open><summary>shrunk counterexample</summary><pre>${esc(JSON.stringify(c.counterexample))}</pre></details>` : ''}
<div class="plots">${cx.plots.map((p) => `<figure class="plot" data-plot="${esc(p.name)}">${p.svg}</figure>`).join('\n')}</div>
</div>`;
}

/** A ratio observed/bound to 3 significant digits; null is one JSON could not carry (infinite, or NaN). */
function ratio(x: number | null): string {
  return x === null ? 'not finite' : x.toPrecision(3);
}

function percent(x: number): string {
  return `${Math.round(100 * x)} %`;
}

/** The summary table's regime cell: share of runs in the regime against the required share, or why there is none. */
function regimeCell(g: ClaimRegime | null): string {
  if (g === null) return '<span class="meta">— (no regime: EXACT/CEX)</span>';
  if (g.measured.length === 0) return '<span class="none">regime not measured</span>';
  return g.measured
    .map(({ summary: s }) => {
      const closest = s.closest
        ? `<br><small>${esc(s.closest.name)}: median ${s.closest.median.toPrecision(3)}, best ${s.closest.best.toPrecision(3)}</small>`
        : '';
      const p = shareLowerTail(s.runs, s.reached, s.minShare);
      const test = s.share < s.minShare ? `; P = ${p.toPrecision(2)}` : '';
      return `<span class="${shareHolds(s) ? 'reached' : 'short'}">${s.reached}/${s.runs} (${percent(s.share)}; ≥ ${percent(s.minShare)}${test})</span>${closest}`;
    })
    .join('<br>');
}

/** The summary table's tightness cell: the worst observed/bound of each inequality, loose ones marked. */
function tightnessCell(t: ClaimRow['tightness']): string {
  const entries = Object.entries(t);
  if (entries.length === 0) return '—';
  return entries.map(([check, v]) => `<span class="${v < LOOSE_RATIO ? 'loose' : 'tight'}">${esc(check)} ${ratio(v)}</span>`).join('<br>');
}

const POWER_MARK: Record<PowerCell, string> = { detected: '✓ detected', missed: '✗ missed', 'not wired': '– not wired', 'no test': '· no test' };
const POWER_CLASS: Record<PowerCell, string> = { detected: 'ok', missed: 'bad', 'not wired': 'none', 'no test': 'none' };

function regimeDetails(g: ClaimRegime | null, tightness: ClaimRow['tightness']): string {
  if (g === null) return '';
  const stated = g.stated ? `<p>Regime (registry): ${esc(g.stated)}</p>` : '<p class="meta">The registry states no regime for this claim yet.</p>';
  if (g.measured.length === 0)
    return `<div class="regime"><h4>Regime</h4>${stated}<p class="none">Regime not measured: no test of this claim records a RegimeTracker summary, so the share of runs that reached it, the closest value and the tightness of its bounds are unknown.</p></div>`;
  const tests = g.measured
    .map(({ test, status, summary: s }) => {
      const closest = s.closest
        ? ` Closest value (${esc(s.closest.name)}): median ${s.closest.median.toPrecision(3)}, best ${s.closest.best.toPrecision(3)}.`
        : '';
      return `<li><span class="status">${status}</span> ${esc(test)}: ${esc(s.regime)} — reached in ${s.reached} of ${s.runs} runs (<span class="${shareHolds(s) ? 'reached' : 'short'}">${percent(s.share)}</span>; required ≥ ${percent(s.minShare)}${s.share < s.minShare ? `, P(Bin(${s.runs}, ${s.minShare}) ≤ ${s.reached}) = ${shareLowerTail(s.runs, s.reached, s.minShare).toPrecision(2)}, failing below ${REGIME_LEVEL}` : ''}).${closest}</li>`;
    })
    .join('');
  const checks = Object.entries(tightness);
  const table = checks.length
    ? `<table class="tightness"><thead><tr><th>inequality</th><th>worst observed/bound</th><th></th></tr></thead><tbody>${checks
        .map(
          ([check, v]) =>
            `<tr><td>${esc(check)}</td><td>${ratio(v)}</td><td>${v > 1 ? '<span class="short">violated</span>' : v < LOOSE_RATIO ? `<span class="loose">loose (by ${(1 / v).toPrecision(2)}×)</span>` : ''}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p class="meta">No inequality recorded its tightness.</p>';
  return `<div class="regime"><h4>Regime</h4>${stated}<ul class="tests">${tests}</ul>${table}</div>`;
}

function twinDetails(twins: readonly TwinView[]): string {
  if (twins.length === 0) return '';
  const item = ({ test, status, caughtBy: c }: TwinView): string => {
    const numbers = c.observed !== undefined && c.bound !== undefined ? ` (observed ${c.observed.toPrecision(4)}, bound ${c.bound.toPrecision(4)})` : '';
    const demanded = c.expected
      ? `; required: ${c.expected.map((e) => `<b>${esc(e)}</b>`).join(' or ')} with observed/bound &gt; ${c.minRatio ?? 1}`
      : ' <small>(the twin sets no expectCheck: any failure would have passed it)</small>';
    return `<li class="${status}"><span class="status">${status}</span> ${esc(test)}: caught by <b>${esc(c.check)}</b>, observed/bound ${ratio(c.ratio)}${numbers}${demanded}</li>`;
  };
  return `<div class="twins"><h4>Twins: the check that caught the fault</h4><ul class="tests">${twins.map(item).join('')}</ul></div>`;
}

function powerDetails(p: ClaimRow['power']): string {
  if (!p) return '';
  return `<div class="power"><h4>Power (main property against each broken trainer)</h4><p>${Object.entries(p)
    .map(([fault, cell]) => `<code>${esc(fault)}</code> <span class="verdict ${POWER_CLASS[cell]}">${POWER_MARK[cell]}</span>`)
    .join(' &nbsp; ')}</p></div>`;
}

function looseSection(m: ReportModel): string {
  const measured = m.rows.some((r) => Object.keys(r.tightness).length > 0);
  if (!measured) return "<p>No inequality has recorded its tightness yet (RegimeTracker.tightness in a claim's property).</p>";
  if (m.loose.length === 0) return `<p>No bound is loose: every recorded worst observed/bound is ≥ ${LOOSE_RATIO}.</p>`;
  return `<p>Bounds whose worst observed/bound stayed below ${LOOSE_RATIO} over every run: they were never within 10× of binding, so a fault that moves the checked quantity by less than that passes them.</p>
<table class="loose-bounds"><thead><tr><th>claim</th><th>inequality</th><th>worst observed/bound</th><th>loose by</th></tr></thead><tbody>
${m.loose.map((l) => `<tr><td><a href="#${anchor(l.claimId)}">${esc(l.claimId)}</a></td><td>${esc(l.check)}</td><td>${ratio(l.ratio)}</td><td>${l.ratio > 0 ? `${(1 / l.ratio).toPrecision(2)}×` : '∞'}</td></tr>`).join('\n')}
</tbody></table>`;
}

function powerSection(m: ReportModel): string {
  const p = m.power;
  if (!p) return '<p>No power matrix: run <code>npm run dlncheck -- power</code> (writes <code>reports/power.json</code>), then the report again.</p>';
  const when = [
    p.generatedAt ? `measured ${esc(p.generatedAt)}` : null,
    p.profile ? `profile ${esc(p.profile)}` : null,
    p.commit ? `commit ${esc(p.commit)}` : null,
  ]
    .filter((x) => x !== null)
    .join(', ');
  const head = `<tr><th>claim</th><th>main tests</th><th>exact trainer</th>${p.faults.map((f) => `<th><code>${esc(f)}</code></th>`).join('')}</tr>`;
  const body = p.rows
    .map(
      (r) =>
        `<tr><td><a href="#${anchor(r.claimId)}">${esc(r.claimId)}</a></td><td>${r.tests}</td><td>${esc(r.clean)}</td>${p.faults
          .map((f) => {
            const c = r.cells[f] ?? 'no test';
            return `<td class="cell-${POWER_CLASS[c]}">${POWER_MARK[c]}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return `<p class="meta">From <code>${esc(p.file)}</code>${when ? ` (${when})` : ''}. Whether each claim's main property fails when the trainer is broken: one layer's gradient scaled by 1.01 or 0.99, transposed, sign-flipped or dropped, or a trainer that never moves. ✓ detected, ✗ missed, – not wired (the property does not train with <code>trainerGradient()</code>), · no main test.</p>
<table class="power-matrix"><thead>${head}</thead><tbody>
${body}
</tbody></table>`;
}

function details(r: ClaimRow): string {
  const tests = r.tests.length
    ? `<ul class="tests">${r.tests
        .map(
          (t) =>
            `<li class="${t.status}"><span class="status">${t.status}</span> ${esc(t.title)}${t.expectsCounterexample ? ' <small>(expects a counterexample)</small>' : ''} <small>${seconds(t.durationMs)}</small>${t.failure ? `<details><summary>failure</summary><pre>${esc(t.failure)}</pre></details>` : ''}</li>`,
        )
        .join('')}</ul>`
    : '<p>No test results for this claim.</p>';
  const ablations = r.ablations.length
    ? `<p>Ablations:</p><ul>${r.ablations.map((a) => `<li>break <b>${esc(a.breaks)}</b>: ${esc(a.expect)}${a.reportOnly ? ' (reported, not asserted)' : ''}</li>`).join('')}</ul>`
    : '';
  return `<section class="claim" id="${anchor(r.id)}">
<h3>${esc(r.id)} ${badge(r.verdict)}</h3>
<p>${esc(r.statement)}</p>
<p class="meta">${esc(r.paper)} · checks ${r.checks.map(esc).join(', ')} · hypotheses ${r.hypotheses.length ? r.hypotheses.map(esc).join(', ') : '—'} · <code>${esc(r.property)}</code></p>
${ablations}
${regimeDetails(r.regimeResult, r.tightness)}
${twinDetails(r.twins)}
${powerDetails(r.power)}
${tests}
${r.counterexamples.map(counterexample).join('\n')}
</section>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td:nth-child(5),td:nth-child(6),td:nth-child(7){white-space:nowrap}code{font-size:12px}.meta{color:#555;font-size:12px}
.verdict{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;white-space:nowrap}
.ok{background:#d9f2d9;color:#155715}.bad{background:#f8d3d3;color:#7a1010}.abl{background:#fde9c8;color:#7a4a00}.none{background:#eee;color:#555}
.dist{list-style:none;margin:0;padding:0;font-size:12px}.bar{display:inline-block;height:8px;background:#6a9fd4;margin-right:4px}
.tests li.failed .status{color:#a00;font-weight:bold}.tests li.passed .status{color:#175}
.plots{display:flex;flex-wrap:wrap;gap:12px}.plot{margin:0}.error{color:#a00}
.cex{border-left:4px solid #c66;padding-left:12px;margin:12px 0}.cex.expected{border-color:#d9a441}
pre{white-space:pre-wrap;background:#f7f7f7;padding:6px;font-size:12px;max-height:300px;overflow:auto}
.figure img{max-width:100%;border:1px solid #eee;margin:4px}.caption{white-space:pre-wrap}
.reached{color:#155715}.short{color:#a00;font-weight:bold}.loose{color:#7a4a00}.tight{color:#222}
table.tightness,table.loose-bounds{width:auto}.cell-ok{background:#eaf7ea}.cell-bad{background:#fbe3e3}.cell-none{color:#777}
`;

/** One line over every claim with a regime: how many measured it, how many of those reached the required share. */
function regimeCounts(m: ReportModel): string {
  const withRegime = m.rows.filter((r) => r.regimeResult !== null);
  if (withRegime.length === 0) return '';
  const measured = withRegime.filter((r) => r.regimeResult!.measured.length > 0);
  const reached = measured.filter((r) => r.regimeResult!.measured.every((x) => shareHolds(x.summary)));
  return `<p>Regimes: ${measured.length} of ${withRegime.length} claims with a regime measured it, ${reached.length} of them reached the required share of runs; ${withRegime.length - measured.length} not measured. Bounds loose by more than 10×: ${m.loose.length}.</p>`;
}

/** The report as one self-contained HTML page: counterexample plots are inline SVG, figures are linked images. */
export function renderHtml(m: ReportModel): string {
  const counts = VERDICTS.map((v) => `${badge(v)} ${m.rows.filter((r) => r.verdict === v).length}`).join(' &nbsp; ');
  const source = m.vitest
    ? `Test results: <code>${esc(m.vitest.file)}</code> (${m.vitest.claimTests} claim tests, ${m.vitest.otherTests} other tests${m.vitest.startTime ? `, run ${new Date(m.vitest.startTime).toISOString()}` : ''}).`
    : 'No vitest JSON found: every claim without a stored counterexample shows "not run". Produce it with <code>vitest run --reporter=json --outputFile=reports/vitest.json</code>.';
  const table = `<table><thead><tr><th>claim</th><th>paper</th><th>checks</th><th>verdict</th><th>runs</th><th>seed</th><th>time</th><th>generated cases</th><th>regime reached</th><th>tightness (worst observed/bound)</th><th>statement</th></tr></thead><tbody>
${m.rows
  .map(
    (r) =>
      `<tr><td><a href="#${anchor(r.id)}">${esc(r.id)}</a></td><td>${esc(r.paper)}</td><td>${r.checks.map(esc).join(' ')}</td><td>${badge(r.verdict)}${r.counterexamples.length ? ` <small>${r.counterexamples.length} stored</small>` : ''}</td><td>${r.runs ?? '—'}</td><td>${r.seed ?? '—'}</td><td>${seconds(r.timeMs)}</td><td>${distribution(r.distribution)}</td><td>${regimeCell(r.regimeResult)}</td><td>${tightnessCell(r.tightness)}</td><td>${esc(r.statement)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
  const withDetails = m.rows.filter(
    (r) => r.tests.length > 0 || r.counterexamples.length > 0 || r.ablations.length > 0 || (r.regimeResult?.measured.length ?? 0) > 0 || r.power !== null,
  );
  const figures = m.figures.length
    ? m.figures
        .map(
          (f) =>
            `<section class="figure" id="figure-${esc(f.id)}"><h3>${esc(f.id)}: ${esc(f.title)} <small>(${f.seconds.toFixed(1)} s)</small></h3><p class="caption">${esc(f.caption)}</p>${f.files.map((x) => `<a href="${esc(x)}"><img src="${esc(x)}" alt="${esc(x)}"></a>`).join('')}</section>`,
        )
        .join('\n')
    : '<p>No figures yet: run <code>dlncheck reproduce all</code>.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dlncheck report</title><style>${STYLE}</style></head>
<body>
<h1>dlncheck report</h1>
<p class="meta">Generated ${esc(m.generatedAt)} · suite seed ${m.seed}</p>
<p>${source}</p>
<p>${counts}</p>
${regimeCounts(m)}
<h2>Claims</h2>
${table}
<h2 id="loose">Loose bounds</h2>
${looseSection(m)}
<h2 id="power">Power: claim × fault</h2>
${powerSection(m)}
<h2>Details</h2>
${withDetails.map(details).join('\n')}
<h2>Figures</h2>
${figures}
</body></html>
`;
}

/** reports/claims.json: the model without the inline SVGs (plots are named instead). */
export function claimsJson(m: ReportModel): unknown {
  return {
    ...m,
    rows: m.rows.map((r) => ({ ...r, counterexamples: r.counterexamples.map((c) => ({ ...c, plots: c.plots.map((p) => p.name) })) })),
  };
}

/** Writes <outDir>/index.html and <outDir>/claims.json; returns their paths. */
export function writeReport(m: ReportModel, outDir: string): { html: string; json: string } {
  mkdirSync(outDir, { recursive: true });
  const html = join(outDir, 'index.html');
  const json = join(outDir, 'claims.json');
  writeFileSync(html, renderHtml(m));
  writeFileSync(json, `${JSON.stringify(claimsJson(m), null, 2)}\n`);
  return { html, json };
}

/**
 * Whether the runs are consistent with the required share, judged as the property judges it (RegimeTracker): a share
 * a little under minShare by chance still holds; one the one-sided binomial test rejects at REGIME_LEVEL does not.
 */
function shareHolds(s: RegimeSummary): boolean {
  return s.runs > 0 && shareLowerTail(s.runs, s.reached, s.minShare) >= REGIME_LEVEL;
}
