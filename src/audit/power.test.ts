import { describe, expect, test } from 'vitest';
import { measureAuditPower, powerTable } from './power.js';

describe('the audit’s power on random cases', () => {
  test('no false alarm without a fault; every planted fault fails F2 and F3 on every case; a shuffled step also fails descent where its risk change is above rounding', () => {
    const rows = measureAuditPower(12);
    console.log(powerTable(rows));
    const [none, scaled, dropped, shuffled] = rows;
    for (const check of Object.keys(none.applied)) expect(none.failures[check], check).toBe(0);
    for (const r of [scaled, dropped, shuffled]) {
      expect(r.failures.F2, `${r.fault}: F2`).toBe(r.cases);
      expect(r.failures.F3, `${r.fault}: F3`).toBe(r.cases);
    }
    // the backward step W(s+1) → W(s) raises R by ≈ η‖∇R‖², below rounding when the A4 step is tiny: not every case
    expect(shuffled.failures.descent).toBeGreaterThan(0);
  }, 30_000);
});
