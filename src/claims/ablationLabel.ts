/**
 * The label of a claim's ablation (the ablations in docs/claims.md): "ablation drop=<breaks>". Test names are "<id> <label>…", stored
 * counterexamples of an ablation carry it, and `ablate`, `replay` and `explain` find them by it.
 */
export function ablationLabel(breaks: string): string {
  return `ablation drop=${breaks}`;
}
