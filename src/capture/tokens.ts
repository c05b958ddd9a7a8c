import { createHash, randomBytes } from 'node:crypto';

/**
 * A capture session's bearer token: 256 random bits, base64url (safe in a URL fragment and a
 * query string). Only its SHA-256 is stored, so a copy of the database cannot drive a session.
 */
export function newSessionToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSessionToken(token) };
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
