import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildProgram } from '../cli/main.js';
import { projectRoot } from '../projectRoot.js';
import {
  baseReportProblems,
  FETCH_BASE,
  invocationProblems,
  invocations,
  parseWorkflow,
  shardProblems,
  unpinnedUses,
  type Invocation,
  type Workflow,
} from './workflowCheck.js';

// The repository's own workflows (.github/workflows), checked against the repository: what they run must exist.

const dir = join(projectRoot, '.github', 'workflows');
const files = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const texts = new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
const workflows = new Map<string, Workflow>(files.map((f) => [f, parseWorkflow(texts.get(f)!, `.github/workflows/${f}`)]));
const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

const all: { file: string; job: string; inv: Invocation }[] = [];
for (const [file, wf] of workflows)
  for (const [job, j] of Object.entries(wf.jobs)) for (const s of j.steps ?? []) if (s.run) for (const inv of invocations(s.run)) all.push({ file, job, inv });

async function dlncheckFlags(): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const used = new Set(all.flatMap(({ inv }) => (inv.kind === 'dlncheck' ? [inv.command] : [])));
  for (const name of used) {
    const cmd = (await buildProgram(name)).commands.find((c) => c.name() === name);
    if (cmd) out.set(name, new Set(['--help', '-h', ...cmd.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x))]));
  }
  return out;
}

describe('.github/workflows', () => {
  test('ci runs on every push and pull request; thorough nightly and on demand', () => {
    expect(Object.keys(workflows.get('ci.yml')!.on as object).sort()).toEqual(['pull_request', 'push']);
    const thorough = workflows.get('thorough.yml')!.on as { schedule: { cron: string }[] };
    expect(Object.keys(thorough).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(thorough.schedule[0].cron).toMatch(/^\d+ \d+ \* \* \*$/);
  });

  test('every command a run step starts exists: npm scripts, dlncheck commands and their options, npx binaries, repository files', async () => {
    const provided = {
      scripts: new Set(Object.keys(pkg.scripts)),
      dlncheck: await dlncheckFlags(),
      bins: new Set(readdirSync(join(projectRoot, 'node_modules', '.bin'))),
      fileExists: (p: string) => existsSync(join(projectRoot, p)),
    };
    expect(all.length).toBeGreaterThan(10);
    expect(all.flatMap(({ file, job, inv }) => invocationProblems(inv, provided).map((p) => `${file} ${job}: ${p}`))).toEqual([]);
  }, 30_000);

  test('every action is pinned to a full commit SHA with its version in a comment', () => {
    expect([...texts].flatMap(([f, t]) => unpinnedUses(t).map((u) => `${f}: ${u}`))).toEqual([]);
    expect([...texts.values()].join('\n')).toMatch(/uses: actions\/checkout@[0-9a-f]{40} # v\d/);
  });

  test('every job sets up Node 20 with the npm cache, then runs npm ci', () => {
    for (const [f, wf] of workflows)
      for (const [id, job] of Object.entries(wf.jobs)) {
        const steps = job.steps ?? [];
        const setup = steps.findIndex((s) => s.uses?.startsWith('actions/setup-node@'));
        expect(setup, `${f} ${id}`).toBeGreaterThanOrEqual(0);
        expect(steps[setup].with, `${f} ${id}`).toMatchObject({ 'node-version': 20, cache: 'npm' });
        expect(
          steps.findIndex((s) => s.run === 'npm ci'),
          `${f} ${id}`,
        ).toBeGreaterThan(setup);
      }
  });

  test('ci: lint, type check, npm test writing vitest JSON, the report compared with main, the HTML uploaded', () => {
    const steps = workflows.get('ci.yml')!.jobs.test.steps!;
    const runs = steps.map((s) => s.run ?? '');
    const order = ['npm ci', 'npm run lint', 'npm run typecheck', 'npm test -- ', FETCH_BASE, 'node bin/dlncheck.mjs report'].map((p) =>
      runs.findIndex((r) => r.includes(p)),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(runs.find((r) => r.startsWith('npm test'))).toContain('--outputFile.json=reports/vitest.json');
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(String(upload.with?.path)).toContain('reports/index.html');
    // the report and its upload also run when tests failed: that is when the report matters
    for (const s of steps.slice(runs.findIndex((r) => r.includes(FETCH_BASE)))) expect(s.if, s.name).toMatch(/!cancelled\(\)/);
    expect(runs.join('\n')).toContain('--compare-out "$GITHUB_STEP_SUMMARY"');
  });

  test('thorough: a 4-way shard matrix on the thorough profile, all 4 merged into one report', () => {
    const wf = workflows.get('thorough.yml')!;
    expect(wf.jobs.shard.strategy?.matrix?.shard).toEqual([1, 2, 3, 4]);
    expect((wf.jobs.shard as { env?: Record<string, string> }).env?.DLNCHECK_PROFILE).toBe('thorough');
    expect([...workflows].flatMap(([f, w]) => shardProblems(w, f))).toEqual([]);
  });

  test('the base each workflow compares with is an artifact some workflow uploads, and the fetch script is executable', () => {
    expect([...workflows].flatMap(([f, w]) => baseReportProblems(f, w, workflows))).toEqual([]);
    expect(statSync(join(projectRoot, FETCH_BASE)).mode & 0o111).not.toBe(0);
  });
});
