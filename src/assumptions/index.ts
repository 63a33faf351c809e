/**
 * The hypotheses of Ji & Telgarsky (docs/claims.md, JT) as named predicates, one per file; the registry
 * (src/claims/registry.ts) names them (JT.A1 … JT.A5) in each claim's `hypotheses`.
 */
export { jtA1 } from './jtA1.js';
export { jtA2 } from './jtA2.js';
export { jtA3 } from './jtA3.js';
export { jtA4 } from './jtA4.js';
export { jtA5 } from './jtA5.js';
