import type { FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';
import type { FaceTemplate } from '../core/inference.js';
import type { ApiDeps } from './deps.js';

/** The registry's reference template for an ID, or its failure as a top-level code. */
export async function lookupIdentity(deps: ApiDeps, req: FastifyRequest, number: string | undefined, name: string | undefined): Promise<FaceTemplate> {
  if (!number || !name) throw new ApiError('ID_FIELDS_MISSING');
  let found: Awaited<ReturnType<ApiDeps['identity']['lookup']>>;
  try {
    found = await deps.identity.lookup(number, name);
  } catch (err) {
    req.log.error({ err }, 'identity registry lookup failed');
    throw new ApiError('ID_INTERNAL');
  }
  if (!found.ok) throw new ApiError(found.error);
  return found.template;
}
