import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { projectRoot } from '../projectRoot.js';
import { requireCheckout } from './main.js';

const empty = mkdtempSync(join(tmpdir(), 'dlncheck-installed-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('commands that need a checkout', () => {
  test('run in the checkout; every other command runs anywhere', () => {
    for (const c of ['ablate', 'replay', 'sweep', 'report', 'power', 'claims', 'train', 'audit', undefined])
      expect(() => requireCheckout(c, projectRoot)).not.toThrow();
    for (const c of ['claims', 'train', 'audit', 'explain', 'reproduce', undefined]) expect(() => requireCheckout(c, empty)).not.toThrow();
  });

  test('are refused with one line in a copy without properties/ (the installed package)', () => {
    expect(() => requireCheckout('ablate', empty)).toThrow(
      `ablate runs the suite's own properties with vitest and needs a source checkout of dlncheck (this copy at ${empty} has no properties/); the installed package runs claims, train, audit, explain and reproduce`,
    );
  });
});
