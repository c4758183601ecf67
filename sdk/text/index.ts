/** Prompt tokenization for text-conditioned models (browser-safe: no Node APIs, no tfjs). */
export { PAD_TOKEN, UNKNOWN_TOKEN, WordTokenizer, splitWords, type FromWordsOptions, type WordTokenizerJson } from './tokenizer.js';
export { unknownPromptWords } from './unknown-words.js';
export { PromptTooLongError } from '../errors/prompt-too-long-error.js';
