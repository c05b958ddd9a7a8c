export { validateIdNumber, normaliseIdNumber } from './id-number.js';
export { IdentityRegistry, normaliseName, type AddResult, type IdentityInput, type IdentitySummary, type LookupResult } from './registry.js';
