import { describe, expect, test } from 'vitest';
import { integrityOf, offlineLockfile, type Lockfile } from './offlineLockfile.js';

const project: Lockfile = {
  name: 'dlncheck',
  lockfileVersion: 3,
  packages: {
    '': { name: 'dlncheck', version: '0.1.0', dependencies: { a: '1.0.0' }, devDependencies: { v: '4.0.0' }, bin: { dlncheck: 'bin/dlncheck.mjs' } },
    'node_modules/a': { version: '1.0.0', resolved: 'https://registry.npmjs.org/a/-/a-1.0.0.tgz', integrity: 'sha512-a' },
    'node_modules/a/node_modules/b': { version: '2.0.0', resolved: 'https://registry.npmjs.org/b/-/b-2.0.0.tgz', integrity: 'sha512-b' },
    'node_modules/v': { version: '4.0.0', dev: true },
    'node_modules/f': { version: '1.0.0', devOptional: true },
  },
};

describe('offlineLockfile', () => {
  test('the tarball at node_modules/dlncheck with its integrity, production entries at their paths, dev entries dropped', () => {
    const tar = new Uint8Array([1, 2, 3]);
    const lock = offlineLockfile(project, 'dlncheck-0.1.0.tgz', tar);
    expect(Object.keys(lock.packages)).toEqual(['', 'node_modules/dlncheck', 'node_modules/a', 'node_modules/a/node_modules/b']);
    expect(lock.packages['']).toEqual({ name: 'dlncheck-offline-app', dependencies: { dlncheck: 'file:dlncheck-0.1.0.tgz' } });
    expect(lock.packages['node_modules/dlncheck']).toEqual({
      version: '0.1.0',
      dependencies: { a: '1.0.0' },
      bin: { dlncheck: 'bin/dlncheck.mjs' },
      resolved: 'file:dlncheck-0.1.0.tgz',
      integrity: integrityOf(tar),
    });
    // checked against: printf '\x01\x02\x03' | openssl dgst -sha512 -binary | base64
    expect(integrityOf(tar)).toBe('sha512-J4ZMxSGalRp6blK4yN3faYHQmNoWWNliWMhwssiN+8tRhBrqFyoouvpqeXMRZVhGdwZgRclZ7Q+ZKWiNBN78KQ==');
  });

  test('old lockfiles and a missing root are refused with the fix', () => {
    expect(() => offlineLockfile({ ...project, lockfileVersion: 1 }, 'x.tgz', new Uint8Array())).toThrow(
      'offlineLockfile: lockfileVersion=1 must be ≥ 2 (npm 7 or later); regenerate package-lock.json',
    );
    expect(() => offlineLockfile({ ...project, packages: {} }, 'x.tgz', new Uint8Array())).toThrow(
      'offlineLockfile: the project lockfile has no root entry packages[""]',
    );
  });
});
