export { ChallengeStore, type RedeemResult } from './store.js';
