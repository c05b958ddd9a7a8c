export { buildServer, type BuildServerOptions } from './server.js';
export type { IdentityLookup, FetchImage } from './deps.js';
