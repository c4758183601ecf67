import cliProgress from 'cli-progress';

/** What the training loop reports after each step. */
export interface StepReport {
  step: number;
  total: number;
  loss: number;
  stepsPerSecond: number;
  /** Seconds left at the current speed. */
  etaSeconds: number;
}

export interface Progress {
  start(step: number, total: number): void;
  update(r: StepReport): void;
  /** A line that must not be garbled by the bar (sample written, checkpoint…). */
  log(line: string): void;
  stop(): void;
}

/**
 * A live bar (step, loss, steps/s, ETA) on a terminal; on a pipe or in CI, where a bar would
 * print thousands of partial lines, one plain line every `lineEvery` steps instead.
 */
export function createProgress(opts: { lineEvery: number; stream?: NodeJS.WriteStream; write?: (line: string) => void }): Progress {
  const stream = opts.stream ?? process.stderr;
  if (!opts.write && stream.isTTY && !process.env.CI) {
    const bar = new cliProgress.SingleBar(
      {
        format: 'step {value}/{total} |{bar}| loss {loss} | {speed} steps/s | ETA {etaText}',
        stream,
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (step, total) => bar.start(total, step, { loss: '-', speed: '-', etaText: '-' }),
      update: (r) => bar.update(r.step, { loss: r.loss.toFixed(4), speed: r.stepsPerSecond.toFixed(2), etaText: formatDuration(r.etaSeconds) }),
      log: (line) => {
        // Clear the bar's line, print, and let the next update redraw it.
        stream.write(`\r\x1b[K${line}\n`);
      },
      stop: () => bar.stop(),
    };
  }
  // Plain lines: to `write` (a caller's logger) when given, else the stream.
  const write = opts.write ?? ((line: string) => void stream.write(`${line}\n`));
  return {
    start: (step, total) => write(`training from step ${step} to ${total}`),
    update: (r) => {
      if (r.step % opts.lineEvery === 0 || r.step === r.total) {
        write(`step ${r.step}/${r.total} | loss ${r.loss.toFixed(4)} | ${r.stepsPerSecond.toFixed(2)} steps/s | ETA ${formatDuration(r.etaSeconds)}`);
      }
    },
    log: write,
    stop: () => {},
  };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '-';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}
