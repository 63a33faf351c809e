import fc from 'fast-check';
import { globalSeed } from './src/verify/seed.js';

// The runner's workers already fill the cores (a worker per core): a gradient kernel's second thread would only compete
// with them, so tests keep one unless DLNCHECK_KERNEL_THREADS says otherwise (src/trainer/kernels/rowSplit.ts).
process.env.DLNCHECK_KERNEL_THREADS ??= '1';

// Every run is seeded (DLNCHECK_SEED, else the fixed default), so CI runs are
// reproducible; DLNCHECK_PATH replays one shrunk counterexample.
const seed = globalSeed();
const path = process.env.DLNCHECK_PATH;
fc.configureGlobal({ seed, ...(path ? { path } : {}) });
