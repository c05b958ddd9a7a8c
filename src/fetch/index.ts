export { fetchImage, FetchImageError, parseTarget, type FetchFailure, type FetchImageOptions } from './fetch-image.js';
export { postJson, type PostOptions } from './post-json.js';
export { isBlockedAddress } from './address-policy.js';
