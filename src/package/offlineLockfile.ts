import { createHash } from 'node:crypto';

/**
 * A package-lock.json for an empty folder that installs one packed dlncheck tarball, with the dependency tree
 * of dlncheck's own lockfile (its production entries only). Why: `npm install --offline <tarball>` needs each
 * dependency's registry metadata (packument) to resolve version ranges, and `npm ci` caches only the tarballs —
 * so a plain offline install fails with ENOTCACHED. With a lockfile that already names each package's resolved
 * URL and integrity, `npm ci --offline` takes every tarball from the local cache and never touches the network.
 * The tree is the one the project tests against, so the installed package runs on exactly those versions.
 */

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly link?: boolean;
  readonly [key: string]: unknown;
}

export interface Lockfile {
  readonly name: string;
  readonly lockfileVersion: number;
  readonly requires?: boolean;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/** sha512 integrity string of a file's bytes, as npm writes it. */
export function integrityOf(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/**
 * The app lockfile: root depends on `file:<tarballName>`; node_modules/<name> is the tarball; every non-dev
 * node_modules/ entry of the project's lockfile is copied at the same path (the same hoisting).
 */
export function offlineLockfile(project: Lockfile, tarballName: string, tarball: Uint8Array): Lockfile {
  if (project.lockfileVersion < 2)
    throw new RangeError(`offlineLockfile: lockfileVersion=${project.lockfileVersion} must be ≥ 2 (npm 7 or later); regenerate package-lock.json`);
  const root = project.packages[''];
  if (!root) throw new RangeError('offlineLockfile: the project lockfile has no root entry packages[""]');
  const name = project.name;
  const spec = `file:${tarballName}`;
  const packages: Record<string, LockEntry> = {
    '': { name: 'dlncheck-offline-app', dependencies: { [name]: spec } },
  };
  const { devDependencies: _dev, name: _name, ...self } = root as LockEntry & { devDependencies?: unknown; name?: unknown };
  packages[`node_modules/${name}`] = { ...self, resolved: spec, integrity: integrityOf(tarball) };
  for (const [path, entry] of Object.entries(project.packages)) {
    if (!path.startsWith('node_modules/') || entry.dev || entry.devOptional || entry.link) continue;
    packages[path] = entry;
  }
  return { name: 'dlncheck-offline-app', lockfileVersion: 3, requires: true, packages };
}
