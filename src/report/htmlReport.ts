import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
`;

/** The report as one self-contained HTML page: counterexample plots are inline SVG, figures are linked images. */
export function renderHtml(m: ReportModel): string {
  const counts = VERDICTS.map((v) => `${badge(v)} ${m.rows.filter((r) => r.verdict === v).length}`).join(' &nbsp; ');
  const source = m.vitest
    ? `Test results: <code>${esc(m.vitest.file)}</code> (${m.vitest.claimTests} claim tests, ${m.vitest.otherTests} other tests${m.vitest.startTime ? `, run ${new Date(m.vitest.startTime).toISOString()}` : ''}).`
    : 'No vitest JSON found: every claim without a stored counterexample shows "not run". Produce it with <code>vitest run --reporter=json --outputFile=reports/vitest.json</code>.';
  const table = `<table><thead><tr><th>claim</th><th>paper</th><th>checks</th><th>verdict</th><th>runs</th><th>seed</th><th>time</th><th>generated cases</th><th>statement</th></tr></thead><tbody>
${m.rows
  .map(
    (r) =>
      `<tr><td><a href="#${anchor(r.id)}">${esc(r.id)}</a></td><td>${esc(r.paper)}</td><td>${r.checks.map(esc).join(' ')}</td><td>${badge(r.verdict)}${r.counterexamples.length ? ` <small>${r.counterexamples.length} stored</small>` : ''}</td><td>${r.runs ?? '—'}</td><td>${r.seed ?? '—'}</td><td>${seconds(r.timeMs)}</td><td>${distribution(r.distribution)}</td><td>${esc(r.statement)}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
  const withDetails = m.rows.filter((r) => r.tests.length > 0 || r.counterexamples.length > 0 || r.ablations.length > 0);
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
<h2>Claims</h2>
${table}
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
