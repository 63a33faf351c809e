import { describe, expect, test } from 'vitest';
import { baseReportProblems, invocationProblems, invocations, optionValues, parseWorkflow, shardProblems, shellWords, simpleCommands, unpinnedUses, type Provided, type Workflow } from './workflowCheck.js';

const SHA = 'a'.repeat(40);
const provided: Provided = {
  scripts: new Set(['lint', 'typecheck', 'dlncheck']),
  dlncheck: new Map([['report', new Set(['--out', '--vitest', '--compare', '--compare-out'])]]),
  bins: new Set(['tsc', 'vitest']),
  fileExists: (p) => p === '.github/scripts/fetch-base-report.sh',
};
const problems = (script: string) => invocations(script).flatMap((i) => invocationProblems(i, provided));

describe('run scripts: what they start', () => {
  test('shell words and simple commands: quotes, continuations, &&, ||, if/then/else, comments', () => {
    expect(shellWords(`echo "a b" 'c d' e"f g"h --x=$Y`)).toEqual(['echo', 'a b', 'c d', 'ef gh', '--x=$Y']);
    expect(simpleCommands('npm ci && npm test \\\n  -- --x\nif [ -f a ]; then\n  npm run lint # a comment\nelse\n  true || false\nfi')).toEqual([
      'npm ci',
      'npm test    -- --x',
      '[ -f a ]',
      'npm run lint',
      'true',
      'false',
    ]);
  });

  test('npm builtins and scripts, dlncheck by node, npm run or npx, npx binaries, repository files', () => {
    expect(invocations('FOO=1 npm run lint -- --fix').map((i) => i.kind === 'npm-script' && i.script)).toEqual(['lint']);
    expect(invocations('npm ci; npm t').map((i) => i.kind === 'npm-builtin' && i.command)).toEqual(['ci', 'test']);
    const d = invocations('node bin/dlncheck.mjs report --vitest a.json b.json --out r && npm run dlncheck -- claims && npx dlncheck sweep --seeds 2');
    expect(d.map((i) => (i.kind === 'dlncheck' ? [i.command, ...i.args] : null))).toEqual([
      ['report', '--vitest', 'a.json', 'b.json', '--out', 'r'],
      ['claims'],
      ['sweep', '--seeds', '2'],
    ]);
    expect(invocations('npx --yes tsc --noEmit')).toMatchObject([{ kind: 'npx', bin: 'tsc' }]);
    expect(invocations('./.github/scripts/x.sh a b')).toMatchObject([{ kind: 'file', path: '.github/scripts/x.sh' }]);
    expect(invocations('echo hi >> "$GITHUB_STEP_SUMMARY"; test -x /usr/bin/chromium')).toEqual([]);
  });

  test('optionValues: the words after an option up to the next one, or --opt=value', () => {
    expect(optionValues(['--vitest', 'a', 'b', '--out', 'r'], '--vitest')).toEqual(['a', 'b']);
    expect(optionValues(['--out=r'], '--out')).toEqual(['r']);
    expect(optionValues(['--out', 'r'], '--vitest')).toBeNull();
  });

  test('whatever does not exist is a problem that names the command', () => {
    expect(problems('npm run lint && npm run typecheck && npm ci && node bin/dlncheck.mjs report --vitest a --compare=b && npx tsc && .github/scripts/fetch-base-report.sh')).toEqual([]);
    expect(problems('npm run lnt')).toEqual(['`npm run lnt`: package.json has no script "lnt"']);
    expect(problems('npm publish')).toEqual(['`npm publish`: npm publish is not one of the npm commands the workflows may use (ci, install, test, version, ls)']);
    expect(problems('node bin/dlncheck.mjs reprot')).toEqual(['`node bin/dlncheck.mjs reprot`: dlncheck has no command "reprot"']);
    expect(problems('node bin/dlncheck.mjs report --vitset a.json --compare=b')).toEqual(['`node bin/dlncheck.mjs report --vitset a.json --compare=b`: dlncheck report has no option --vitset']);
    expect(problems('npx eslint .')).toEqual(['`npx eslint .`: eslint is not in node_modules/.bin (npx would download it)']);
    expect(problems('.ci/missing')).toEqual(['`.ci/missing`: .ci/missing does not exist']);
  });
});

describe('unpinnedUses', () => {
  test('a full SHA with a version comment passes; a tag, a short SHA or a missing comment does not', () => {
    const text = [
      `      - uses: actions/checkout@${SHA} # v6.0.2`,
      `        uses: "actions/setup-node@${SHA}" # v6.2.0`,
      '      - uses: ./local-action',
      '      - uses: actions/checkout@v6',
      `      - uses: actions/checkout@${SHA.slice(0, 12)} # v6`,
      `      - uses: actions/checkout@${SHA}`,
      `      - uses: actions/checkout@${SHA} # latest`,
    ].join('\n');
    expect(unpinnedUses(text)).toEqual([
      '- uses: actions/checkout@v6',
      `- uses: actions/checkout@${SHA.slice(0, 12)} # v6`,
      `- uses: actions/checkout@${SHA}`,
      `- uses: actions/checkout@${SHA} # latest`,
    ]);
  });
});

/** A sharded workflow; the parts are parameters so each test can break one. */
function sharded(o: { shards?: string; total?: number; output?: string; uploadName?: string; uploadIf?: string; mergeIf?: string | null; pattern?: string; mergeMultiple?: boolean; merged?: string } = {}): Workflow {
  const shards = o.shards ?? '[1, 2, 3]';
  const mergeIf = o.mergeIf === undefined ? '${{ !cancelled() }}' : o.mergeIf;
  return parseWorkflow(
    `
jobs:
  shard:
    strategy:
      matrix:
        shard: ${shards}
    steps:
      - run: npm test -- --shard=\${{ matrix.shard }}/${o.total ?? 3} --reporter=json --outputFile.json=${o.output ?? 'reports/vitest-${{ matrix.shard }}.json'}
      - uses: actions/upload-artifact@${SHA} # v6.0.0
        if: ${o.uploadIf ?? '${{ !cancelled() }}'}
        with:
          name: ${o.uploadName ?? 'vitest-shard-${{ matrix.shard }}'}
          path: ${o.output ?? 'reports/vitest-${{ matrix.shard }}.json'}
  merge:
    needs: [shard]
${mergeIf === null ? '' : `    if: ${mergeIf}\n`}    steps:
      - uses: actions/download-artifact@${SHA} # v7.0.0
        with:
          pattern: ${o.pattern ?? 'vitest-shard-*'}
          merge-multiple: ${o.mergeMultiple ?? true}
          path: shards
      - run: node bin/dlncheck.mjs report --vitest ${o.merged ?? 'shards/vitest-1.json shards/vitest-2.json shards/vitest-3.json'} --out reports
`,
    'w.yml',
  );
}

describe('shardProblems', () => {
  test('a consistent 3-shard workflow has none; a workflow without shards has none', () => {
    expect(shardProblems(sharded(), 'w.yml')).toEqual([]);
    expect(shardProblems(parseWorkflow('jobs:\n  a:\n    steps:\n      - run: npm test\n', 'x.yml'), 'x.yml')).toEqual([]);
  });

  test('each disagreement between the matrix, the shard step, the upload, the download and the merge is named', () => {
    expect(shardProblems(sharded({ total: 4 }), 'w.yml')).toEqual(['w.yml: job shard: --shard=…/4 but matrix.shard has 3 entries']);
    expect(shardProblems(sharded({ shards: '[1, 3, 2]' }), 'w.yml')).toEqual(['w.yml: job shard: matrix.shard=[1,3,2] must be 1..3 in order']);
    expect(shardProblems(sharded({ merged: 'shards/vitest-1.json shards/vitest-2.json' }), 'w.yml')).toEqual([
      'w.yml: job merge: `node bin/dlncheck.mjs report --vitest shards/vitest-1.json shards/vitest-2.json --out reports` merges [vitest-1.json, vitest-2.json] but the 3 shards write [vitest-1.json, vitest-2.json, vitest-3.json]',
    ]);
    expect(shardProblems(sharded({ merged: 'shards/vitest-1.json shards/vitest-2.json shards/vitest-2.json' }), 'w.yml')).toHaveLength(1);
    expect(shardProblems(sharded({ pattern: 'vitest-shard-[12]' }), 'w.yml')).toEqual(['w.yml: job merge: download pattern vitest-shard-[12] misses vitest-shard-1, vitest-shard-2, vitest-shard-3']);
    expect(shardProblems(sharded({ pattern: 'vitest-shard-?' }), 'w.yml')).toEqual([]);
    expect(shardProblems(sharded({ mergeMultiple: false }), 'w.yml')).toEqual(['w.yml: job merge: download-artifact needs merge-multiple: true to put the shards\' files in one folder']);
    expect(shardProblems(sharded({ mergeIf: null }), 'w.yml')).toEqual(['w.yml: job merge: must run when a shard fails (if: ${{ !cancelled() }}), or a failing night has no report']);
    expect(shardProblems(sharded({ uploadName: 'vitest-shard' }), 'w.yml')).toEqual([
      'w.yml: job shard: the artifact name vitest-shard must contain ${{ matrix.shard }}, or the shards overwrite one another',
      'w.yml: job merge: download pattern vitest-shard-* misses vitest-shard, vitest-shard, vitest-shard',
    ]);
    expect(shardProblems(sharded({ uploadIf: 'success()' }), 'w.yml')).toEqual(["w.yml: job shard: the upload runs only if success(); a failed shard's JSON must be uploaded too (if: ${{ !cancelled() }})"]);
    expect(shardProblems(sharded({ output: 'reports/vitest.json' }), 'w.yml')).toEqual(['w.yml: job shard: the shard step must write its vitest JSON to a file named by ${{ matrix.shard }} (--outputFile.json=…)']);
  });
});

describe('baseReportProblems', () => {
  const ci = parseWorkflow(
    `
jobs:
  test:
    steps:
      - run: .github/scripts/fetch-base-report.sh ci.yml dlncheck-report base
      - run: node bin/dlncheck.mjs report --compare base/claims.json
      - uses: actions/upload-artifact@${SHA} # v6.0.0
        with:
          name: dlncheck-report
          path: |
            reports/index.html
            reports/claims.json
`,
    'ci.yml',
  );
  test('the fetched artifact is uploaded by the named workflow and compared with afterwards', () => {
    expect(baseReportProblems('ci.yml', ci, new Map([['ci.yml', ci]]))).toEqual([]);
    expect(baseReportProblems('ci.yml', ci, new Map())).toEqual(['ci.yml: job test: `.github/scripts/fetch-base-report.sh ci.yml dlncheck-report base`: no workflow ci.yml in .github/workflows']);
    const other = parseWorkflow('jobs:\n  a:\n    steps:\n      - run: .github/scripts/fetch-base-report.sh ci.yml report base\n      - run: node bin/dlncheck.mjs report --compare old/claims.json\n', 'o.yml');
    expect(baseReportProblems('o.yml', other, new Map([['ci.yml', ci]]))).toEqual([
      'o.yml: job a: `.github/scripts/fetch-base-report.sh ci.yml report base`: ci.yml uploads no artifact report holding reports/claims.json',
      'o.yml: job a: `.github/scripts/fetch-base-report.sh ci.yml report base`: no later dlncheck report --compare base/claims.json',
    ]);
  });
});

describe('parseWorkflow', () => {
  test('not YAML, or no jobs, names the file', () => {
    expect(() => parseWorkflow('jobs: [', 'bad.yml')).toThrow(/^bad\.yml: not valid YAML/);
    expect(() => parseWorkflow('name: x', 'bad.yml')).toThrow('bad.yml: jobs is missing; is it a GitHub workflow?');
  });
});
