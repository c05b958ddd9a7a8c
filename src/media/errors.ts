import type { ErrorName } from '../core/errors.js';

/** A media failure that maps to a SPEC outcome (never a stack trace to the client). */
export class MediaError extends Error {
  constructor(
    readonly errorName: ErrorName,
    message: string,
  ) {
    super(message);
    this.name = 'MediaError';
  }
}
