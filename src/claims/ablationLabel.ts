/**
 * The label of a claim's ablation (CLAIMS.md §7): "ablation drop=<breaks>". Test names are "<id> <label>…", stored
 * counterexamples of an ablation carry it, and `ablate`, `replay` and `explain` find them by it.
 */
export function ablationLabel(breaks: string): string {
  return `ablation drop=${breaks}`;
}
