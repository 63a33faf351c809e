import { describe, expect, test } from 'vitest';
import { datasetFromArrays } from '../data/dataset.js';
import { linear } from '../network/activation.js';
import { auditText, formatAudit, type AuditReport } from './audit.js';
import { FIXTURE_WEIGHTS, FIXTURE_X, FIXTURE_Y, fixtureTrajectory } from './fixtureRun.js';
import { recordTrajectory } from './recordTrajectory.js';
import { parseTrajectory } from './trajectory.js';

// Which checks a file allows: every check that does not apply says why, in one sentence.
const byCheck = (r: AuditReport) => Object.fromEntries(r.checks.map((c) => [c.check, c]));
const header = (extra: object = {}) => JSON.stringify({ data: { x: FIXTURE_X, y: FIXTURE_Y }, loss: 'logistic', activation: 'linear', ...extra });
const line = (step: number, weights: number[][][] = FIXTURE_WEIGHTS, eta = 0.01) => JSON.stringify({ step, eta, weights });

describe('applicability', () => {
  test('squared loss: F2 applies; the margin-loss checks say why not', () => {
    const text = recordTrajectory({
      data: datasetFromArrays(
        FIXTURE_X,
        FIXTURE_X.map((r) => [r[0] - r[1]]),
        'regression',
      ),
      loss: 'squared',
      activation: linear,
      weights: FIXTURE_WEIGHTS,
      schedule: { kind: 'constant', eta: 0.05 },
      steps: 10,
    });
    const c = byCheck(auditText(text));
    expect(c.F2.verdict).toBe('pass');
    expect(c.F3.detail).toBe('its rounding allowance is derived for the logistic and exponential losses; loss is squared');
    expect(c.descent.detail).toBe('JT.A3 (a global β, G) holds for the logistic loss; loss is squared');
    expect(c.F5.detail).toBe("F5/F6's allowances are derived for 1-d output with the logistic or exponential loss; loss is squared");
    expect(c.margins.detail).toBe('margins need labels ±1 and a margin loss; loss is squared');
  });

  test('exponential loss: no descent check (no global β); inputs outside the unit ball: none either', () => {
    const exp = recordTrajectory({
      data: datasetFromArrays(FIXTURE_X, FIXTURE_Y),
      loss: 'exponential',
      activation: linear,
      weights: FIXTURE_WEIGHTS,
      schedule: { kind: 'constant', eta: 0.01 },
      steps: 5,
    });
    const c = byCheck(auditText(exp));
    expect(c.descent.verdict).toBe('not applicable');
    expect(c.F3.verdict).toBe('pass');
    const big = byCheck(auditText(fixtureTrajectory({ steps: 3, x: FIXTURE_X.map((r) => r.map((v) => 2 * v)) })));
    expect(big.descent.detail).toMatch(/^JT\.Lem5 assumes ‖x_i‖ ≤ 1; the largest is 1\.89/);
  });

  test('one layer, tanh, a single record, a late first step, a rising risk across a gap, non-separable data', () => {
    const one = byCheck(auditText([header(), line(0, [[[0.3, -0.2]]]), line(1, [[[0.31, -0.19]]])].join('\n')));
    expect(one.F2.detail).toBe('one layer: there is no hidden layer to balance');
    expect(one.F6.detail).toBe('one layer: no adjacent pair');
    const tanh = byCheck(auditText([header({ activation: 'tanh' }), line(0), line(1)].join('\n')));
    expect(tanh.F4.detail).toBe('activation tanh is not positively homogeneous');
    expect(tanh.F3.detail).toBe("F3's form ⟨W_k, G_k⟩ = ⟨E, P⟩ is for linear layers; activation is tanh");
    expect(tanh.descent.verdict).toBe('not applicable');
    expect(tanh.F5.detail).toBe('F5/F6 are for linear nets; activation is tanh');
    const single = auditText([header(), line(0)].join('\n'));
    expect(byCheck(single).F2.detail).toBe('needs consecutive recorded steps (t and t+1); the file has none');
    expect(byCheck(single).F3.detail).toBe('needs consecutive recorded steps (t and t+1); the file has none');
    expect(byCheck(single).descent.detail).toBe('needs consecutive recorded steps (t and t+1); the file has none');
    expect(byCheck(auditText([header(), line(5), line(6)].join('\n'))).F5.detail).toBe('D needs W(0); the first recorded step is 5 (line 2)');
    // W_3 four times larger: most margins are negative at W(0), so the risk rises
    const worse = FIXTURE_WEIGHTS.map((W, k) => (k === 2 ? W.map((r) => r.map((v) => 4 * v)) : W));
    const rose = byCheck(auditText([header(), line(0), line(10, worse)].join('\n')));
    expect(rose.F5.detail).toMatch(/stopped: the risk rose \(or η > 1\) across the unrecorded steps 0…10 \(line 3\)/);
    const xor = byCheck(
      auditText(
        [
          header({
            data: {
              x: [
                [1, 0],
                [-1, 0],
                [0, 1],
                [0, -1],
              ],
              y: [1, 1, -1, -1],
            },
          }),
          line(0),
          line(1),
        ].join('\n'),
      ),
    );
    expect(xor.direction.verdict).toBe('not applicable');
  });

  test('the report names N/A and NOT REACHED, prints ∞ ratios, and says FAILED', () => {
    const r = auditText(fixtureTrajectory({ steps: 5, fault: { kind: 'drop', layer: 0 } }));
    const text = formatAudit({ ...r, checks: [...r.checks, { ...r.checks[0], check: 'F2', worstRatio: Infinity }] });
    expect(text).toMatch(/\nN\/A {9}descent|\nNOT REACHED margins/);
    expect(text).toContain('worst ratio Infinity');
    expect(text).toMatch(/\naudit FAILED\n$/);
  });
});

describe('malformed step lines', () => {
  const cases: [string, string, string][] = [
    ['an empty file', '', 'line 1: the header is missing'],
    ['a header that is not JSON', '{"data": ', 'line 1: is not valid JSON'],
    ['a step line that is not an object', [header(), '[1, 2]'].join('\n'), 'line 2: must be an object {"step": t, "eta": η_t, "weights": [W_1, …, W_L]}'],
    ['a missing step', [header(), JSON.stringify({ eta: 0.1, weights: FIXTURE_WEIGHTS })].join('\n'), 'line 2: step is missing'],
    ['a fractional step', [header(), JSON.stringify({ step: 1.5, eta: 0.1, weights: FIXTURE_WEIGHTS })].join('\n'), 'line 2: step=1.5 must be an integer ≥ 0'],
    ['a string eta', [header(), JSON.stringify({ step: 0, eta: '0.1', weights: FIXTURE_WEIGHTS })].join('\n'), 'line 2: eta="0.1" must be a number'],
    ['a zero eta', [header(), JSON.stringify({ step: 0, eta: 0, weights: FIXTURE_WEIGHTS })].join('\n'), 'line 2: eta=0 must be > 0'],
    ['missing weights', [header(), JSON.stringify({ step: 0, eta: 0.1 })].join('\n'), 'line 2: weights is missing'],
    ['empty weights', [header(), JSON.stringify({ step: 0, eta: 0.1, weights: [] })].join('\n'), 'line 2: weights must be a non-empty array [W_1, …, W_L]'],
    [
      'a layer that is not rows',
      [header(), JSON.stringify({ step: 0, eta: 0.1, weights: [[1, 2]] })].join('\n'),
      'line 2: weights[0] must be a non-empty array of rows',
    ],
    [
      'a ragged row',
      [header(), JSON.stringify({ step: 0, eta: 0.1, weights: [[[1, 2], [3]], [[1, 1]]] })].join('\n'),
      'line 2: weights[0][1] must be a row of 2 numbers (ragged or not an array)',
    ],
    [
      'layers that do not chain',
      [header(), JSON.stringify({ step: 0, eta: 0.1, weights: [[[1, 2]], [[1, 1]]] })].join('\n'),
      'line 2: weights[1] has 2 columns but weights[0] has 1 rows; W_2 must be d_2×d_1',
    ],
    [
      'a vector output of the wrong size',
      [header(), JSON.stringify({ step: 0, eta: 0.1, weights: [[[1, 2]], [[1], [1]]] })].join('\n'),
      'line 2: weights[1] has 2 rows but the targets have dimension 1; they must match',
    ],
    [
      'a layer count change',
      [header(), line(0), JSON.stringify({ step: 1, eta: 0.1, weights: FIXTURE_WEIGHTS.slice(0, 2).concat([[[1, 1, 1]], [[1]]]) })].join('\n'),
      'line 3: weights have shapes 3×2, 3×3, 1×3, 1×1 but line 2 had 3×2, 3×3, 1×3',
    ],
  ];
  test.each(cases)('%s', (_name, text, message) => {
    expect(() => parseTrajectory(text)).toThrow(message);
  });
});
