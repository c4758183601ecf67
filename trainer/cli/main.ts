import { train } from '../train/train.js';
import { helpText, listText } from './help.js';
import { parseCommandLine } from './parse-args.js';
import { runTraining, summaryTail } from './run-training.js';
import { reportError } from './report-error.js';

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  'eval-classes': async (argv) => (await import('../eval/eval-classes.js')).evalClassesCommand(argv),
  'eval-emoji': async (argv) => (await import('../eval/eval-emoji.js')).evalEmojiCommand(argv),
  'eval-translator': async (argv) => (await import('../eval/eval-translator.js')).evalTranslatorCommand(argv),
  'eval-prompts': async (argv) => (await import('../eval/eval-prompts.js')).evalPromptsCommand(argv),
  defaults: async (argv) => (await import('./defaults-command.js')).defaultsCommand(argv),
  classifier: async (argv) => (await import('./classifier-command.js')).classifierCommand(argv),
  gan: async (argv) => (await import('./gan-command.js')).ganCommand(argv),
  autoencoder: async (argv) => (await import('./autoencoder-command.js')).autoencoderCommand(argv),
  clip: async (argv) => (await import('./clip-command.js')).clipCommand(argv),
  translator: async (argv) => (await import('./translator-command.js')).translatorCommand(argv),
  cyclegan: async (argv) => (await import('./cyclegan-command.js')).cycleganCommand(argv),
  data: async (argv) => (await import('./data-command.js')).dataCommand(argv),
  distill: async (argv) => (await import('./distill-command.js')).distillCommand(argv),
  reexport: async (argv) => (await import('./reexport-command.js')).reexportCommand(argv),
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
    return await runTraining({
      label: 'recipe',
      ...cmd,
      run: (io) => train(cmd.recipe, cmd.config, io),
      summary: (r) => `done: step ${r.step}, loss ${r.finalLoss.toFixed(4)}, ${r.wallTimeSeconds.toFixed(1)} s; checkpoint ${r.checkpoint}${summaryTail(r)}`,
    });
  } catch (err) {
    return reportError('webgen-train', err, '\n');
  }
}
