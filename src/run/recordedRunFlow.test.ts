import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { projectRoot } from '../projectRoot.js';
import { runSpec } from './recordedRun.js';
import { parseSpec } from '../spec/spec.js';

// `dlncheck train` with schedule.kind = flow: every checkpoint carries flowError, a bound on the weights' global error
describe('runSpec: flow results carry flowError', () => {
  test('issue 16 reproducer: flowError at every checkpoint, and at t = 50 it bounds the error against SciPy', () => {
    const dir = `${projectRoot}/fixtures/flow-long-horizon`;
    const spec = JSON.parse(readFileSync(`${dir}/odex_squared_T50_tol1e-8.spec.json`, 'utf8'));
    const want = (JSON.parse(readFileSync(`${dir}/odex_squared_T50_tol1e-8.expected.json`, 'utf8')) as { weights: number[][][] }).weights.flat(2);
    const res = runSpec(parseSpec(spec));
    expect(res.checkpoints).toHaveLength(6);
    for (const c of res.checkpoints) expect(c.flowError).toBeGreaterThan(0);
    const actual = Math.max(...res.weights.flat(2).map((v, i) => Math.abs(v - want[i])));
    expect(res.checkpoints.at(-1)!.flowError).toBeGreaterThanOrEqual(actual);
  });
});
