import type { InputFacts } from './probe.js';

/**
 * The facts ffprobe would give, read from the description of its input that the decoding
 * ffmpeg writes to stderr anyway (`-loglevel level+info`: every line tagged with its level).
 * Reading them there saves starting ffprobe, whose start-up alone (linking some 200 shared
 * libraries) cost about 0.15 s of CPU per verification; media.test.ts checks this reading
 * against ffprobe's JSON on every kind of upload the tests make.
 *
 * The description is ffmpeg's `av_dump_format`, stable in form since 2012 and the same in the
 * 2018 static build of the fallback. Metadata values are the uploader's text, so nothing is
 * read from a metadata line: a value holding a line break is printed as a continuation that
 * starts with the key padding and ': ', never with 'Stream #' or 'Duration:'.
 */

const INFO = '[info] ';

/** True for a line that ends the input's description (the next section of the log). */
function endsBlock(line: string): boolean {
  return line.startsWith(INFO) && !line.startsWith(`${INFO} `);
}

/** Collects the input description from ffmpeg's log, line by line. */
export class InputDumpReader {
  private lines: string[] = [];
  private state: 'before' | 'in' | 'done' = 'before';
  private bytes = 0;
  private parsed: InputFacts | null | undefined;

  constructor(private readonly maxBytes = 64 * 1024) {}

  /** Takes one log line; returns true for the line that completes the description, and only for it. */
  push(line: string): boolean {
    if (this.state === 'done') return false;
    if (this.state === 'before') {
      if (line.startsWith(`${INFO}Input #0, `)) {
        this.state = 'in';
        this.lines.push(line);
      }
      return false;
    }
    // Lines of other levels (a warning about a damaged packet) may come in between.
    if (!line.startsWith(INFO)) return false;
    if (endsBlock(line)) {
      this.state = 'done';
      return true;
    }
    this.bytes += line.length;
    // Pages of metadata are no upload's business: the description is cut, and judged incomplete.
    if (this.bytes > this.maxBytes) {
      this.lines = [];
      this.state = 'done';
      return true;
    }
    this.lines.push(line);
    return false;
  }

  /**
   * The facts of the lines taken so far (parsed once: call it when push says the description is
   * complete, or when ffmpeg has ended), or null when no description came (ffmpeg could not
   * open the input).
   */
  facts(): InputFacts | null {
    if (this.parsed === undefined) this.parsed = this.lines.length > 0 ? parseInputDump(this.lines) : null;
    return this.parsed;
  }
}

/**
 * `Stream #0:1[0x2](und): Audio: aac (LC) ...`: the id and the language in brackets are matched
 * strictly, as the language is the uploader's text; a stream line that does not match is skipped.
 */
const STREAM = /^\[info\] +Stream #0:\d+(?:\[0x[0-9a-f]+\])?(?:\([A-Za-z0-9_-]*\))?: (Video|Audio|Subtitle|Data|Attachment): ([A-Za-z0-9_]+)(.*)$/;

const TYPE = /: (?:Video|Audio|Subtitle|Data|Attachment): /g;

function rate(text: string, unit: 'fps' | 'tbr'): number | null {
  const m = text.match(new RegExp(`[ ,](\\d+(?:\\.\\d+)?)(k?) ${unit}\\b`));
  if (!m) return null;
  const v = Number(m[1]) * (m[2] ? 1000 : 1);
  return v > 0 && v < 1000 ? v : null;
}

/** Parses the lines of one `Input #0` description (see InputDumpReader); null when it cannot be trusted. */
export function parseInputDump(lines: string[]): InputFacts | null {
  const head = lines[0]?.match(/^\[info\] Input #0, (.+?), from '/);
  if (!head) return null;
  let durationSec: number | null = null;
  let video: InputFacts['video'] = null;
  let audioCodec: string | null = null;
  /** The video stream whose side data (rotation) the following lines describe. */
  let current: NonNullable<InputFacts['video']> | null = null;
  let rotationSeen = false;
  for (const line of lines.slice(1)) {
    const d = line.match(/^\[info\] +Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?),/);
    if (d) {
      const v = Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]);
      durationSec = v > 0 ? v : null;
      continue;
    }
    const s = line.match(STREAM);
    // A language tag is printed as given: one that reads like another stream makes the line ambiguous.
    if (s && (line.match(TYPE) ?? []).length > 1) return null;
    if (s) {
      current = null;
      const [, type, codec, rest] = s;
      if (type === 'Audio' && audioCodec === null) audioCodec = codec;
      const size = rest.match(/, (\d+)x(\d+)(?=[ ,]|$)/);
      if (type === 'Video' && video === null && size && !/\(attached pic\)/.test(rest)) {
        video = { codec, width: Number(size[1]), height: Number(size[2]), rotation: 0, fps: rate(rest, 'fps') ?? rate(rest, 'tbr') };
        current = video;
        rotationSeen = false;
      }
      continue;
    }
    if (!current) continue;
    const r = line.match(/^\[info\] +displaymatrix: rotation of (-?\d+(?:\.\d+)?) degrees/);
    if (r) {
      current.rotation = Number(r[1]);
      rotationSeen = true;
      continue;
    }
    // Builds before 5.0 also list the container's rotate tag; the display matrix wins, as in probe.ts.
    const tag = line.match(/^\[info\] {7}rotate {10}: (-?\d+)$/);
    if (tag && !rotationSeen) current.rotation = Number(tag[1]);
  }
  return { container: head[1], video, audioCodec, durationSec };
}
