import { ZodError } from 'zod';
import { ApiError, type ErrorName } from '../core/errors.js';
import { InferenceBusyError } from '../core/inference.js';

export interface MappedError {
  name: ErrorName;
  message: string;
  /** Overrides the table's HTTP status (404 for an unknown route). */
  http?: number;
  /** True when the failure is ours, not the caller's: logged at error level. */
  internal: boolean;
}

/** Fastify and plugin error codes -> SPEC codes; anything unknown is an internal error (213). */
const FRAMEWORK: Record<string, [ErrorName, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['BODY_TOO_LARGE', 'request body is too large'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['BAD_REQUEST', 'body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['BAD_REQUEST', 'body is empty but Content-Type is application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['BAD_REQUEST', 'Content-Length does not match the body'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['INVALID_PARAMETER', 'unsupported Content-Type: send application/json or multipart/form-data'],
  FST_ERR_BAD_URL: ['BAD_REQUEST', 'malformed URL'],
  FST_ERR_ASYNC_CONSTRAINT: ['BAD_REQUEST', 'bad request'],
};

export function mapError(err: unknown): MappedError {
  if (err instanceof ApiError) return { name: err.errorName, message: err.message, internal: err.def.http >= 500 && err.errorName !== 'SERVER_BUSY' };
  if (err instanceof InferenceBusyError) return { name: 'SERVER_BUSY', message: 'server is at capacity, retry later', internal: false };
  if (err instanceof ZodError) return { name: 'INVALID_PARAMETER', message: describeZod(err), internal: false };
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown; validation?: unknown };
  if (typeof e.code === 'string' && e.code in FRAMEWORK) {
    const [name, message] = FRAMEWORK[e.code];
    return { name, message, internal: false };
  }
  if (e.validation) return { name: 'INVALID_PARAMETER', message: String(e.message), internal: false };
  // Any other 4xx raised by the framework is the caller's mistake; the code table has no finer fit.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { name: 'BAD_REQUEST', message: 'bad request', internal: false };
  }
  return { name: 'INTERNAL', message: 'internal error', internal: true };
}

function describeZod(err: ZodError): string {
  const issue = err.issues[0];
  const field = issue.path.join('.') || 'body';
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return `invalid parameter: ${field} is required`;
  return `invalid parameter: ${field}: ${issue.message}`;
}
