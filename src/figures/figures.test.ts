import { describe, expect, test } from 'vitest';
import { FIGURE_SEED, type FigureOutput } from './figure.js';
import { silentProgress } from '../progress/progressBar.js';
import { figure, figures } from './registry.js';

// Smoke runs of every figure under a budget (FigureContext.scale): the whole
// pipeline (data, init, training, metrics, plots, caption) in a few seconds.
// Full-scale runs are `npm run reproduce`; they take minutes each.
const SCALE = 0.001;

/** Data marks drawn in an SVG: the elements inside vega's mark groups (class "mark-<type> role-mark"), axes and legends excluded. */
function marks(svg: string): number {
  let n = 0;
  for (const m of svg.matchAll(/class="mark-(line|symbol|rule|rect|area|text) role-mark[^"]*"[^>]*>(.*?)<\/g>/gs))
    n += (m[2].match(/<(path|line|rect|text)[ >]/g) ?? []).length;
  return n;
}

/** The SVG with vega's clip-path ids (a process-wide counter, then hashed) renumbered in order of appearance. */
function canonical(svg: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (_m, pre: string, id: string) => {
    if (!ids.has(id)) ids.set(id, `id${ids.size}`);
    return `${pre}${ids.get(id)}`;
  });
}

// each figure runs once; later tests reuse its output, and still work when run alone (-t)
const outputs = new Map<string, Promise<FigureOutput>>();
function output(id: string): Promise<FigureOutput> {
  if (!outputs.has(id)) outputs.set(id, figure(id).run({ seed: FIGURE_SEED, progress: silentProgress, scale: SCALE }));
  return outputs.get(id)!;
}

describe(`every figure runs end to end at scale=${SCALE}`, () => {
  test.each(figures.map((f) => f.id))(
    '%s: panels with marks, a caption with its settings and the budget',
    async (id) => {
      const out = await output(id);
      expect(out.panels.length).toBeGreaterThanOrEqual(1);
      const names = out.panels.map((p) => p.name);
      expect(new Set(names).size).toBe(names.length);
      for (const p of out.panels) {
        expect(p.name).toMatch(/^[a-z0-9-]+$/); // file-name safe: reproduce writes <id>-<name>.svg
        expect(p.svg.startsWith('<svg')).toBe(true);
        expect(marks(p.svg), `${id} panel ${p.name} draws nothing`).toBeGreaterThan(0);
      }
      // the caption names the figure, states its settings and what was observed, and says it is a budget run
      expect(out.caption.startsWith(id)).toBe(true);
      expect(out.caption).toMatch(/\d+ steps/);
      expect(out.caption).toContain('Observed');
      expect(out.caption).toContain(`Budget: scale=${SCALE}`);
      expect(out.caption).not.toMatch(/NaN|undefined/);
    },
    15_000,
  );

  test('step counts in captions are the scaled ones (SR.R4.1: 1e6 × 0.001 = 1000 steps)', async () => {
    const { caption } = await output('SR.R4.1');
    expect(caption).toContain('take 1000 steps');
    expect(caption).not.toContain('1000000');
  });

  test('SR.5.2 says which sizes besides steps the budget shrank, and still reaches its SVM path', async () => {
    const { caption, panels } = await output('SR.5.2');
    expect(caption).toContain('also the hidden width 256 → 8, the data 200 → 8 points and the boundary grids 90×90 → 16×16');
    expect(caption).toContain('hidden widths 8, 8, 8');
    expect(caption).toContain('Data: 8 two-moons points');
    // 8 points in 8 feature dimensions are separable: the feature SVM, its boundary and the cosine are drawn
    expect(caption).toMatch(/final cos\(W_L, ū_h\) = -?[\d.]+ with \d+ support vectors/);
    const boundaries = panels.find((p) => p.name === 'boundaries')!.svg;
    expect(boundaries).toContain('SVM on h(x)');
  });

  test('a figure redraws identically from its seed', async () => {
    const again = await figure('DHL.Fig2').run({ seed: FIGURE_SEED, progress: silentProgress, scale: SCALE });
    const first = await output('DHL.Fig2');
    expect(again.panels.length).toBe(first.panels.length);
    again.panels.forEach((p, i) => expect(canonical(p.svg) === canonical(first.panels[i].svg), `panel ${p.name} differs`).toBe(true));
    const untimed = (c: string): string => c.replace(/Train time [^ ]+ s/g, 'Train time ? s');
    expect(untimed(again.caption)).toBe(untimed(first.caption));
  });

  test('a bad scale is rejected before any work, naming the field', async () => {
    await expect(figure('SR.R4.1').run({ seed: 1, progress: silentProgress, scale: 0 })).rejects.toThrow(/scale=0 must be a finite number > 0/);
  });
});

describe('figure registry', () => {
  test('ids are unique and found by id or alias', () => {
    const ids = figures.flatMap((f) => [f.id, ...f.aliases]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(figure('SR.Fig1')).toBe(figure('SR.R4.2'));
    expect(figure('RNBU.S6').id).toBe('RNBU.S6');
  });

  test('an unknown id lists the valid ones', () => {
    expect(() => figure('SR.Fig9')).toThrow(RangeError);
    expect(() => figure('SR.Fig9')).toThrow(/figure id=SR\.Fig9 is not reproducible; use one of SR\.R4\.1, SR\.R4\.2\/SR\.Fig1, .* or all/);
  });
});
