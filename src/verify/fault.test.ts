import { describe, expect, test } from 'vitest';
import { brokenGradient } from '../trainer/brokenGradient.js';
import { riskAndGradient } from '../trainer/gradient.js';
import { currentFault, faultSpec, parseFault, trainerGradient } from './fault.js';

describe('parseFault', () => {
  test.each([
    ['scale:1:1.01', { kind: 'scale', layer: 0, factor: 1.01 }],
    ['scale:3:0.99', { kind: 'scale', layer: 2, factor: 0.99 }],
    ['drop:2', { kind: 'drop', layer: 1 }],
    ['transpose:1', { kind: 'transpose', layer: 0 }],
    ['sign:1', { kind: 'scale', layer: 0, factor: -1 }],
    ['frozen', { kind: 'frozen' }],
  ])('%s', (raw, fault) => {
    expect(parseFault(raw)).toEqual(fault);
    expect(parseFault(faultSpec(parseFault(raw)))).toEqual(fault);
  });

  test.each([
    ['rotate:1', 'has unknown kind "rotate"'],
    ['drop', 'needs 1 field after "drop"'],
    ['scale:1', 'needs 2 fields after "scale"'],
    ['drop:0', 'layer=0 must be a whole number ≥ 1'],
    ['drop:x', 'layer=x must be a whole number ≥ 1'],
    ['scale:1:1', 'factor=1 must be a finite number other than 1'],
    ['scale:1:NaN', 'factor=NaN must be a finite number other than 1'],
    ['scale:1:', 'factor= must be a finite number other than 1'],
    ['frozen:1', 'takes no layer'],
  ])('%s is refused: %s', (raw, rule) => {
    expect(() => parseFault(raw)).toThrow(new RangeError(`DLNCHECK_FAULT=${raw} ${rule}; use scale:<layer>:<factor>, drop:<layer>, transpose:<layer>, sign:<layer> or frozen`));
  });
});

describe('trainerGradient', () => {
  test('the exact kernel when DLNCHECK_FAULT is unset or empty', () => {
    expect(trainerGradient({})).toBe(riskAndGradient);
    expect(trainerGradient({ DLNCHECK_FAULT: '' })).toBe(riskAndGradient);
    expect(currentFault({})).toBeNull();
  });

  test('a broken kernel when it names a fault', () => {
    expect(currentFault({ DLNCHECK_FAULT: 'drop:1' })).toEqual({ kind: 'drop', layer: 0 });
    const g = trainerGradient({ DLNCHECK_FAULT: 'drop:1' });
    expect(g).not.toBe(riskAndGradient);
    expect(g.toString()).toBe(brokenGradient({ kind: 'drop', layer: 0 }).toString());
  });
});
