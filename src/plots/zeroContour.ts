/** An axis-aligned rectangle of the plane. */
export interface Box {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

export interface Segment {
  readonly x: number;
  readonly y: number;
  readonly x2: number;
  readonly y2: number;
}

/** Values of a score on a (res+1) × (res+1) grid over a box, row j = y index. */
export interface GridSample {
  readonly box: Box;
  readonly res: number;
  readonly values: Float64Array;
}

export function sampleGrid(score: (x: number, y: number) => number, box: Box, res: number): GridSample {
  if (!Number.isInteger(res) || res < 2) throw new RangeError(`sampleGrid: res=${res} must be an integer ≥ 2`);
  const values = new Float64Array((res + 1) * (res + 1));
  for (let j = 0; j <= res; j++)
    for (let i = 0; i <= res; i++) values[j * (res + 1) + i] = score(box.x0 + ((box.x1 - box.x0) * i) / res, box.y0 + ((box.y1 - box.y0) * j) / res);
  return { box, res, values };
}

/**
 * The zero level set {score = 0} of a sampled score by marching squares:
 * crossings on cell edges by linear interpolation (exact for an affine score,
 * so a linear classifier's boundary comes out as a straight line). A saddle
 * cell (signs alternate around it) is resolved by the cell-centre average:
 * corners whose sign differs from the centre's are cut off.
 */
export function zeroContour(g: GridSample): Segment[] {
  const { box, res, values } = g;
  const stride = res + 1;
  const hx = (box.x1 - box.x0) / res;
  const hy = (box.y1 - box.y0) / res;
  const out: Segment[] = [];
  const inside = (v: number): boolean => v > 0;
  for (let j = 0; j < res; j++)
    for (let i = 0; i < res; i++) {
      const v00 = values[j * stride + i];
      const v10 = values[j * stride + i + 1];
      const v11 = values[(j + 1) * stride + i + 1];
      const v01 = values[(j + 1) * stride + i];
      if (![v00, v10, v11, v01].every(Number.isFinite)) continue;
      const x0 = box.x0 + i * hx;
      const y0 = box.y0 + j * hy;
      const cross = (a: number, b: number): number => a / (a - b);
      // edges: 0 bottom (00→10), 1 right (10→11), 2 top (01→11), 3 left (00→01)
      const pts: ([number, number] | null)[] = [
        inside(v00) !== inside(v10) ? [x0 + cross(v00, v10) * hx, y0] : null,
        inside(v10) !== inside(v11) ? [x0 + hx, y0 + cross(v10, v11) * hy] : null,
        inside(v01) !== inside(v11) ? [x0 + cross(v01, v11) * hx, y0 + hy] : null,
        inside(v00) !== inside(v01) ? [x0, y0 + cross(v00, v01) * hy] : null,
      ];
      const hit = pts.filter((p): p is [number, number] => p !== null);
      const seg = (a: [number, number] | null, b: [number, number] | null): void => {
        if (a && b) out.push({ x: a[0], y: a[1], x2: b[0], y2: b[1] });
      };
      if (hit.length === 2) seg(hit[0], hit[1]);
      else if (hit.length === 4) {
        const centre = inside((v00 + v10 + v11 + v01) / 4);
        // each corner with its two adjacent edges
        const corners: [number, number, number][] = [
          [v00, 0, 3],
          [v10, 0, 1],
          [v11, 1, 2],
          [v01, 2, 3],
        ];
        for (const [v, a, b] of corners) if (inside(v) !== centre) seg(pts[a], pts[b]);
      }
    }
  return out;
}
