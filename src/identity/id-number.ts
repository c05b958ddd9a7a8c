/**
 * Citizen identity numbers per GB 11643-1999: 6-digit address code, 8-digit birth date
 * (YYYYMMDD), 3-digit sequence and an ISO 7064 MOD 11-2 check character (0-9 or X).
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
/** The earliest birth year a living card holder can plausibly have. */
const MIN_BIRTH_YEAR = 1880;

/** Trims and upper-cases the check character so '...x' and '...X' are the same ID. */
export function normaliseIdNumber(n: string): string {
  return n.trim().toUpperCase();
}

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

export function validateIdNumber(n: string, today: Date = new Date()): boolean {
  const id = normaliseIdNumber(n);
  if (!/^[1-9]\d{16}[\dX]$/.test(id)) return false;
  if (checkCharacter(id.slice(0, 17)) !== id[17]) return false;
  return plausibleBirthDate(id.slice(6, 14), today);
}

function plausibleBirthDate(yyyymmdd: string, today: Date): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  // Date.UTC rolls 0231 over to 0303: a real calendar date survives the round trip.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return y >= MIN_BIRTH_YEAR && date.getTime() <= today.getTime();
}
