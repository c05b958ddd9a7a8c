export { createInference, type PoolOptions } from './pool.js';
export { createInProcessInference } from './in-process.js';
