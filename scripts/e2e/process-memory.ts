/**
 * Peak resident memory of a set of processes (Chromium's browser, renderer, GPU and utility processes), sampled from
 * Linux's /proc while a measurement runs: what a phone's memory would feel, beyond the JavaScript heap that the page
 * itself can see. Elsewhere than Linux `available` is false and the peak stays 0.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface MemorySampler {
  /** Whether /proc could be read. */
  readonly available: boolean;
  /** Stops sampling; the peak of the summed resident set, in bytes. */
  stop(): number;
}

/** The summed VmRSS (bytes) of every process whose command name matches `name`. */
export function residentBytes(name: RegExp): number {
  let total = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const comm = /^Name:\s*(.*)$/m.exec(status)?.[1] ?? '';
      if (!name.test(comm)) continue;
      const kb = /^VmRSS:\s*(\d+) kB$/m.exec(status)?.[1];
      if (kb) total += Number(kb) * 1024;
    } catch {
      // the process ended between the listing and the read
    }
  }
  return total;
}

/** Samples residentBytes(name) every `everyMs` until stop(). */
export function sampleResidentMemory(name: RegExp, everyMs = 50): MemorySampler {
  const available = residentBytes(/.*/) > 0;
  let peak = residentBytes(name);
  const timer = setInterval(() => (peak = Math.max(peak, residentBytes(name))), everyMs);
  return {
    available,
    stop: () => {
      clearInterval(timer);
      peak = Math.max(peak, residentBytes(name));
      return peak;
    },
  };
}
