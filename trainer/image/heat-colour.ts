/** A heat colour (blue → green → red) for h in [0, 1], as RGB in [0, 1]: the explain overlays' one colour map. */
export function heatColour(h: number): [number, number, number] {
  const f = (x: number) => Math.max(0, Math.min(1, 1.5 - Math.abs(4 * h - x)));
  return [f(3), f(2), f(1)];
}
