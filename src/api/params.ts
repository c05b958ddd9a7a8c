import { z } from 'zod';

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

/** The body as a JSON object, or a clear 21 for anything else (an array, a string, nothing). */
export const jsonObject = z.record(z.string(), z.unknown(), { invalid_type_error: 'body must be a JSON object' });
