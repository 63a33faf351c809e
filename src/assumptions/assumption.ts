/**
 * The outcome of checking one named hypothesis of a theorem (JT.A1 … JT.A5). `reason` says what was checked and,
 * when it fails, where: it is printed in reports as is.
 */
export interface AssumptionResult {
  readonly holds: boolean;
  readonly reason: string;
}
