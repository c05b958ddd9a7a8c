import type { Posteriors } from './model.js';
import { NUM_CLASSES } from './tokens.js';

/** Posteriors whose frames each put probability `p` on one class (the rest spread evenly). */
export function framesOf(classes: number[], p = 0.9): Posteriors {
  const logp = new Float32Array(classes.length * NUM_CLASSES).fill(Math.log((1 - p) / (NUM_CLASSES - 1)));
  classes.forEach((c, t) => (logp[t * NUM_CLASSES + c] = Math.log(p)));
  return { frames: classes.length, logp };
}
