import { readFile } from 'node:fs/promises';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { assertSameAppid } from '../auth/authenticate.js';
import type { Service } from '../auth/services.js';
import { ApiError } from '../core/errors.js';
import { FetchImageError } from '../fetch/index.js';
import { authenticateRequest } from './authenticate-request.js';
import type { ApiDeps } from './deps.js';
import { isMultipart, readMultipart } from './multipart.js';
import type { UploadFile } from './uploads.js';

/** The photo as a request carries it: an uploaded part, or base64 text in a JSON body. */
export type ImageInput = UploadFile | string;

/**
 * idcardcompare and livedetectpicture take JSON (with `url`, or `image` as base64 text, as a
 * capture session's `card`) or multipart (with `image`). A JSON request is validated, then
 * authenticated against its appid; a multipart one is authenticated before its upload is read.
 */
export async function readImageRequest<
  J extends z.ZodType<{ appid: string; image?: string }, z.ZodTypeDef, unknown>,
  M extends z.ZodType<{ appid: string; image?: UploadFile }, z.ZodTypeDef, unknown>,
>(deps: ApiDeps, req: FastifyRequest, service: Service, schemas: { json: J; multipart: M }): Promise<z.output<J> | z.output<M>> {
  if (!isMultipart(req)) {
    const fields = schemas.json.parse(req.body ?? {});
    await authenticateRequest(deps, req, service, fields.appid);
    return fields;
  }
  const auth = await authenticateRequest(deps, req, service);
  const body = await readMultipart(req, { uploads: deps.uploads, limitBytes: deps.config.bodyLimitBytes });
  const form = schemas.multipart.parse({ ...body.fields, ...body.files });
  assertSameAppid(auth.appid, form.appid);
  return form;
}

const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}\s*$/;
const DATA_URL = /^data:[^,]{0,200},/;

/** A photo sent as base64 text in JSON (optionally a `data:` URL); anything else is -5805. */
export function base64Image(text: string): Uint8Array {
  const b64 = text.replace(DATA_URL, '');
  if (!BASE64.test(b64)) throw new ApiError('ID_IMAGE_MISSING', 'the image is not base64');
  return Buffer.from(b64, 'base64');
}

/**
 * The image part's bytes. SDKs send the photo as a file part, as a plain part holding the raw
 * bytes, or as base64 text (optionally a `data:` URL): text that is entirely base64 is
 * decoded, anything else is taken as the image itself (no image format is valid base64).
 */
async function imageBytes(file: UploadFile): Promise<Uint8Array> {
  const data = await readFile(file.path);
  const prefix = DATA_URL.exec(data.subarray(0, 256).toString('latin1'))?.[0].length ?? 0;
  const text = data.subarray(prefix).toString('latin1');
  return BASE64.test(text) ? Buffer.from(text, 'base64') : data;
}

/**
 * The photo to work on: `url` wins over an uploaded image (SPEC). Every way of not having
 * an image (no url and no part, a failed download, an empty part) is -5805.
 */
export async function resolveImage(deps: ApiDeps, req: FastifyRequest, url: string | undefined, image: ImageInput | undefined): Promise<Uint8Array> {
  if (url) {
    try {
      return await deps.fetchImage(url, deps.config.fetch);
    } catch (err) {
      req.log.info({ err: (err as Error).message }, 'image download failed');
      // The failure kind (address-blocked, timeout, too-large, ...) helps the caller; the detail stays in the log.
      const reason = err instanceof FetchImageError ? ` (${err.reason})` : '';
      throw new ApiError('ID_IMAGE_MISSING', `the url could not be downloaded${reason}`);
    }
  }
  if (!image) throw new ApiError('ID_IMAGE_MISSING', 'send url or an image part');
  const data = typeof image === 'string' ? base64Image(image) : await imageBytes(image);
  if (data.length === 0) throw new ApiError('ID_IMAGE_MISSING', 'the image part is empty');
  return data;
}
