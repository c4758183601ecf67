import { train } from '../train/train.js';
import { helpText, listText } from './help.js';
import { parseCommandLine } from './parse-args.js';
import { createProgress } from './progress.js';
import { reportError } from './report-error.js';

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  'eval-classes': async (argv) => (await import('../eval/eval-classes.js')).evalClassesCommand(argv),
  'eval-prompts': async (argv) => (await import('../eval/eval-prompts.js')).evalPromptsCommand(argv),
  defaults: async (argv) => (await import('./defaults-command.js')).defaultsCommand(argv),
  classifier: async (argv) => (await import('./classifier-command.js')).classifierCommand(argv),
  gan: async (argv) => (await import('./gan-command.js')).ganCommand(argv),
  autoencoder: async (argv) => (await import('./autoencoder-command.js')).autoencoderCommand(argv),
  data: async (argv) => (await import('./data-command.js')).dataCommand(argv),
};

/** `webgen-train`: parses the command line, trains, and maps errors to a message and an exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    // Subcommands other than training; everything else is `<recipe> [options]`.
    const sub = SUBCOMMANDS[argv[0] ?? ''];
    if (sub) return await sub(argv.slice(1));
    const cmd = parseCommandLine(argv);
    if (cmd.kind === 'help') {
      console.log(helpText());
      return 0;
    }
    if (cmd.kind === 'list') {
      console.log(listText());
      return 0;
    }
    let stop = false;
    const onSigint = () => {
      if (stop) process.exit(130); // second Ctrl-C: leave now
      stop = true;
      process.stderr.write('\nstopping after this step (Ctrl-C again to quit without a checkpoint)\n');
    };
    process.on('SIGINT', onSigint);
    const progress = createProgress({ lineEvery: cmd.config.logEvery });
    progress.log(`recipe ${cmd.recipe}: ${JSON.stringify(cmd.overrides)}`);
    const result = await train(cmd.recipe, cmd.config, { progress, explicit: cmd.overrides, stopRequested: () => stop });
    process.off('SIGINT', onSigint);
    console.log(
      `done: step ${result.step}, loss ${result.finalLoss.toFixed(4)}, ${result.wallTimeSeconds.toFixed(1)} s; ` +
        `checkpoint ${result.checkpoint}` +
        (result.samples.length ? `; samples ${result.samples[result.samples.length - 1]}` : '') +
        (result.exported ? `; model ${result.exported.dir}` : ''),
    );
    return stop ? 130 : 0;
  } catch (err) {
    return reportError('webgen-train', err, '\n');
  }
}
