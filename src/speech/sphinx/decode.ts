import type { PhoneHmm, SphinxModel } from './acoustic.js';

/**
 * Viterbi search over small phone networks built from the converted Sphinx model: a four-digit
 * reading with optional silence around and between the digits, and a free loop of every
 * context-independent phone (the best any speech can score, the yardstick for how well the
 * digits fit). Every network is a list of three-state phone HMMs with their predecessors; a path's
 * digits ride along with it (token passing), so no back-pointers are kept.
 */

interface Node {
  hmm: PhoneHmm;
  /** Nodes whose exit can enter this one. */
  from: number[];
  /** Log penalty for entering. */
  penalty: number;
  /** The digit this node starts (its word's first phone), or 's' for a silence; entering it is marked on the path. */
  mark: string | null;
  start: boolean;
  /** Which final score a path ending here counts towards (-1: it may not end here). */
  final: number;
}

export interface Network {
  nodes: Node[];
  finals: number;
}

/** Triphone by position (b: word start, e: word end), else the context-independent phone. */
function phone(model: SphinxModel, base: string, left: string, right: string, pos: 'b' | 'e'): PhoneHmm {
  const tri = model.triphones[`${base} ${left} ${right} ${pos}`];
  const ci = model.ci[base];
  if (tri) return tri;
  if (!ci) throw new Error(`phone ${base} is not in the model`);
  return ci;
}

/** Log penalty for entering a silence between or around digits (pocketsphinx's silprob 0.005). */
const SILENCE_PENALTY = Math.log(0.005);
/** Log penalty per phone in the free phone loop (one of 70 phones, uniformly). */
const PHONE_PENALTY = Math.log(1 / 70);

/**
 * A reading of four digits, scored twice in one pass: final 0 collects paths that read exactly
 * `expected`, final 1 paths that differ from it in at least one digit (so the best other reading
 * comes out of the same search). Word models take silence as their outer context.
 */
export function digitNetwork(model: SphinxModel, expected: string): Network {
  const nodes: Node[] = [];
  const add = (n: Node): number => nodes.push(n) - 1;
  const sil = model.ci.SIL;
  if (!sil) throw new Error('the model has no SIL phone');
  const silence = (from: number[], final: number, start = false): number => {
    const i = add({ hmm: sil, from: [...from], penalty: SILENCE_PENALTY, mark: 's', start, final });
    (nodes[i] as Node).from.push(i);
    return i;
  };
  // Per flag (0: matches so far, 1: differs), the nodes a word in the next slot can follow.
  let ends: [number[], number[]] = [[silence([], -1, true)], []];
  let startsHere = true;
  for (let slot = 0; slot < expected.length; slot++) {
    const next: [number[], number[]] = [[], []];
    const either = [...ends[0], ...ends[1]];
    for (const [digit, prons] of Object.entries(model.words)) {
      for (const pron of prons) {
        for (const flag of [0, 1] as const) {
          const same = digit === expected[slot];
          if (flag === 0 && !same) continue;
          const from = flag === 0 ? ends[0] : same ? ends[1] : either;
          if (from.length === 0) continue;
          const [first, last] = pron as [string, string];
          const a = add({ hmm: phone(model, first, 'SIL', last, 'b'), from, penalty: 0, mark: digit, start: startsHere, final: -1 });
          const b = add({ hmm: phone(model, last, first, 'SIL', 'e'), from: [a], penalty: 0, mark: null, start: false, final: slot === expected.length - 1 ? flag : -1 });
          next[flag].push(b);
        }
      }
    }
    startsHere = false;
    const isLast = slot === expected.length - 1;
    ends = next.map((e, flag) => (e.length > 0 ? [...e, silence(e, isLast ? flag : -1)] : e)) as [number[], number[]];
  }
  return { nodes, finals: 2 };
}

/** Every context-independent phone after any other, with silence: the best path any sound can take. */
export function phoneLoop(model: SphinxModel): Network {
  const names = Object.keys(model.ci);
  const all = names.map((_, i) => i);
  const nodes: Node[] = names.map((n) => ({ hmm: model.ci[n] as PhoneHmm, from: all, penalty: PHONE_PENALTY, mark: null, start: true, final: 0 }));
  return { nodes, finals: 1 };
}

/** Senones a network uses, so only those are scored. */
export function networkSenones(net: Network): Set<number> {
  return new Set(net.nodes.flatMap((n) => n.hmm.senones));
}

/** A word on the best path: its digit ('s' for silence) and its first and last 10 ms frame. */
export interface PathWord {
  mark: string;
  from: number;
  to: number;
}

export interface SearchResult {
  /** Per final: best log score, the digits of that path, and its words with their frames. */
  scores: number[];
  digits: string[];
  words: PathWord[][];
}

/**
 * The marks paths collect, as a tree: each entry is a word entered at a frame, after its parent
 * entry (-1: the path's first). Paths share their pasts, so a frame adds one entry per word
 * entered instead of copying a history. Entries live in typed arrays sized for the most a
 * search can add (thousands: one per marked node and frame at most; an `add` without a growth
 * branch measured faster in the search loop), the marks as indices into `names`.
 */
class Marks {
  private readonly parent: Int32Array;
  private readonly mark: Int32Array;
  private readonly at: Int32Array;
  private size = 0;

  /** `capacity`: the most entries the search can add (one per marked node and frame). */
  constructor(private readonly names: string[], capacity: number) {
    this.parent = new Int32Array(capacity);
    this.mark = new Int32Array(capacity);
    this.at = new Int32Array(capacity);
  }

  add(parent: number, mark: number, t: number): number {
    const i = this.size++;
    this.parent[i] = parent;
    this.mark[i] = mark;
    this.at[i] = t;
    return i;
  }

  /** The words on the path ending at `id`; each ends where the next begins. */
  words(id: number, frames: number): PathWord[] {
    const chain: { mark: string; from: number }[] = [];
    for (let i = id; i >= 0; i = this.parent[i] as number) chain.push({ mark: this.names[this.mark[i] as number] as string, from: this.at[i] as number });
    chain.reverse();
    return chain.map((m, i) => ({ ...m, to: (chain[i + 1]?.from ?? frames) - 1 }));
  }
}

/**
 * A network flattened into typed arrays for the search: per node its log transitions (3 x 4,
 * the 4th column the exit), senones, entry penalty, mark and predecessor group.
 */
interface Flat {
  n: number;
  trans: Float64Array;
  senone: Int32Array;
  penalty: Float64Array;
  /** Index into `names`, -1 for none. */
  mark: Int32Array;
  names: string[];
  /** Group of the node's predecessor list, -1 when it has none. */
  group: Int32Array;
  /** Members of group g: groupMembers[groupStart[g] .. groupStart[g + 1]). */
  groupStart: Int32Array;
  groupMembers: Int32Array;
}

function flatten(model: SphinxModel, net: Network): Flat {
  const n = net.nodes.length;
  const trans = new Float64Array(n * 12);
  const senone = new Int32Array(n * 3);
  const penalty = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  const names: string[] = [];
  const group = new Int32Array(n).fill(-1);
  // Predecessor lists shared by several nodes are one group, scored once per frame.
  const groups = new Map<number[], number>();
  const lists: number[][] = [];
  net.nodes.forEach((node, i) => {
    const A = model.logTmats[node.hmm.tmat] as Float64Array[];
    for (let s = 0; s < 3; s++) for (let j = 0; j < 4; j++) trans[i * 12 + s * 4 + j] = (A[s] as Float64Array)[j] as number;
    for (let j = 0; j < 3; j++) senone[i * 3 + j] = node.hmm.senones[j];
    penalty[i] = node.penalty;
    if (node.mark !== null) {
      let m = names.indexOf(node.mark);
      if (m < 0) m = names.push(node.mark) - 1;
      mark[i] = m;
    }
    if (node.from.length > 0) {
      let g = groups.get(node.from);
      if (g === undefined) {
        g = lists.push(node.from) - 1;
        groups.set(node.from, g);
      }
      group[i] = g;
    }
  });
  const groupStart = new Int32Array(lists.length + 1);
  lists.forEach((l, g) => {
    groupStart[g + 1] = (groupStart[g] as number) + l.length;
  });
  const groupMembers = Int32Array.from(lists.flat());
  return { n, trans, senone, penalty, mark, names, group, groupStart, groupMembers };
}

/** The search's state after a frame: per node and state its best score and the path mark it carries. */
interface Trellis {
  score: Float64Array;
  hist: Int32Array;
}

/**
 * Frames 1.. of the search, from the trellis after frame 0. Apart from viterbi's setup and
 * read-out so that V8 optimises this loop on its own: inside viterbi it was compiled on the fly
 * mid-loop and thrown away at the cold code after it, call after call (docs/decisions.md).
 */
function searchFrames(flat: Flat, senones: Float32Array[], first: Trellis, marks: Marks): Trellis {
  const { n, trans, senone, penalty, mark, group, groupStart, groupMembers } = flat;
  let score: Float64Array = first.score;
  let hist: Int32Array = first.hist;
  let next: Float64Array = new Float64Array(n * 3);
  let nextHist: Int32Array = new Int32Array(n * 3).fill(-1);
  const exit = new Float64Array(n);
  const exitHist = new Int32Array(n).fill(-1);
  const groups = groupStart.length - 1;
  const groupStamp = new Int32Array(groups).fill(-1);
  const groupScore = new Float64Array(groups);
  const groupHist = new Int32Array(groups).fill(-1);
  const frames = senones.length;
  for (let t = 1; t < frames; t++) {
    const frame = senones[t] as Float32Array;
    for (let i = 0; i < n; i++) {
      const o = i * 3;
      const a = i * 12;
      let best = -Infinity;
      let bh = -1;
      let v = (score[o] as number) + (trans[a + 3] as number);
      if (v > best) {
        best = v;
        bh = hist[o] as number;
      }
      v = (score[o + 1] as number) + (trans[a + 7] as number);
      if (v > best) {
        best = v;
        bh = hist[o + 1] as number;
      }
      v = (score[o + 2] as number) + (trans[a + 11] as number);
      if (v > best) {
        best = v;
        bh = hist[o + 2] as number;
      }
      exit[i] = best;
      exitHist[i] = bh;
    }
    for (let i = 0; i < n; i++) {
      const o = i * 3;
      const a = i * 12;
      // The three states written out (a state is entered from itself or the states before it,
      // tried in that order, a later one only when strictly better, as a loop over them would).
      const s0 = score[o] as number;
      const s1 = score[o + 1] as number;
      const s2 = score[o + 2] as number;
      const h0 = hist[o] as number;
      const h1 = hist[o + 1] as number;
      const h2 = hist[o + 2] as number;
      let best = -Infinity;
      let bh = -1;
      let v = s0 + (trans[a] as number);
      if (v > best) {
        best = v;
        bh = h0;
      }
      const gi = group[i] as number;
      if (gi >= 0) {
        // Nodes share their predecessor lists (every phone of the loop has all of them), so
        // the best exit of a list is found once per frame.
        if (groupStamp[gi] !== t) {
          groupStamp[gi] = t;
          let gs = -Infinity;
          let gh = -1;
          for (let m = groupStart[gi] as number, end = groupStart[gi + 1] as number; m < end; m++) {
            const p = groupMembers[m] as number;
            if ((exit[p] as number) > gs) {
              gs = exit[p] as number;
              gh = exitHist[p] as number;
            }
          }
          groupScore[gi] = gs;
          groupHist[gi] = gh;
        }
        v = (groupScore[gi] as number) + (penalty[i] as number);
        if (v > best) {
          best = v;
          bh = (mark[i] as number) >= 0 ? marks.add(groupHist[gi] as number, mark[i] as number, t) : (groupHist[gi] as number);
        }
      }
      next[o] = best + (frame[senone[o] as number] as number);
      nextHist[o] = bh;
      best = -Infinity;
      bh = -1;
      v = s0 + (trans[a + 1] as number);
      if (v > best) {
        best = v;
        bh = h0;
      }
      v = s1 + (trans[a + 5] as number);
      if (v > best) {
        best = v;
        bh = h1;
      }
      next[o + 1] = best + (frame[senone[o + 1] as number] as number);
      nextHist[o + 1] = bh;
      best = -Infinity;
      bh = -1;
      v = s0 + (trans[a + 2] as number);
      if (v > best) {
        best = v;
        bh = h0;
      }
      v = s1 + (trans[a + 6] as number);
      if (v > best) {
        best = v;
        bh = h1;
      }
      v = s2 + (trans[a + 10] as number);
      if (v > best) {
        best = v;
        bh = h2;
      }
      next[o + 2] = best + (frame[senone[o + 2] as number] as number);
      nextHist[o + 2] = bh;
    }
    [score, next] = [next, score];
    [hist, nextHist] = [nextHist, hist];
  }
  return { score, hist };
}

export function viterbi(model: SphinxModel, net: Network, senones: Float32Array[]): SearchResult {
  const flat = flatten(model, net);
  const { n, trans, mark, names } = flat;
  const marked = mark.reduce((k, m) => k + (m >= 0 ? 1 : 0), 0);
  const marks = new Marks(names, Math.max(1, senones.length * marked));
  const first: Trellis = { score: new Float64Array(n * 3).fill(-Infinity), hist: new Int32Array(n * 3).fill(-1) };
  const frames = senones.length;
  if (frames > 0) {
    const frame = senones[0] as Float32Array;
    net.nodes.forEach((node, i) => {
      if (node.start) {
        first.score[i * 3] = frame[node.hmm.senones[0]] as number;
        first.hist[i * 3] = (mark[i] as number) >= 0 ? marks.add(-1, mark[i] as number, 0) : -1;
      }
    });
  }
  const { score, hist } = searchFrames(flat, senones, first, marks);
  const scores = new Array<number>(net.finals).fill(-Infinity);
  const paths = new Array<number>(net.finals).fill(-1);
  net.nodes.forEach((node, i) => {
    if (node.final < 0) return;
    for (let s = 0; s < 3; s++) {
      const v = (score[i * 3 + s] as number) + (trans[i * 12 + s * 4 + 3] as number);
      if (v > (scores[node.final] as number)) {
        scores[node.final] = v;
        paths[node.final] = hist[i * 3 + s] as number;
      }
    }
  });
  const words = paths.map((p) => marks.words(p, frames));
  return { scores, digits: words.map((w) => w.filter((x) => x.mark !== 's').map((x) => x.mark).join('')), words };
}
