import fc from 'fast-check';
import { globalSeed } from './src/verify/seed.js';

// Every run is seeded (DLNCHECK_SEED, else the fixed default), so CI runs are
// reproducible; DLNCHECK_PATH replays one shrunk counterexample.
const seed = globalSeed();
const path = process.env.DLNCHECK_PATH;
fc.configureGlobal({ seed, ...(path ? { path } : {}) });
