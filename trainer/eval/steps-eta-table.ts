/** The layout of the DDIM paper's Table 1, shared by the eval commands: one row per η, one column per step count. */

/** η as the paper prints it: 0.0, 0.2, 1.0. */
export const etaLabel = (eta: number): string => (Number.isInteger(eta * 10) ? eta.toFixed(1) : String(eta));

/** Text lines: `title`, the header, then a row per η; `cell` gives a setting's text, undefined for a missing one ('-'). */
export function stepsEtaTable(title: string, steps: number[], etas: number[], cell: (steps: number, eta: number) => string | undefined, width = 12): string[] {
  return [
    title,
    `${'η \\ steps'.padEnd(10)}${steps.map((s) => String(s).padStart(width)).join('')}`,
    ...etas.map((eta) => `${etaLabel(eta).padEnd(10)}${steps.map((s) => (cell(s, eta) ?? '-').padStart(width)).join('')}`),
  ];
}
