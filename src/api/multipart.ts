import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { Busboy, type BusboyInstance } from '@fastify/busboy';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';
import type { UploadDir, UploadFile } from './uploads.js';

export interface MultipartBody {
  fields: Record<string, string>;
  files: Record<string, UploadFile>;
}

export interface MultipartOptions {
  uploads: UploadDir;
  limitBytes: number;
}

/**
 * Parts read as bytes into an upload file, whatever their headers say. Every other part is
 * text: clients send text fields as file parts too (Python requests' `files=` gives each one
 * `filename="<name>"`), and some send the video or photo as a plain part.
 */
export const FILE_PARTS: readonly string[] = ['video', 'card', 'image'];

/** Longest text field we take; the longest real one is a 2048-character url. */
const FIELD_BYTES = 64 * 1024;
/**
 * The body is handed to the parser in slices of this size. @fastify/busboy 3.2.6 stalls for good
 * (no 'drain', no 'finish', no error) when one write carries more than a part's 16 KB buffer of a
 * part it skips (a disposition other than form-data, or none) together with that part's end: the
 * request then hung until the server's timeout closed it unanswered. Half the part buffer per
 * write never fills it (docs/decisions.md, "Multipart bodies are fed to the parser in 8 KB slices").
 */
const SLICE_BYTES = 8 * 1024;
/** RFC 2046: 1-70 characters from this set, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

export function isMultipart(req: FastifyRequest): boolean {
  return /^multipart\/form-data(;|$)/i.test(req.headers['content-type'] ?? '');
}

function boundaryOf(contentType: string): string | null {
  const m = /;\s*boundary=(?:"([^"]*)"|([^;]*))/i.exec(contentType);
  return m ? (m[1] ?? m[2].trim()) : null;
}

/**
 * Streams a multipart body: text fields into memory, the FILE_PARTS into upload files
 * registered on the request before their first byte is written (the response hook disposes of
 * them whatever happens). The byte budget covers the whole body and is counted as it arrives,
 * so nothing past the limit is parsed or written (code 23); what the client still sends is
 * read and discarded by the response hook, up to a bound, so a client that writes its whole
 * body before reading still gets the answer. Errors are in our own words, never a parser's.
 */
export async function readMultipart(req: FastifyRequest, opts: MultipartOptions): Promise<MultipartBody> {
  const contentType = req.headers['content-type'] ?? '';
  if (!isMultipart(req)) throw new ApiError('INVALID_PARAMETER', 'this endpoint needs multipart/form-data');
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new ApiError('BAD_REQUEST', 'the multipart Content-Type has no boundary');
  if (!BOUNDARY.test(boundary)) throw new ApiError('BAD_REQUEST', 'the multipart boundary must be 1 to 70 letters, digits or the characters \'()+_,-./:=? (RFC 2046)');

  const fields: Record<string, string> = {};
  const files: Record<string, UploadFile> = {};
  const raw = req.raw;
  let bb: BusboyInstance;
  try {
    bb = new Busboy({
      headers: { 'content-type': contentType },
      isPartAFile: (name) => name !== undefined && FILE_PARTS.includes(name),
      limits: { fieldSize: FIELD_BYTES, fields: 32, files: FILE_PARTS.length, parts: 40, headerPairs: 64, headerSize: 16 * 1024 },
    });
  } catch {
    throw new ApiError('BAD_REQUEST', 'malformed multipart Content-Type');
  }

  return new Promise<MultipartBody>((resolve, reject) => {
    let settled = false;
    const writes: Promise<void>[] = [];
    const fail = (err: ApiError): void => {
      if (settled) return;
      settled = true;
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('error', onGone);
      raw.off('aborted', onGone);
      raw.pause();
      bb.destroy();
      reject(err);
    };
    const seen = (name: string): void => {
      if (name in fields || name in files) fail(new ApiError('INVALID_PARAMETER', `${name} is given twice`));
    };

    const onData = (chunk: Buffer): void => {
      req.lc.bodyBytes += chunk.length;
      if (req.lc.bodyBytes > opts.limitBytes) return fail(new ApiError('BODY_TOO_LARGE', `at most ${opts.limitBytes} bytes`));
      let more = true;
      for (let at = 0; at < chunk.length && !settled; at += SLICE_BYTES) more = bb.write(chunk.subarray(at, at + SLICE_BYTES));
      if (!more) raw.pause();
    };
    const onEnd = (): void => {
      bb.end();
    };
    const onGone = (): void => fail(new ApiError('BAD_REQUEST', 'the request ended before the multipart body was complete'));

    bb.on('drain', () => {
      if (!settled) raw.resume();
    });
    bb.on('field', (name: string | undefined, value: string, _nameTruncated: boolean, valueTruncated: boolean) => {
      if (name === undefined || settled) return;
      seen(name);
      if (valueTruncated) return fail(new ApiError('INVALID_PARAMETER', `${name} is longer than ${FIELD_BYTES} bytes`));
      fields[name] = value;
    });
    bb.on('file', (name: string, stream: Readable) => {
      // The parser errors a file part that the body ends inside, at once when the whole body came
      // in one chunk, before the upload file below exists: heard here, first and synchronously,
      // since an unheard 'error' ends the process, and a part cut short is the client's mistake.
      stream.on('error', () => fail(new ApiError('BAD_REQUEST', `the multipart body ended inside the ${name} part`)));
      seen(name);
      if (settled) {
        stream.resume();
        return;
      }
      const write = opts.uploads.create(name).then(async (file) => {
        if (settled) {
          // The request failed while the file was being created: the response hook that
          // disposes of uploads may already have run.
          stream.resume();
          await file.dispose(null, req.id);
          return;
        }
        req.lc.files.push(file);
        files[name] = file;
        await pipeline(stream, file.writable());
      });
      write.catch(() => {
        stream.resume();
        if (!settled) fail(new ApiError('INTERNAL', `could not store the ${name} part`));
      });
      writes.push(write);
    });
    bb.on('partsLimit', () => fail(new ApiError('INVALID_PARAMETER', 'too many multipart parts')));
    bb.on('fieldsLimit', () => fail(new ApiError('INVALID_PARAMETER', 'too many text fields in the multipart body')));
    bb.on('filesLimit', () => fail(new ApiError('INVALID_PARAMETER', `too many file parts: ${FILE_PARTS.join(', ')} at most once each`)));
    bb.on('error', () => fail(new ApiError('BAD_REQUEST', 'malformed multipart body')));
    bb.on('finish', () => {
      Promise.all(writes).then(
        () => {
          if (settled) return;
          settled = true;
          resolve({ fields, files });
        },
        () => undefined,
      );
    });

    raw.on('data', onData);
    raw.once('end', onEnd);
    raw.once('error', onGone);
    raw.once('aborted', onGone);
    raw.resume();
  });
}
