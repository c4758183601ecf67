import { InvalidInputError } from './invalid-input-error.js';

/**
 * A prompt has more tokens than the text encoder's fixed sequence length. The message names the parameter,
 * the count and the limit: `'prompt' has 19 tokens; the model accepts at most 16 (shorten it)`.
 */
export class PromptTooLongError extends InvalidInputError {
  // Spelled out: minifiers rename classes, and the name is how the error crosses the worker boundary.
  override name: string = 'PromptTooLongError';
  constructor(
    /** The parameter at fault, as the caller spells it (`'prompt'`, `'prompts[2]'`). */
    parameter: string,
    /** Tokens the prompt has. */
    readonly tokens: number,
    /** Tokens the model accepts (the tokenizer's maxLength). */
    readonly maxLength: number,
  ) {
    super(parameter, `has ${tokens} tokens; the model accepts at most ${maxLength} (shorten it)`);
  }
}
