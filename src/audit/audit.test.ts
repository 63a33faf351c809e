import { describe, expect, test } from 'vitest';
import { auditText, formatAudit, type AuditReport } from './audit.js';
import { FIXTURE_WEIGHTS, fixtureTrajectory, swapWeights } from './fixtureRun.js';
import { AuditInputError, parseTrajectory } from './trajectory.js';

const verdicts = (r: AuditReport) => Object.fromEntries(r.checks.map((c) => [c.check, c.verdict]));
const failing = (r: AuditReport) => r.checks.filter((c) => c.verdict === 'fail').map((c) => c.check);

describe('dlncheck audit on trajectories of dlncheck’s own trainer', () => {
  test('every step with the JT.A4 step: every step and record check passes', () => {
    const r = auditText(fixtureTrajectory());
    expect(r.kind).toBe('every step');
    expect(r.consecutivePairs).toBe(200);
    expect(verdicts(r)).toEqual({ F2: 'pass', F3: 'pass', descent: 'pass', F5: 'pass', F6: 'pass', margins: 'not reached', direction: 'not reached' });
    expect(r.failed).toBe(false);
    for (const c of r.checks.filter((x) => x.verdict === 'pass' && x.worstRatio !== null)) expect(c.worstRatio).toBeLessThanOrEqual(1);
  });

  test('a run that starts with every margin positive (W_3 negated) passes all seven checks', () => {
    const weights = FIXTURE_WEIGHTS.map((W, k) => (k === 2 ? W.map((r) => r.map((v) => -v)) : W));
    const r = auditText(fixtureTrajectory({ weights }));
    expect(verdicts(r)).toEqual({ F2: 'pass', F3: 'pass', descent: 'pass', F5: 'pass', F6: 'pass', margins: 'pass', direction: 'pass' });
  });

  test('a constant step that separates the data: margins and direction pass; descent says the theorem does not cover the step', () => {
    const r = auditText(fixtureTrajectory({ schedule: { kind: 'constant', eta: 0.5 }, steps: 400 }));
    expect(verdicts(r)).toEqual({ F2: 'pass', F3: 'pass', descent: 'not applicable', F5: 'pass', F6: 'pass', margins: 'pass', direction: 'pass' });
    expect(r.checks.find((c) => c.check === 'descent')!.detail).toBe(
      "every one of the 400 recorded steps has η_t above JT.A4's min(1, 1/β(R_t)), where the theorem says nothing",
    );
    expect(r.last.cosineToMaxMargin).toBeGreaterThan(0.999);
  });

  test('checkpoints only: F5/F6 with S(t) from F7 across the gaps, the step checks on the consecutive pairs there are', () => {
    const r = auditText(fixtureTrajectory({ schedule: { kind: 'constant', eta: 0.5 }, steps: 2000, record: [0, 1, 2, 10, 100, 1000, 2000] }));
    expect(r.kind).toBe('checkpoints');
    expect(r.consecutivePairs).toBe(2);
    expect(verdicts(r)).toMatchObject({ F2: 'pass', F3: 'pass', F5: 'pass', F6: 'pass', margins: 'pass', direction: 'pass' });
    expect(r.checks.find((c) => c.check === 'F5')!.detail).toContain('S(t) across 4 gap(s) of unrecorded steps from F7');
  });

  test('leaky ReLU: F4 (the diagonal of D_k) instead of F2; the linear-net checks say why they do not apply', () => {
    const r = auditText(fixtureTrajectory({ activation: { kind: 'leaky', slope: 0.5 }, schedule: { kind: 'constant', eta: 0.1 }, steps: 100 }));
    expect(verdicts(r)).toEqual({
      F4: 'pass',
      F3: 'not applicable',
      descent: 'not applicable',
      F5: 'not applicable',
      F6: 'not applicable',
      margins: 'not applicable',
      direction: 'not applicable',
    });
  });

  test('the text report: one line per check with verdict and worst ratio, and the overall verdict', () => {
    const text = formatAudit(auditText(fixtureTrajectory({ steps: 20 })));
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('21 records, steps 0…20 (every step; 20 consecutive pairs for the step checks)');
    expect(lines[1]).toMatch(/^PASS {8}F2 {8}DHL\.Thm2\.2 {5}worst ratio \d\.\d\de-\d+ at step \d+ \(line \d+\); 20 steps: /);
    expect(lines[lines.length - 1]).toBe('audit passed');
  });
});

describe('faults in the recorded trajectory fail the right check', () => {
  test("one layer's step 1 % off (G_2 scaled by 1.01): F2 and F3", () => {
    expect(failing(auditText(fixtureTrajectory({ fault: { kind: 'scale', layer: 1, factor: 1.01 } })))).toEqual(['F2', 'F3']);
  });

  test('a dropped layer gradient (G_1 = 0): F2 and F3', () => {
    expect(failing(auditText(fixtureTrajectory({ fault: { kind: 'drop', layer: 0 } })))).toEqual(['F2', 'F3']);
  });

  test('a shuffled step (the weights of steps 48 and 49 exchanged): F2, F3 and descent, at step 47 or 48', () => {
    const r = auditText(swapWeights(fixtureTrajectory(), 50, 51));
    expect(failing(r)).toEqual(['F2', 'F3', 'descent']);
    for (const c of r.checks.filter((x) => x.verdict === 'fail')) expect(c.at).toMatch(/^step 4[78] /);
  });
});

describe('malformed files: one line naming the line and field', () => {
  const good = fixtureTrajectory({ steps: 3 });
  const lines = good.trimEnd().split('\n');
  const edit = (line: number, f: (o: { step: number; eta?: number; weights: number[][][] }) => unknown) => {
    const copy = [...lines];
    copy[line - 1] = JSON.stringify(f(JSON.parse(copy[line - 1])));
    return copy.join('\n') + '\n';
  };
  const cases: [string, string, string][] = [
    [
      'NaN written by Python',
      lines.map((l, i) => (i === 2 ? l.replace(/\[\[\[[-0-9.e]+/, '[[[NaN') : l)).join('\n'),
      'line 3: contains NaN; every number must be finite',
    ],
    [
      'a number that overflows',
      lines.map((l, i) => (i === 2 ? l.replace(/\[\[\[[-0-9.e]+/, '[[[1e999') : l)).join('\n'),
      'line 3: weights[0][0][0]=Infinity must be finite',
    ],
    [
      'a shape change',
      edit(4, (o) => ({ ...o, weights: [o.weights[0].slice(0, 2), o.weights[1].slice(0, 2).map((r) => r.slice(0, 2)), [o.weights[2][0].slice(0, 2)]] })),
      'line 4: weights have shapes 2×2, 2×2, 1×2 but line 2 had 3×2, 3×3, 1×3; every line must have the same shapes',
    ],
    ['steps out of order', edit(4, (o) => ({ ...o, step: 1 })), 'line 4: step=1 is not after step=1 of line 3; steps must increase'],
    ['a missing eta', edit(3, ({ eta: _e, ...o }) => o), 'line 3: eta is missing; give η_t, the step size of the update from this step to the next'],
    ['a truncated last line', good.slice(0, good.length - 40), 'line 5: is not valid JSON (the last line is cut short: was the file still being written?)'],
    ['a blank line', [lines[0], lines[1], '', ...lines.slice(2)].join('\n'), 'line 3: is empty; remove blank lines'],
    ['an unknown field', edit(2, (o) => ({ ...o, loss: 0.1 })), 'line 2: field loss is not known; a step line has exactly step, eta and weights'],
    [
      'a bad header',
      ['{"data": {"x": [[1, 0]], "y": [1]}, "loss": "hinge"}', ...lines.slice(1)].join('\n'),
      'line 1: header.loss must be "exponential", "logistic", "squared"',
    ],
    [
      'weights that do not fit the data',
      edit(2, (o) => ({ ...o, weights: [o.weights[0].map((r) => [...r, 0]), o.weights[1], o.weights[2]] })),
      'line 2: weights[0] has 3 columns but header.data.x has d=2 features; they must match',
    ],
    ['no steps', lines[0] + '\n', 'line 2: no recorded steps'],
  ];
  test.each(cases)('%s', (_name, text, message) => {
    expect(() => parseTrajectory(text)).toThrow(AuditInputError);
    expect(() => parseTrajectory(text)).toThrow(message);
  });
});
