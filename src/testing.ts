/**
 * 'dlncheck/testing': the claim helpers that run inside vitest (they record runs in the test's meta and name the
 * claim, seed, path and replay command on failure). A separate entry so that 'dlncheck' itself loads without
 * vitest; vitest is an optional peer dependency. Pinned by src/package/surface.test.ts.
 */
export {
  assertClaim,
  claimParameters,
  describeFailure,
  findCounterexample,
  replayCommand,
  type ClaimRunOptions,
  type FoundCounterexample,
} from './verify/claimProperty.js';
