import { signedSamples, type Dataset } from '../data/dataset.js';
import { maxMarginDirection, type MaxMargin } from '../maxMargin/maxMargin.js';
import type { AssumptionResult } from './assumption.js';

/**
 * JT.A5: the support vectors of the hard-margin SVM (no bias) span ℝ^d, decided by maxMarginDirection (numerical
 * rank of the support vectors with a backward-error cut-off). Data that are not separable through the origin fail:
 * A5 presupposes ū. Pass `mm` when it was already computed for the same data.
 */
export function jtA5(data: Dataset, mm?: MaxMargin | null): AssumptionResult & { readonly maxMargin: MaxMargin | null } {
  if (data.task !== 'classification') throw new TypeError('jtA5: data.task must be classification (JT.A5 concerns the SVM of z_i = y_i x_i)');
  const found = mm === undefined ? maxMarginDirection(signedSamples(data), data.n, data.d) : mm;
  if (!found)
    return { holds: false, reason: 'JT.A5: the data are not linearly separable through the origin, so there is no ū and no support vectors', maxMargin: null };
  const sv = `[${found.supportVectors.join(', ')}]`;
  return found.supportSpans
    ? { holds: true, reason: `JT.A5: support vectors ${sv} span ℝ^${data.d}`, maxMargin: found }
    : { holds: false, reason: `JT.A5: support vectors ${sv} do not span ℝ^${data.d}`, maxMargin: found };
}
