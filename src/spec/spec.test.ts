import { describe, expect, test } from 'vitest';
import { parseSpec, SpecError, type SpecInput } from './spec.js';

const valid = (): SpecInput => ({
  data: {
    x: [
      [1, 0],
      [0, 1],
    ],
    y: [1, -1],
  },
  network: {
    weights: [
      [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
      [[0.5, 0.6]],
    ],
    activation: 'linear',
  },
  loss: 'logistic',
  schedule: { kind: 'constant', eta: 0.1 },
  steps: 10,
  checkpoints: [0, 10],
});

/** Applies an edit to a fresh valid spec and returns the error message. */
function errorOf(edit: (s: any) => void): string {
  const s = valid() as any;
  edit(s);
  try {
    parseSpec(
      JSON.parse(JSON.stringify(s, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `__${v}` : v)).replace(/"__(NaN|Infinity|-Infinity)"/g, '1e999')),
    );
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n'); // one clear line
    return msg;
  }
  throw new Error('expected the spec to be rejected');
}

describe('spec validation: one test per bad-input class', () => {
  test('a valid spec resolves', () => {
    const s = parseSpec(valid());
    expect(s.network.dims).toEqual([2, 2, 1]);
    expect(s.data.n).toBe(2);
  });

  test('non-finite number', () => {
    expect(errorOf((s) => (s.data.x[1][0] = Infinity))).toMatch(/^spec\.data\.x\[1\]\[0\]: must be a finite number/);
    expect(errorOf((s) => (s.network.weights[0][0][1] = Infinity))).toMatch(/^spec\.network\.weights\[0\]\[0\]\[1\]: must be a finite number/);
  });

  test('ragged array', () => {
    expect(errorOf((s) => (s.data.x[1] = [1]))).toMatch(/spec\.data\.x\[1\]: length 1 must equal d=2 \(ragged array\)/);
    expect(errorOf((s) => (s.network.weights[0][1] = [1]))).toMatch(/spec\.network\.weights\[0\]\[1\].*ragged/);
  });

  test('shape mismatch between layers', () => {
    expect(errorOf((s) => (s.network.weights[1] = [[0.5, 0.6, 0.7]]))).toMatch(/spec\.network\.weights\[1\]: has 3 columns but layer 0 has 2 rows/);
  });

  test('shape mismatch with the data', () => {
    expect(
      errorOf(
        (s) =>
          (s.data.x = [
            [1, 0, 0],
            [0, 1, 0],
          ]),
      ),
    ).toMatch(/spec\.network\.weights\[0\]: has 2 columns but data\.x has d=3/);
    expect(errorOf((s) => (s.data.y = [1, -1, 1]))).toMatch(/spec\.data\.y: length 3 must equal the number of samples n=2/);
    expect(
      errorOf(
        (s) =>
          (s.network.weights[1] = [
            [0.5, 0.6],
            [0.1, 0.1],
          ]),
      ),
    ).toMatch(/spec\.network\.weights\[1\]: has 2 rows but the targets have dimension 1/);
  });

  test('label not ±1', () => {
    expect(errorOf((s) => (s.data.y = [1, 0]))).toMatch(/spec\.data\.y\[1\]=0 must be a label \+1 or -1/);
  });

  test('empty data', () => {
    expect(errorOf((s) => ((s.data.x = []), (s.data.y = [])))).toMatch(/spec\.data\.x: is empty/);
  });

  test('η ≤ 0 (and other non-positive schedule parameters)', () => {
    expect(errorOf((s) => (s.schedule.eta = 0))).toMatch(/^spec\.schedule\.eta: must be > 0/);
    expect(errorOf((s) => (s.schedule.eta = -0.1))).toMatch(/^spec\.schedule\.eta: must be > 0/);
    expect(errorOf((s) => (s.schedule = { kind: 'decaying', eta0: 0.1, delta: 0 }))).toMatch(/spec\.schedule\.delta: must be in \(0, 1\/2\]/);
  });

  test('unknown activation', () => {
    expect(errorOf((s) => (s.network.activation = 'sigmoid'))).toMatch(
      /^spec\.network\.activation: must be "linear", "relu", "tanh", "softplus" or \{"leaky": m\}/,
    );
    expect(errorOf((s) => (s.network.activation = { leaky: 2 }))).toMatch(/spec\.network\.activation/);
  });

  test('unknown loss, schedule kind, extra field, bad steps and checkpoints', () => {
    expect(errorOf((s) => (s.loss = 'hinge'))).toMatch(/^spec\.loss: must be/);
    expect(errorOf((s) => (s.schedule = { kind: 'adam' }))).toMatch(/^spec\.schedule\.kind/);
    expect(errorOf((s) => (s.extra = 1))).toMatch(/^spec/);
    expect(errorOf((s) => (s.steps = 1.5))).toMatch(/^spec\.steps: must be an integer/);
    expect(errorOf((s) => (s.checkpoints = [11]))).toMatch(/spec\.checkpoints: step 11 is beyond steps=10/);
  });

  test('squared loss takes n×k targets; the last layer must output k', () => {
    const s = valid() as any;
    s.loss = 'squared';
    s.data.y = [
      [1, 2],
      [3, 4],
    ];
    s.network.weights[1] = [
      [1, 0],
      [0, 1],
    ];
    expect(parseSpec(s).data.outDim).toBe(2);
  });

  test('a bad loss expression names the field', () => {
    expect(errorOf((s) => (s.loss = { expression: 'exp(-w)' }))).toMatch(/loss\.expression/);
  });
});
