import { UploadFile } from './uploads.js';
import { z } from './zod.js';

/**
 * Request fields shared by the endpoints. The SDKs send appid as a string or a number and
 * seq/session_id as strings; every text field has a length cap so a huge field is a clear
 * invalid parameter (21), not work.
 */
export const appid = z.union([z.string().min(1).max(64), z.number().int().nonnegative()]).transform(String);
export const seq = z.union([z.string().max(128), z.number()]).transform(String).optional();
export const sessionId = z.string().max(128).optional();
export const validateData = z.string().min(1).max(32);
export const url = z.string().min(1).max(2048);
export const idcardNumber = z.string().max(64).optional();
export const idcardName = z.string().max(128).optional();
export const compareFlag = z.enum(['true', 'false'], { message: 'compare_flag must be "true" or "false"' });

/**
 * A video or photo part: its bytes, sent as a file part or as a plain part (multipart.ts
 * decides by the field name).
 */
export const upload = z.instanceof(UploadFile).openapi({ type: 'string', format: 'binary', description: 'the bytes, as a file part or a plain part' });

/** A photo as base64 text in a JSON body; a `data:` URL prefix is accepted, the body limit bounds its size. */
export const base64Text = z.string().min(1).openapi({ description: 'the photo as base64 text (a data: URL prefix is accepted)' });

/** A part that must hold bytes: an empty one is a missing one. */
export const requiredUpload = upload.refine((f) => f.bytes > 0, { message: 'is empty' });
