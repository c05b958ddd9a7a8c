import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../auth/authenticate.js';
import type { Service } from '../auth/services.js';
import type { ApiDeps } from './deps.js';

/**
 * Checks the request's signature (`bodyAppid`: the body's appid when it is already known). Only
 * a request that passes leaves a records row; the others are counted in the request metric.
 */
export function authenticateRequest(deps: ApiDeps, req: FastifyRequest, service: Service, bodyAppid?: string): AuthContext {
  // The log line names the appid the caller claimed, also when the signature fails.
  if (bodyAppid !== undefined) req.lc.appid = bodyAppid;
  const auth = deps.auth.authenticate(req.headers.authorization, service, bodyAppid);
  req.lc.appid = auth.appid;
  req.lc.authenticated = true;
  return auth;
}
