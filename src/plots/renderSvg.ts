import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Renders a vega-lite spec to an SVG string in Node: vega's headless View
 * with renderer 'none' (no canvas, no browser). Text widths are estimated,
 * which is fine for axis labels and legends.
 *
 * Element ids are renumbered in order of appearance and prefixed with a hash of
 * the SVG's content, so that several plots can be inlined in one HTML page
 * without their clip-path ids colliding, and the same plot gives the same bytes
 * whatever was rendered before it in the process.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vgSpec = compile(spec).spec;
  const view = new View(parse(vgSpec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return uniqueIds(svg);
  } finally {
    view.finalize();
  }
}

function uniqueIds(svg: string): string {
  const ids = [...new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]))];
  if (ids.length === 0) return svg;
  // vega's counter is shared by every view in the process (clip73 after 72 earlier clips), so ids are first
  // renumbered in order of appearance: an SVG's bytes then depend on its content alone, not on what ran before
  const rename = (text: string, to: (k: number) => string) => {
    const index = new Map(ids.map((id, k) => [id, k]));
    return text.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (m, lead: string, id: string) => (index.has(id) ? `${lead}${to(index.get(id) as number)}` : m));
  };
  const stem = (k: number) => `${ids[k].replace(/\d+$/, '')}${k + 1}`;
  const prefix = `p${fnv1a(rename(svg, stem))}-`;
  return rename(svg, (k) => `${prefix}${stem(k)}`);
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}
