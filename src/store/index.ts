export { openStore, isPostgresUrl } from './open.js';
export { openSqliteStore } from './sqlite/index.js';
export { openPostgresStore } from './postgres/index.js';
export { CHALLENGE_VALUES } from './challenge-values.js';
export type * from './types.js';
