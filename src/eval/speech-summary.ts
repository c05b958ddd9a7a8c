import type { SpeechEvalReport } from './speech/types.js';

/**
 * The speech evaluation (src/eval/speech) renders its own Markdown; it goes into the liveness report
 * under its own heading, with its headings pushed down so they nest there.
 */
export function summarizeSpeech(report: SpeechEvalReport, link: string): string {
  const nested = report.markdown.replace(/^(#{1,4}) /gm, (_, hashes: string) => `${hashes}## `);
  return [
    `Digit recognition evaluated on real recorded speech by \`runSpeechEval\` (${report.mode}; configured threshold ${report.configuredThreshold});`,
    `its own files are in [${link}](${link}).`,
    '',
    nested.trim(),
  ].join('\n');
}
