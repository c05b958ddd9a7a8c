import { readFile } from 'node:fs/promises';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { assertSameAppid } from '../auth/authenticate.js';
import type { Service } from '../auth/services.js';
import { ApiError } from '../core/errors.js';
import { FetchImageError } from '../fetch/index.js';
import type { ApiDeps } from './deps.js';
import { readMultipart } from './multipart.js';

export type ImagePart = { file: string } | { base64: string };

/**
 * idcardcompare and livedetectpicture take JSON (with `url`) or multipart (with `image` as a
 * file part, or as a base64 text part). A JSON request is validated, then authenticated
 * against its appid; a multipart one is authenticated before its upload is read.
 */
export async function readImageRequest<S extends z.ZodType<{ appid: string }, z.ZodTypeDef, unknown>>(
  deps: ApiDeps,
  req: FastifyRequest,
  service: Service,
  schema: S,
): Promise<{ fields: z.output<S>; image?: ImagePart }> {
  if (!req.isMultipart()) {
    const fields = schema.parse(req.body ?? {});
    req.lc.appid = fields.appid;
    deps.auth.authenticate(req.headers.authorization, service, fields.appid);
    return { fields };
  }
  const auth = deps.auth.authenticate(req.headers.authorization, service);
  req.lc.appid = auth.appid;
  const body = await readMultipart(req, { fileFields: ['image'], tmpDir: deps.tmpDir, limitBytes: deps.config.bodyLimitBytes });
  const { image: text, ...rest } = body.fields;
  const fields = schema.parse(rest);
  assertSameAppid(auth.appid, fields.appid);
  if (body.files.image) return { fields, image: { file: body.files.image.path } };
  if (text) return { fields, image: { base64: text } };
  return { fields };
}

const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}\s*$/;

/**
 * The photo to work on: `url` wins over an uploaded image (SPEC). Every way of not having
 * an image (no url and no part, a failed download, an empty or non-base64 part) is -5805.
 */
export async function resolveImage(deps: ApiDeps, req: FastifyRequest, url: string | undefined, image: ImagePart | undefined): Promise<Uint8Array> {
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
  if ('file' in image) {
    const data = await readFile(image.file);
    if (data.length === 0) throw new ApiError('ID_IMAGE_MISSING', 'the image part is empty');
    return data;
  }
  const b64 = image.base64.replace(/^data:[^,]*,/, '');
  if (!BASE64.test(b64)) throw new ApiError('ID_IMAGE_MISSING', 'the image text part is not base64');
  return Buffer.from(b64, 'base64');
}
