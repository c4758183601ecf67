/**
 * How a training command is stopped: Ctrl-C (SIGINT) or `kill` (SIGTERM — what a background run started with
 * `nohup … &` gets, since a non-interactive shell starts background jobs with SIGINT ignored) asks the run to stop
 * after its current step with a checkpoint; a second signal quits at once (exit 130) without one.
 */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface StopSignals {
  /** True once a stop was asked for. */
  readonly requested: () => boolean;
  /** Removes the handlers. */
  release(): void;
}

export function listenForStop(message = 'stopping after this step (Ctrl-C or kill again to quit without a checkpoint)'): StopSignals {
  let stop = false;
  const onSignal = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write(`\n${message}\n`);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    requested: () => stop,
    release: () => {
      for (const s of SIGNALS) process.off(s, onSignal);
    },
  };
}
