/**
 * The speech evaluation is owned by src/speech and writes its own report; this turns whatever
 * figures it returns into a short table for the liveness report, so the two stay in one place
 * without this module depending on the speech report's exact shape.
 */
export function summarizeSpeech(report: unknown, link: string): string {
  const rows: string[] = [];
  const walk = (value: unknown, path: string, depth: number): void => {
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
      rows.push(`| ${path} | ${String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
    } else if (value && typeof value === 'object' && !Array.isArray(value) && depth < 2) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, depth + 1);
    }
  };
  walk(report, '', 0);
  const intro = `Digit recognition evaluated on real recorded speech by \`runSpeechEval\`; its full report is in [${link}](${link}).`;
  if (rows.length === 0) return intro;
  return [intro, '', '| figure | value |', '|---|---|', ...rows].join('\n');
}
