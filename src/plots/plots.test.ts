import { describe, expect, test } from 'vitest';
import type { CheckpointRecord } from '../metrics/checkpoint.js';
import {
  alignmentPlot,
  angleDegrees,
  angleToMaxMarginPlot,
  balancednessDriftPlot,
  frobeniusPlot,
  normRatioPlot,
  riskPlot,
  trajectoryPlots,
} from './trajectoryPlots.js';
import { decisionBoundaryPlot } from './decisionBoundaryPlot.js';
import { lineChartSpec } from './lineChart.js';
import { renderSvg } from './renderSvg.js';
import { stepSizePlot } from './stepSizePlot.js';
import type { Trajectory } from './trajectory.js';

/** A two-layer-pair run with geometric steps 0, 1, 2, 4, …, 512 and smooth, readable metric values. */
function run(label: string, rate: number): Trajectory {
  const checkpoints: CheckpointRecord[] = Array.from({ length: 11 }, (_, i) => {
    const step = i === 0 ? 0 : 2 ** (i - 1);
    return {
      step,
      risk: Math.exp(-rate * i),
      minMargin: i - 2,
      frobenius: [1 + i / 4, 1 + i / 3, 1 + i / 2],
      spectral: [1, 1, 1],
      normRatio: [1 - 0.5 / (i + 1), 1 - 0.25 / (i + 1), 1],
      adjacentAlignment: [1 - 0.6 / (i + 1), 1 - 0.3 / (i + 1)],
      productAlignment: 0.5,
      // the first drift is exactly 0 at t = 0: a log axis cannot show it
      balancednessDrift: [i === 0 ? 0 : 1e-6 * i, 1e-7 * (i + 1)],
      cosineToMaxMargin: Math.cos(1 / (i + 1)),
    };
  });
  return { label, checkpoints };
}

const runs = [run('init s=1', 0.3), run('init s=0.2', 0.5)];

/** Count of elements of a vega mark type in an SVG (vega tags each mark group with class "mark-<type> role-mark"). */
function markGroups(svg: string, type: string): number {
  return (svg.match(new RegExp(`class="mark-${type} role-mark`, 'g')) ?? []).length;
}

function lineCount(svg: string): number {
  // each line of a mark-line group is one <path> inside the group
  let n = 0;
  for (const m of svg.matchAll(/class="mark-line role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)) n += (m[1].match(/<path /g) ?? []).length;
  return n;
}

function text(svg: string): string {
  return [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/gs)].map((m) => m[1].replace(/<[^>]+>/g, ' ')).join(' | ');
}

describe('plots render to SVG in Node (vega View, renderer none)', () => {
  test('riskPlot: one line per run on log axes, reference line drawn', async () => {
    const svg = await renderSvg(riskPlot(runs, { references: [{ y: 0.01, label: 'ℓ(0)/n' }] }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(lineCount(svg)).toBe(2);
    expect(markGroups(svg, 'rule')).toBe(1);
    expect(text(svg)).toContain('init s=0.2');
    expect(text(svg)).toContain('step t (log scale)');
  });

  test('normRatioPlot: colour = layer, dash = run, when several runs and layers', async () => {
    const svg = await renderSvg(normRatioPlot(runs));
    expect(lineCount(svg)).toBe(6);
    expect(text(svg)).toContain('ρ_3');
    expect(svg).toMatch(/stroke-dasharray/);
  });

  test('normRatioPlot with one layer: colour = run', async () => {
    const svg = await renderSvg(normRatioPlot(runs, { only: [2] }));
    expect(lineCount(svg)).toBe(2);
    expect(text(svg)).toContain('init s=1');
  });

  test('frobenius, alignment and angle plots draw one line per curve', async () => {
    expect(lineCount(await renderSvg(frobeniusPlot(runs)))).toBe(6);
    expect(lineCount(await renderSvg(alignmentPlot(runs)))).toBe(4);
    expect(lineCount(await renderSvg(angleToMaxMarginPlot(runs)))).toBe(2);
  });

  test('balancednessDriftPlot: zero drift is left off the log axis, and that is said (step 0 is not counted)', async () => {
    const one = [run('only', 0.3)];
    const spec = balancednessDriftPlot(one) as { title: { subtitle?: string[] } };
    expect(spec.title.subtitle).toBeUndefined(); // the only zero sits at step 0, which a log step axis never shows
    const withZero: Trajectory = { label: 'z', checkpoints: one[0].checkpoints.map((c, i) => ({ ...c, balancednessDrift: [i === 3 ? 0 : 1e-6, 1e-7] })) };
    const svg = await renderSvg(balancednessDriftPlot([withZero]));
    expect(text(svg)).toContain('1 value(s) not shown');
    expect(lineCount(svg)).toBe(2);
  });

  test('stepSizePlot: η_t on log axes', async () => {
    const svg = await renderSvg(
      stepSizePlot([{ label: 'A4', points: [1, 10, 100, 1000].map((step) => ({ step, eta: 1e-3 / Math.sqrt(step) })) }], {
        references: [{ y: 1e-5, label: '1e-5' }],
      }),
    );
    expect(lineCount(svg)).toBe(1);
    expect(markGroups(svg, 'rule')).toBe(1);
  });

  test('an empty chart still renders, and says it has nothing to show', async () => {
    const svg = await renderSvg(lineChartSpec({ title: 'empty', xTitle: 'x', yTitle: 'y', yScale: 'log', points: [{ x: 1, y: 0, series: 'a' }] }));
    expect(text(svg)).toContain('no values to show');
  });

  test('trajectoryPlots picks every metric the records carry', () => {
    expect(trajectoryPlots(runs).map((p) => p.name)).toEqual(['risk', 'norm-ratio', 'frobenius', 'alignment', 'angle', 'balancedness']);
    const bare: Trajectory = {
      label: 'b',
      checkpoints: runs[0].checkpoints.map((c) => ({ ...c, adjacentAlignment: [], balancednessDrift: [], cosineToMaxMargin: null })),
    };
    expect(trajectoryPlots([bare]).map((p) => p.name)).toEqual(['risk', 'norm-ratio', 'frobenius']);
  });

  test('angleDegrees clamps cosines that rounding pushed past ±1', () => {
    expect(angleDegrees(1 + 1e-16)).toBe(0);
    expect(angleDegrees(-1 - 1e-16)).toBe(180);
    expect(angleDegrees(0)).toBeCloseTo(90, 12);
  });
});

describe('decisionBoundaryPlot', () => {
  // four points at (±1/2, ±1/2) labelled by the sign of x: ū = (1, 0), support vectors all four
  const points = [
    { x: 0.5, y: 0.5, label: 1 },
    { x: 0.5, y: -0.5, label: 1 },
    { x: -0.5, y: 0.5, label: -1 },
    { x: -0.5, y: -0.5, label: -1 },
  ];

  test('a linear boundary is drawn as segments on the line ⟨w, x⟩ = 0, with points and support-vector rings', async () => {
    const spec = decisionBoundaryPlot({
      title: 'linear',
      points,
      boundaries: [{ name: 'max margin', score: (a) => a }],
      highlight: [0, 1, 2, 3],
      resolution: 10,
    });
    const svg = await renderSvg(spec);
    expect(markGroups(svg, 'symbol')).toBe(2); // data points, support-vector rings
    expect(markGroups(svg, 'rule')).toBe(1);
    // the boundary x = 0 crosses 10 cells; every segment is vertical at the x pixel of 0
    const rules = [...svg.matchAll(/class="mark-rule role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)][0][1];
    const lines = [...rules.matchAll(/<line[^>]*transform="translate\(([-\d.e]+),([-\d.e]+)\)" x2="([-\d.e]+)" y2="([-\d.e]+)"/g)];
    expect(lines.length).toBe(10);
    const xs = new Set(lines.map((l) => Number(l[1]).toFixed(3)));
    expect(xs.size).toBe(1);
    expect(lines.every((l) => Number(l[3]) === 0)).toBe(true);
  });

  test('a nonlinear boundary gives a closed contour; shading draws rects for the sign regions', async () => {
    const spec = decisionBoundaryPlot({
      title: 'circle',
      points,
      boundaries: [
        { name: 'circle', score: (a, b) => 0.16 - a * a - b * b },
        { name: 'line', score: (a, b) => a + b },
      ],
      shade: 'circle',
      resolution: 40,
      shadeResolution: 20,
    });
    const svg = await renderSvg(spec);
    expect(markGroups(svg, 'rect')).toBe(1);
    expect(markGroups(svg, 'rule')).toBe(1);
    expect(text(svg)).toContain('decision boundary');
    expect(text(svg)).toContain('circle');
    expect(text(svg)).toContain('y = −1');
  });

  test('several plots inline in one page do not share element ids', async () => {
    const a = await renderSvg(riskPlot(runs));
    const b = await renderSvg(riskPlot([runs[0]]));
    const ids = (svg: string) => [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids(a).length).toBeGreaterThan(0);
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    // every url(#…) reference points at an id of the same SVG
    for (const svg of [a, b]) for (const m of svg.matchAll(/url\(#([^)]+)\)/g)) expect(ids(svg)).toContain(m[1]);
  });
});
