/** The five endpoints an app can be allowed to call (per-app enabled services, code 24). */
export const SERVICES = ['livegetfour', 'livedetectfour', 'idcardlivedetectfour', 'idcardcompare', 'livedetectpicture'] as const;

export type Service = (typeof SERVICES)[number];

export function parseServices(list: string): Service[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names) {
    if (!(SERVICES as readonly string[]).includes(n)) throw new Error(`unknown service "${n}" (known: ${SERVICES.join(', ')})`);
  }
  return [...new Set(names)] as Service[];
}
