export { Authenticator, assertSameAppid, type AuthContext, type AuthenticatorOptions } from './authenticate.js';
export { AppStore, type AppRow, type Credentials, type KeyInfo } from './apps.js';
export { loadMasterKey } from './masterkey.js';
export { MemoryRateLimitStore, type RateLimitStore } from './ratelimit.js';
export { ReplayStore } from './replay.js';
export { SERVICES, parseServices, type Service } from './services.js';
export { signToken, parseSignature, macMatches, type SignOptions, type ParsedSignature } from './signature.js';
