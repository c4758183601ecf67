/** The layout of the DDIM paper's Table 1, shared by the eval commands: one row per η (and per other sampler), one column per step count. */

/** η as the paper prints it: 0.0, 0.2, 1.0. */
export const etaLabel = (eta: number): string => (Number.isInteger(eta * 10) ? eta.toFixed(1) : String(eta));

/**
 * The same layout over any sampler settings: DDIM rows per η, then one row per other sampler (DPM-Solver++, DDPM),
 * columns the union of their step counts; `cell` gives a setting's text, '-' where it was not measured.
 */
export function samplerTable<R extends { sampler: string; steps: number; eta: number }>(title: string, rows: readonly R[], rowName: (r: R) => string, cell: (r: R) => string, width = 12): string[] {
  const steps = [...new Set(rows.map((r) => r.steps))].sort((a, b) => a - b);
  const names = [...new Set(rows.map(rowName))];
  return [
    title,
    `${'η \\ steps'.padEnd(12)}${steps.map((s) => String(s).padStart(width)).join('')}`,
    ...names.map((n) => `${n.padEnd(12)}${steps.map((s) => {
      const r = rows.find((q) => rowName(q) === n && q.steps === s);
      return (r ? cell(r) : '-').padStart(width);
    }).join('')}`),
  ];
}
