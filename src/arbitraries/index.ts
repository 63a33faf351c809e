/**
 * dlncheck's generators: one public arbitrary per file, each with its
 * constraints type beside it. This list is the public surface (pinned by
 * contract.test.ts).
 */
export type { Architecture, ClassificationData, RegressionData, Weights } from './types.js';
export { architecture, type ArchitectureConstraints } from './architecture.js';
export { separableDataset, type SeparableDataset, type SeparableDatasetConstraints } from './separableDataset.js';
export {
  nonSeparableDataset,
  type NonSeparableDataset,
  type NonSeparableDatasetConstraints,
  type NonSeparableKind,
} from './nonSeparableDataset.js';
export { regressionDataset, type RegressionDatasetConstraints } from './regressionDataset.js';
export { factorizationTarget, type FactorizationTarget, type FactorizationTargetConstraints } from './factorizationTarget.js';
export { gaussianInit, type GaussianInitConstraints } from './gaussianInit.js';
export { balancedInit, type BalancedFrames, type BalancedInitConstraints } from './balancedInit.js';
export { alignedRankOneInit, type AlignedRankOneInitConstraints } from './alignedRankOneInit.js';
export { stepSize, type StepSizeConstraints } from './stepSize.js';
export { schedule, type GeneratedSchedule, type GeneratedScheduleKind, type ScheduleConstraints } from './schedule.js';
export { boundedDouble, type BoundedDoubleConstraints } from './boundedDouble.js';
