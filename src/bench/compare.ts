import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getFaceEmbedder, TEMPLATE_MODEL } from '../compare/index.js';
import { resolveThresholds } from '../config/index.js';
import { evaluateCandidate, reportMarkdown } from '../compare/evaluate.js';
import { evaluateVideoFrames } from '../compare/eval-video.js';
import { facesDir, loadPairs, sharedDataDir } from '../compare/eval-data.js';
import { distribution } from '../compare/metrics.js';

/**
 * Face comparison benchmark: accuracy of the production embedder on the shared pairs, the
 * time to compare two face photos end to end (decode, detect, align, embed both, score),
 * and how many ID-document photos yield a template. Run with `npm run bench:compare`
 * (prefix `taskset -c 0` to pin it to one core).
 */
export async function benchCompare(): Promise<{ title: string; markdown: string; figures: Record<string, number> }> {
  const title = 'Face comparison';
  const dir = facesDir();
  if (!dir) return { title, markdown: `Skipped: shared data not found at ${sharedDataDir()}.`, figures: {} };
  const embedder = await getFaceEmbedder(resolveThresholds().compare);
  const pairs = loadPairs(dir);

  const report = await evaluateCandidate(
    {
      name: TEMPLATE_MODEL,
      async embedFile(path) {
        const r = await embedder.embedImage(new Uint8Array(readFileSync(path)), 'photo');
        return r.ok ? r.template.embedding : null;
      },
    },
    pairs,
  );

  const a = new Uint8Array(readFileSync(join(dir, 'face_recognition/examples/obama.jpg')));
  const b = new Uint8Array(readFileSync(join(dir, 'face_recognition/examples/biden.jpg')));
  // CPU time next to wall time: on a shared machine the wall clock mostly measures the queue
  // for the core, while the process's CPU time is the work one core has to do.
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const [ea, eb] = [await embedder.embedImage(a, 'photo'), await embedder.embedImage(b, 'photo')];
    if (ea.ok && eb.ok) embedder.similarity(ea.template, eb.template);
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  const compareMs = distribution(wall.slice(1)).median;
  const compareCpuMs = distribution(cpu.slice(1)).median;

  const idDir = join(sharedDataDir(), 'id/passporteye/passporteye/mrz/testdata');
  const docs = readdirSync(idDir).filter((f) => /\.(jpe?g|png)$/i.test(f));
  const failedDocs: string[] = [];
  for (const f of docs) {
    const r = await embedder.embedImage(new Uint8Array(readFileSync(join(idDir, f))), 'card');
    if (!r.ok) failedDocs.push(`${f} (${r.error})`);
  }

  const video = await evaluateVideoFrames(embedder);

  const figures: Record<string, number> = {
    tarAtFar1pct: report.tarAt1pctAll,
    tarAtFar01pct: report.tarAt01pctAll,
    tarAtFar1pctCsvImpostors: report.tarAt1pctCsv,
    compareTwoFacesMs: compareMs,
    compareTwoFacesCpuMs: compareCpuMs,
    msPerImage: report.msPerImage,
    imagesWithoutTemplate: report.failures.length,
    idDocsWithTemplate: docs.length - failedDocs.length,
    idDocs: docs.length,
  };
  if (video) {
    figures.videoGenuineMinSim = video.genuine.min;
    figures.videoImpostorMaxSim = video.impostor.max;
    figures.videoImpostorsAtOrAbove70 = video.impostorsAtOrAbove70;
  }
  const markdown = [
    reportMarkdown([report]),
    '',
    `Comparing two face photos end to end (decode, detect, align, embed both, score; obama.jpg 820x1024 vs biden.jpg 451x1024): median ${compareMs.toFixed(0)} ms wall, ${compareCpuMs.toFixed(0)} ms CPU over 6 runs after one warm-up (tfjs WASM runs single-threaded).`,
    `ID documents with a template: ${figures.idDocsWithTemplate}/${docs.length}${failedDocs.length ? `; without: ${failedDocs.join(', ')}` : ''}.`,
    `Images without a template: ${report.failures.join(', ') || 'none'}.`,
    video
      ? `Video frames (${video.clips} clips at long side 480): same-person sim min ${video.genuine.min.toFixed(1)} (n=${video.genuine.n}), different-person sim max ${video.impostor.max.toFixed(1)} (n=${video.impostor.n}, ${video.impostorsAtOrAbove70} at or above 70).`
      : 'Video frames: shared/data/video not found.',
  ].join('\n');
  return { title, markdown, figures };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchCompare();
  console.log(`## ${r.title}\n\n${r.markdown}\n`);
  console.log(JSON.stringify(r.figures));
}
