import { randomInt } from 'node:crypto';

/** Four digits: the whole space of challenge values of one app. */
export const CHALLENGE_VALUES = 10_000;
/** Random draws before listing the free values: enough while at most ~90% are held. */
const DRAWS = 32;

const value = (n: number): string => String(n).padStart(4, '0');

/**
 * Candidate values for challenges, uniform among the free ones: random draws while they are
 * cheap, then, once draws keep hitting held values, the list of free values (read once per
 * app and picker, so a batch that fills an app's space lists it once, not per issue).
 */
export class ValuePicker {
  private readonly free = new Map<string, string[]>();

  /** A candidate for the attempt-th try of an issue; undefined: list the held values first; null: none free. */
  candidate(appid: string, attempt: number): string | null | undefined {
    const listed = this.free.get(appid);
    if (!listed) return attempt < DRAWS ? value(randomInt(0, CHALLENGE_VALUES)) : undefined;
    if (listed.length === 0) return null;
    const i = randomInt(0, listed.length);
    const picked = listed[i];
    listed[i] = listed[listed.length - 1];
    listed.pop();
    return picked;
  }

  /** The values held for `appid` right now; later candidates come from the rest. */
  setHeld(appid: string, held: Iterable<string>): void {
    const taken = new Set(held);
    const free: string[] = [];
    for (let v = 0; v < CHALLENGE_VALUES; v++) if (!taken.has(value(v))) free.push(value(v));
    this.free.set(appid, free);
  }
}
