import { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { FAULT_META_KEY } from '../../verify/fault.js';
import { registerPower, runPower } from './power.js';

describe('runPower', () => {
  test('one clean run and one run per fault, each with the main-test pattern and DLNCHECK_FAULT in the environment', () => {
    const calls: [Record<string, string>, string][] = [];
    const rows = runPower(['JT.Lem5'], ['scale:1:1.01', 'frozen'], (env, pattern) => {
      calls.push([env, pattern]);
      const f = env.DLNCHECK_FAULT;
      const meta = f ? { [FAULT_META_KEY]: f } : undefined;
      return { status: 0, tests: [{ title: 'JT.Lem5 INEQ: …', status: f === 'frozen' ? 'passed' : f ? 'failed' : 'passed', meta }] };
    });
    expect(calls.map(([env]) => env.DLNCHECK_FAULT)).toEqual([undefined, 'scale:1:1.01', 'frozen']);
    expect(new Set(calls.map(([, p]) => p)).size).toBe(1);
    expect(rows).toEqual([{ claimId: 'JT.Lem5', tests: 1, clean: 'passes', cells: { 'scale:1:1.01': 'detected', frozen: 'missed' } }]);
  });
});

describe('dlncheck power input checks', () => {
  const cli = async (...args: string[]) => {
    const program = new Command('dlncheck');
    registerPower(program);
    for (const c of [program, ...program.commands]) c.exitOverride();
    await program.parseAsync(['node', 'dlncheck', 'power', ...args]);
  };
  test('an unknown claim is named', async () => {
    await expect(cli('JT.Nope')).rejects.toThrow('power: claim-id=JT.Nope is not in the registry');
  });
  test('a malformed fault is named with its position', async () => {
    await expect(cli('JT.Lem5', '--faults', 'drop:1,spin:2')).rejects.toThrow('power --faults[1]=spin:2 has unknown kind "spin"');
  });
});
