/**
 * The generators' default size bounds. They are fixed: a generator never reads the test profile
 * (src/verify/profile.ts), so the same constraints and seed draw the same values under every profile. A property
 * that wants the profile's sizes passes them in (e.g. `architecture({ maxInputDim: currentProfile().maxWidth })`).
 * The values are the default profile's.
 */
export const DEFAULT_SIZES = { maxWidth: 4, maxDepth: 4, maxSamples: 8 } as const;
