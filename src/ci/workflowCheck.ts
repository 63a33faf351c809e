/**
 * Static checks of the GitHub workflows in .github/workflows, so they cannot rot unseen (src/ci/workflows.test.ts
 * applies them to the real files): every command a `run:` step starts exists, every action is pinned to a commit,
 * and a sharded job and the job merging its shards agree on the shards.
 */
import { parse } from 'yaml';

export interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly with?: Readonly<Record<string, unknown>>;
  readonly if?: string;
}

export interface Job {
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly strategy?: { readonly matrix?: Readonly<Record<string, unknown>> };
  readonly steps?: readonly Step[];
}

export interface Workflow {
  readonly name?: string;
  readonly on?: unknown;
  readonly jobs: Readonly<Record<string, Job>>;
}

/** A workflow file parsed; an error names the file when it is not YAML or has no jobs. */
export function parseWorkflow(text: string, where: string): Workflow {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new SyntaxError(`${where}: not valid YAML (${(e as Error).message})`);
  }
  const wf = raw as Partial<Workflow> | null;
  if (!wf || typeof wf !== 'object' || !wf.jobs || typeof wf.jobs !== 'object') throw new TypeError(`${where}: jobs is missing; is it a GitHub workflow?`);
  return wf as Workflow;
}

/** One program a run script starts, as far as these checks care. */
export type Invocation =
  | { readonly kind: 'npm-builtin'; readonly command: string; readonly text: string }
  | { readonly kind: 'npm-script'; readonly script: string; readonly text: string }
  | { readonly kind: 'dlncheck'; readonly command: string; readonly args: readonly string[]; readonly text: string }
  | { readonly kind: 'npx'; readonly bin: string; readonly text: string }
  | { readonly kind: 'file'; readonly path: string; readonly text: string };

/** npm's own commands the workflows may use (not scripts of package.json). */
export const NPM_BUILTINS: readonly string[] = ['ci', 'install', 'test', 'version', 'ls'];

/** Words of a shell command line: whitespace-separated, quotes removed ("$X" stays one word). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"']+)/g;
  let m: RegExpExecArray | null;
  let current = '';
  let lastEnd = -1;
  while ((m = re.exec(line)) !== null) {
    const piece = m[1] ?? m[2] ?? m[3];
    // adjacent pieces without whitespace between them (a="b"c) form one word
    if (m.index === lastEnd) current += piece;
    else {
      if (lastEnd !== -1) words.push(current);
      current = piece;
    }
    lastEnd = re.lastIndex;
  }
  if (lastEnd !== -1) words.push(current);
  return words;
}

/** The simple commands of a run script: lines joined at `\` continuations, split at `&&`, `||`, `;` and `|`. */
export function simpleCommands(script: string): string[] {
  const joined = script.replace(/\\\n/g, ' ');
  const out: string[] = [];
  for (const line of joined.split('\n')) {
    const code = line.replace(/(^|\s)#.*$/, '');
    for (const part of code.split(/&&|\|\||;|\|/)) {
      // shell keywords that prefix a command
      const words = part.trim().replace(/^(if|then|else|elif|do|while|until|!)\s+/, '').trim();
      if (words !== '' && !/^(fi|done|esac|else|then)$/.test(words)) out.push(words);
    }
  }
  return out;
}

/** The invocations of a run script that name something the repository must provide. */
export function invocations(script: string): Invocation[] {
  const out: Invocation[] = [];
  for (const text of simpleCommands(script)) {
    const w = shellWords(text);
    // skip environment assignments (FOO=bar cmd …)
    while (w.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0])) w.shift();
    if (w.length === 0) continue;
    const [cmd, ...rest] = w;
    if (cmd === 'npm') {
      const sub = rest[0];
      if (sub === 'run' || sub === 'run-script') {
        const script = rest[1] ?? '';
        const after = rest.slice(2);
        if (script === 'dlncheck') {
          const args = after[0] === '--' ? after.slice(1) : after;
          out.push({ kind: 'dlncheck', command: args[0] ?? '', args: args.slice(1), text });
        } else out.push({ kind: 'npm-script', script, text });
      } else if (sub === 't' || sub === 'tst') out.push({ kind: 'npm-builtin', command: 'test', text });
      else out.push({ kind: 'npm-builtin', command: sub ?? '', text });
    } else if (cmd === 'node' && rest[0] !== undefined && /(^|\/)bin\/dlncheck\.mjs$/.test(rest[0])) {
      out.push({ kind: 'dlncheck', command: rest[1] ?? '', args: rest.slice(2), text });
    } else if (cmd === 'npx') {
      const bin = rest.find((x) => !x.startsWith('-')) ?? '';
      if (bin === 'dlncheck') {
        const i = rest.indexOf(bin);
        out.push({ kind: 'dlncheck', command: rest[i + 1] ?? '', args: rest.slice(i + 2), text });
      } else out.push({ kind: 'npx', bin, text });
    } else if (cmd.startsWith('./') || cmd.startsWith('.github/') || cmd.startsWith('.ci/') || cmd.startsWith('bin/')) {
      out.push({ kind: 'file', path: cmd.replace(/^\.\//, ''), text });
    }
  }
  return out;
}

/** The values a dlncheck option takes in args: the words after it up to the next option (or `--opt=value`). */
export function optionValues(args: readonly string[], option: string): string[] | null {
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith(`${option}=`)) return [args[i].slice(option.length + 1)];
    if (args[i] === option) {
      const vals: string[] = [];
      for (let j = i + 1; j < args.length && !args[j].startsWith('-'); j++) vals.push(args[j]);
      return vals;
    }
  }
  return null;
}

/** What the repository provides, for checking invocations against it. */
export interface Provided {
  /** package.json scripts */
  readonly scripts: ReadonlySet<string>;
  /** dlncheck commands and, per command, its long and short option flags */
  readonly dlncheck: ReadonlyMap<string, ReadonlySet<string>>;
  /** executables npx can run without a download (node_modules/.bin) */
  readonly bins: ReadonlySet<string>;
  /** whether a file of the repository that a run step executes exists */
  readonly fileExists: (path: string) => boolean;
}

/** Problems with one invocation: a script, command, option, binary or file that does not exist. */
export function invocationProblems(inv: Invocation, p: Provided): string[] {
  switch (inv.kind) {
    case 'npm-builtin':
      return NPM_BUILTINS.includes(inv.command) ? [] : [`\`${inv.text}\`: npm ${inv.command} is not one of the npm commands the workflows may use (${NPM_BUILTINS.join(', ')})`];
    case 'npm-script':
      return p.scripts.has(inv.script) ? [] : [`\`${inv.text}\`: package.json has no script "${inv.script}"`];
    case 'npx':
      return p.bins.has(inv.bin) ? [] : [`\`${inv.text}\`: ${inv.bin} is not in node_modules/.bin (npx would download it)`];
    case 'file':
      return p.fileExists(inv.path) ? [] : [`\`${inv.text}\`: ${inv.path} does not exist`];
    case 'dlncheck': {
      const flags = p.dlncheck.get(inv.command);
      if (!flags) return [`\`${inv.text}\`: dlncheck has no command "${inv.command}"`];
      return inv.args
        .filter((a) => a.startsWith('-') && a !== '--')
        .map((a) => a.split('=')[0])
        .filter((f) => !flags.has(f))
        .map((f) => `\`${inv.text}\`: dlncheck ${inv.command} has no option ${f}`);
    }
  }
}

/** Every `uses:` of a workflow's text that is not a local action or pinned to a 40-hex commit with a `# vX…` comment. */
export function unpinnedUses(text: string): string[] {
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1\s*(#.*)?$/.exec(line);
    if (!m) continue;
    const ref = m[2];
    if (ref.startsWith('./')) continue;
    const pinned = /^[\w.-]+\/[\w.\/-]+@[0-9a-f]{40}$/.test(ref);
    const version = m[3] !== undefined && /#\s*v?\d+(\.\d+)*\b/.test(m[3]);
    if (!pinned || !version) bad.push(line.trim());
  }
  return bad;
}

function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : typeof job.needs === 'string' ? [job.needs] : [...job.needs];
}

/** A glob of upload/download-artifact (only `*` and `?` are used) as a regular expression. */
function globRe(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

const SHARD_ALL = /\$\{\{\s*matrix\.shard\s*\}\}/g;
const TOKEN = '@SHARD@';

/** The text with every `${{ matrix.shard }}` as TOKEN. */
function norm(text: string): string {
  return text.replace(SHARD_ALL, TOKEN);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Problems between a job with a `matrix.shard` list and the jobs that merge it: the list is 1..N; the vitest step runs
 * `--shard=${{ matrix.shard }}/N` with the same N and writes its JSON to a file named by the shard; that file is
 * uploaded as an artifact named by the shard; a job that needs the sharded one downloads artifacts by a pattern
 * matching every shard's name, runs even when a shard failed (`!cancelled()`), and passes exactly the N files to
 * `dlncheck report --vitest`. Returns [] for a workflow without shards.
 */
export function shardProblems(wf: Workflow, where: string): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(wf.jobs)) {
    const shards = job.strategy?.matrix?.shard;
    if (shards === undefined) continue;
    const at = `${where}: job ${jobId}`;
    if (!Array.isArray(shards) || shards.length === 0) {
      problems.push(`${at}: matrix.shard must be a list 1..N`);
      continue;
    }
    const n = shards.length;
    if (!shards.every((s, i) => s === i + 1)) problems.push(`${at}: matrix.shard=${JSON.stringify(shards)} must be 1..${n} in order`);
    const steps = job.steps ?? [];
    const runs = steps.filter((s) => typeof s.run === 'string' && /--shard=/.test(s.run));
    if (runs.length !== 1) {
      problems.push(`${at}: expected one step running --shard=\${{ matrix.shard }}/${n}, found ${runs.length}`);
      continue;
    }
    // ${{ matrix.shard }} holds spaces: the shard's step, artifact name and path are read with it as one token
    const run = norm(runs[0].run!);
    const shardArg = /--shard=(\S+)/.exec(run)![1];
    const total = /^@SHARD@\/(\d+)$/.exec(shardArg);
    if (!total) problems.push(`${at}: --shard=${shardArg.replace(TOKEN, '${{ matrix.shard }}')} must be --shard=\${{ matrix.shard }}/${n}`);
    else if (Number(total[1]) !== n) problems.push(`${at}: --shard=…/${total[1]} but matrix.shard has ${n} entries`);
    const output = /--outputFile(?:\.json)?=(\S+)/.exec(run)?.[1];
    if (output === undefined || !output.includes(TOKEN)) {
      problems.push(`${at}: the shard step must write its vitest JSON to a file named by \${{ matrix.shard }} (--outputFile.json=…)`);
      continue;
    }
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@') && norm(String(s.with?.path ?? '')).trim() === output);
    const uploadName = upload ? norm(String(upload.with?.name ?? '')) : '';
    if (!upload) problems.push(`${at}: no upload-artifact step uploads ${output.replace(TOKEN, '${{ matrix.shard }}')}`);
    else if (!uploadName.includes(TOKEN)) problems.push(`${at}: the artifact name ${uploadName} must contain \${{ matrix.shard }}, or the shards overwrite one another`);
    if (upload && upload.if !== undefined && !/!\s*cancelled\(\)|always\(\)/.test(upload.if)) problems.push(`${at}: the upload runs only if ${upload.if}; a failed shard's JSON must be uploaded too (if: \${{ !cancelled() }})`);
    const expectedFiles = shards.map((s) => basename(output.split(TOKEN).join(String(s))));
    const artifactNames = shards.map((s) => uploadName.split(TOKEN).join(String(s)));
    const mergers = Object.entries(wf.jobs).filter(([, j]) => needsOf(j).includes(jobId));
    if (mergers.length === 0) problems.push(`${at}: no job needs it to merge the shards`);
    for (const [mergeId, merge] of mergers) {
      const mat = `${where}: job ${mergeId}`;
      if (merge.if === undefined || !/!\s*cancelled\(\)|always\(\)/.test(merge.if)) problems.push(`${mat}: must run when a shard fails (if: \${{ !cancelled() }}), or a failing night has no report`);
      const download = (merge.steps ?? []).find((s) => s.uses?.startsWith('actions/download-artifact@'));
      const pattern = download ? String(download.with?.pattern ?? download.with?.name ?? '') : '';
      if (!download) problems.push(`${mat}: no download-artifact step fetches the shards`);
      else {
        const missed = artifactNames.filter((a) => !globRe(pattern).test(a));
        if (missed.length > 0) problems.push(`${mat}: download pattern ${pattern} misses ${missed.join(', ')}`);
        if (download.with?.['merge-multiple'] !== true) problems.push(`${mat}: download-artifact needs merge-multiple: true to put the shards' files in one folder`);
      }
      const reports = (merge.steps ?? []).flatMap((s) => (s.run ? invocations(s.run) : [])).filter((i) => i.kind === 'dlncheck' && i.command === 'report');
      if (reports.length === 0) problems.push(`${mat}: runs no dlncheck report`);
      for (const r of reports) {
        const files = optionValues((r as { args: readonly string[] }).args, '--vitest') ?? [];
        const got = files.map(basename);
        if (got.length !== n || expectedFiles.some((f) => !got.includes(f)))
          problems.push(`${mat}: \`${r.text}\` merges [${got.join(', ')}] but the ${n} shards write [${expectedFiles.join(', ')}]`);
      }
    }
  }
  return problems;
}

export const FETCH_BASE = '.github/scripts/fetch-base-report.sh';

/**
 * Problems with the base a workflow compares against: every `fetch-base-report.sh <workflow> <artifact> <dir>` names a
 * workflow of `all` that uploads an artifact of that name holding reports/claims.json, and a later dlncheck report of
 * the same job compares with <dir>/claims.json.
 */
export function baseReportProblems(where: string, wf: Workflow, all: ReadonlyMap<string, Workflow>): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(wf.jobs)) {
    const steps = job.steps ?? [];
    steps.forEach((step, i) => {
      for (const inv of step.run ? invocations(step.run) : []) {
        if (inv.kind !== 'file' || inv.path !== FETCH_BASE) continue;
        const [, workflow, artifact, dir] = shellWords(inv.text);
        const at = `${where}: job ${jobId}: \`${inv.text}\``;
        const source = all.get(workflow ?? '');
        if (!source) {
          problems.push(`${at}: no workflow ${workflow} in .github/workflows`);
          continue;
        }
        const uploads = Object.values(source.jobs).flatMap((j) => (j.steps ?? []).filter((s) => s.uses?.startsWith('actions/upload-artifact@') && s.with?.name === artifact));
        if (!uploads.some((u) => String(u.with?.path ?? '').split('\n').map((x) => x.trim()).includes('reports/claims.json')))
          problems.push(`${at}: ${workflow} uploads no artifact ${artifact} holding reports/claims.json`);
        const compares = steps
          .slice(i + 1)
          .flatMap((s) => (s.run ? invocations(s.run) : []))
          .filter((x) => x.kind === 'dlncheck' && x.command === 'report')
          .map((x) => optionValues((x as { args: readonly string[] }).args, '--compare'));
        if (!compares.some((v) => v !== null && v[0] === `${dir}/claims.json`)) problems.push(`${at}: no later dlncheck report --compare ${dir}/claims.json`);
      }
    });
  }
  return problems;
}
