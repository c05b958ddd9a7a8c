import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';
import { mapError } from './error-mapping.js';

export interface UploadedFile {
  path: string;
  bytes: number;
}

export interface MultipartBody {
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
}

export interface MultipartOptions {
  /** Parts that carry files; a file in any other part is drained and ignored. */
  fileFields: readonly string[];
  tmpDir: string;
  limitBytes: number;
}

/**
 * Streams a multipart body: fields into memory, files straight to temp files under the data
 * dir. The byte budget covers all parts together and is checked chunk by chunk, so nothing
 * past the limit is buffered or written (code 23). Temp paths are registered on the request
 * before the first byte is written, so the response hook removes them whatever happens.
 */
export async function readMultipart(req: FastifyRequest, opts: MultipartOptions): Promise<MultipartBody> {
  if (!req.isMultipart()) throw new ApiError('INVALID_PARAMETER', 'this endpoint needs multipart/form-data');
  const budget: Budget = { used: 0, overLimit: false };
  const fields: Record<string, string> = {};
  const files: Record<string, UploadedFile> = {};
  try {
    const parts = req.parts({
      limits: { fileSize: opts.limitBytes, fieldSize: opts.limitBytes, fields: 32, files: 4, parts: 40, headerPairs: 64 },
    });
    for await (const part of parts) {
      if (part.fieldname in fields || part.fieldname in files) {
        throw new ApiError('INVALID_PARAMETER', `${part.fieldname} is given twice`);
      }
      if (part.type === 'field') {
        const value = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
        budget.used += Buffer.byteLength(value);
        if (budget.used > opts.limitBytes || part.valueTruncated) throw new ApiError('BODY_TOO_LARGE');
        fields[part.fieldname] = value;
        continue;
      }
      // busboy signals its size limit here, before it can report the rest of an oversized body
      // as malformed; whichever error then surfaces first, the answer is 23.
      part.file.once('limit', () => {
        budget.overLimit = true;
      });
      if (!opts.fileFields.includes(part.fieldname)) {
        // Ignored, but its bytes still count against the body limit.
        await pipeline(part.file, new ByteBudget(budget, opts.limitBytes), discard());
        continue;
      }
      const path = join(opts.tmpDir, `${req.id}-${part.fieldname}-${randomUUID()}`);
      req.lc.files.push(path);
      const before = budget.used;
      await pipeline(part.file, new ByteBudget(budget, opts.limitBytes), createWriteStream(path, { mode: 0o600 }));
      if (part.file.truncated) throw new ApiError('BODY_TOO_LARGE');
      files[part.fieldname] = { path, bytes: budget.used - before };
    }
  } catch (err) {
    if (budget.overLimit) throw new ApiError('BODY_TOO_LARGE');
    if (err instanceof ApiError) throw err;
    const mapped = mapError(err);
    // busboy reports syntax problems (no boundary, bad part headers, truncated body) as plain errors.
    if (mapped.name === 'INTERNAL') throw new ApiError('BAD_REQUEST', `malformed multipart body: ${(err as Error).message}`);
    throw new ApiError(mapped.name, mapped.message);
  }
  return { fields, files };
}

interface Budget {
  used: number;
  overLimit: boolean;
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _enc, cb) => cb() });
}

/** Passes bytes through until the request's budget is spent, then fails with code 23. */
class ByteBudget extends Transform {
  constructor(
    private readonly budget: Budget,
    private readonly limit: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.budget.used += chunk.length;
    if (this.budget.used > this.limit) {
      this.budget.overLimit = true;
      cb(new ApiError('BODY_TOO_LARGE'));
    } else {
      cb(null, chunk);
    }
  }
}
