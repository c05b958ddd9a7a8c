import type { ErrorName } from '../core/errors.js';

/** Bad input to the speech stage, carrying the SPEC outcome it maps to. */
export class SpeechError extends Error {
  constructor(
    readonly errorName: ErrorName,
    message: string,
  ) {
    super(message);
    this.name = 'SpeechError';
  }
}
