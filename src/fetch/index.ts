export { fetchImage, FetchImageError, type FetchFailure, type FetchImageOptions } from './fetch-image.js';
export { isBlockedAddress } from './address-policy.js';
