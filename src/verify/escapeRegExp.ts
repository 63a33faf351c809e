/** Escapes text for a regular expression (vitest's -t takes one): claim IDs and test names contain dots and brackets. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
