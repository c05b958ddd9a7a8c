import { AttrType, DataType, encodeModel, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './proto.js';

/**
 * Translates a TensorFlow.js graph model (model.json + weight shards, as Human ships its face
 * models) into an ONNX model, node for node with the same weights, so that onnxruntime can run
 * it. Covers the ops of the small convnets we use (BlazeFace, FaceMesh, Human's antispoof and
 * liveness models); anything else is refused by name rather than translated approximately.
 *
 * Layout: TF graphs are NHWC, ONNX convolutions NCHW. The model input stays NHWC (as tfjs
 * takes it) and is transposed once; 4-D tensors stay NCHW inside and go back to NHWC before
 * any Reshape or graph output, so flattening order and outputs match tfjs exactly.
 */

interface TfAttr {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  list?: { i?: string[]; s?: string[] };
  shape?: { dim?: Array<{ size: string }> };
}

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number };
}

export interface TfjsModelJson {
  modelTopology: { node: TfNode[] };
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
}

interface ConstValue {
  shape: number[];
  data: Float32Array | Int32Array;
}

/** IEEE 754 half precision to single (tfjs stores some weights as float16), by bits for normal numbers. */
const halfBits = new Uint32Array(1);
const halfFloat = new Float32Array(halfBits.buffer);
function halfToFloat(h: number): number {
  const sign = h & 0x8000;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return (sign ? -1 : 1) * 2 ** -14 * (frac / 1024);
  halfBits[0] = (sign << 16) | (exp === 31 ? 0x7f800000 | (frac << 13) : ((exp + 112) << 23) | (frac << 13));
  return halfFloat[0];
}

/** The weights of a tfjs model by name, dequantised to float32 like tfjs does on load. */
export function decodeWeights(manifest: TfjsModelJson['weightsManifest'], data: Uint8Array): Map<string, ConstValue> {
  const out = new Map<string, ConstValue>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  for (const spec of manifest.flatMap((g) => g.weights)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    const values = spec.dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
    if (!q) {
      for (let i = 0; i < n; i++) values[i] = spec.dtype === 'int32' ? view.getInt32(offset + 4 * i, true) : view.getFloat32(offset + 4 * i, true);
      offset += 4 * n;
    } else if (q.dtype === 'float16') {
      for (let i = 0; i < n; i++) values[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
      offset += 2 * n;
    } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
      const bytes = q.dtype === 'uint8' ? 1 : 2;
      for (let i = 0; i < n; i++) {
        const v = bytes === 1 ? view.getUint8(offset + i) : view.getUint16(offset + 2 * i, true);
        values[i] = v * (q.scale ?? 1) + (q.min ?? 0);
      }
      offset += bytes * n;
    } else {
      throw new Error(`unsupported weight quantization ${q.dtype} (${spec.name})`);
    }
    out.set(spec.name, { shape: spec.shape, data: values });
  }
  if (offset !== data.byteLength) throw new Error(`weights are ${data.byteLength} bytes, the manifest describes ${offset}`);
  return out;
}

const text = (a: TfAttr | undefined): string => (a?.s ? Buffer.from(a.s, 'base64').toString('utf8') : '');
const ints = (a: TfAttr | undefined): number[] => (a?.list?.i ?? []).map(Number);
const strings = (a: TfAttr | undefined): string[] => (a?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));

/** A tensor in the ONNX graph being built: its name there and whether it is a 4-D NCHW activation. */
interface Value {
  name: string;
  nchw: boolean;
  constant?: ConstValue;
}

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private count = 0;

  fresh(hint: string): string {
    return `${hint}__${this.count++}`;
  }

  node(opType: string, input: string[], attribute: OnnxAttribute[] = [], output = this.fresh(opType)): string {
    this.nodes.push({ opType, name: output, input, output: [output], attribute });
    return output;
  }

  floats(hint: string, dims: number[], data: Float32Array): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) });
    return name;
  }

  int64s(hint: string, values: number[]): string {
    const name = this.fresh(hint);
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, rawData: new Uint8Array(raw.buffer) });
    return name;
  }
}

const attrInts = (name: string, v: number[]): OnnxAttribute => ({ name, type: AttrType.INTS, ints: v });
const attrInt = (name: string, v: number): OnnxAttribute => ({ name, type: AttrType.INT, i: v });
const attrString = (name: string, v: string): OnnxAttribute => ({ name, type: AttrType.STRING, s: new TextEncoder().encode(v) });

/** HWIO (TF conv filter) to OIHW; HW C M (depthwise, multiplier M) to (C*M) 1 H W. */
function transposeFilter(f: ConstValue, depthwise: boolean): { dims: number[]; data: Float32Array } {
  const [kh, kw, a, b] = f.shape;
  const out = new Float32Array(f.data.length);
  // Output channel o and input channel i of the ONNX filter; depthwise: o = c * M + m, one input.
  const outCh = depthwise ? a * b : b;
  const inCh = depthwise ? 1 : a;
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let p = 0; p < a; p++) {
        for (let q = 0; q < b; q++) {
          const src = ((y * kw + x) * a + p) * b + q;
          const o = depthwise ? p * b + q : q;
          const i = depthwise ? 0 : p;
          out[((o * inCh + i) * kh + y) * kw + x] = f.data[src];
        }
      }
    }
  }
  return { dims: [outCh, inCh, kh, kw], data: out };
}

const toFloat32 = (c: ConstValue): Float32Array => (c.data instanceof Float32Array ? c.data : Float32Array.from(c.data));

/**
 * Converts a tfjs graph model to ONNX bytes. The single Placeholder becomes the NHWC input
 * `inputName`; the graph's Identity nodes become outputs under their tfjs names.
 */
export function tfjsToOnnx(model: TfjsModelJson, weightData: Uint8Array, docString: string): { onnx: Uint8Array; input: string; outputs: string[] } {
  const weights = decodeWeights(model.weightsManifest, weightData);
  const g = new GraphBuilder();
  const values = new Map<string, Value>();
  const inputs: Array<{ name: string; shape: number[] }> = [];
  const outputs: string[] = [];

  const get = (ref: string): Value => {
    const v = values.get(ref.replace(/:0$/, ''));
    if (!v) throw new Error(`tfjs graph refers to ${ref} before defining it`);
    return v;
  };
  const constOf = (ref: string): ConstValue => {
    const c = get(ref).constant;
    if (!c) throw new Error(`${ref} must be a constant`);
    return c;
  };
  /** A per-channel constant laid out to broadcast over NCHW: [C] becomes [C, 1, 1]. */
  const channelConst = (ref: string, hint: string): string => {
    const c = constOf(ref);
    const size = c.data.length;
    return g.floats(hint, size === 1 ? [] : [size, 1, 1], toFloat32(c));
  };
  const operand = (ref: string, other: Value, hint: string): Value => {
    const v = get(ref);
    if (!v.constant) return v;
    const { data } = v.constant;
    if (other.nchw && data.length > 1) return { name: channelConst(ref, hint), nchw: true };
    return { name: g.floats(hint, v.constant.shape, toFloat32(v.constant)), nchw: false };
  };
  const toNhwc = (v: Value): string => (v.nchw ? g.node('Transpose', [v.name], [attrInts('perm', [0, 2, 3, 1])]) : v.name);
  const pads = (n: TfNode): OnnxAttribute => {
    const padding = text(n.attr?.padding);
    if (padding !== 'SAME' && padding !== 'VALID') throw new Error(`${n.name}: padding ${padding} is not supported`);
    // TF's SAME puts the odd pixel of padding at the end, which is ONNX's SAME_UPPER.
    return attrString('auto_pad', padding === 'SAME' ? 'SAME_UPPER' : 'VALID');
  };
  const spatial = (a: TfAttr | undefined, fallback: number): number[] => {
    const v = ints(a);
    return v.length === 4 ? [v[1], v[2]] : [fallback, fallback];
  };
  /**
   * PReLU on an NCHW activation, per-channel slopes a from the constant `alphaRef`, as two 1x1
   * depthwise convolutions: a * x + relu((1 - a) * x). ONNX PRelu's broadcast kernel took half
   * of FaceMesh's time in onnxruntime (6.1-7.0 ms CPU per run against 3.0-3.1 with depthwise
   * convolutions). Putting the relu after the (1 - a) product lets onnxruntime fuse it into that
   * convolution and the sum into the other: 8% less FaceMesh time than (1 - a) * relu(x) + a * x,
   * to the bit the same values while every 1 - a >= 0 (scaling by a non-negative number commutes
   * with relu), which FaceMesh's slopes are; a slope above 1 keeps the older form.
   */
  const prelu = (x: string, alphaRef: string): string => {
    const a = toFloat32(constOf(alphaRef));
    const c = a.length;
    const perChannel = (input: string, w: Float32Array): string =>
      g.node('Conv', [input, g.floats('w', [c, 1, 1, 1], w)], [attrInts('kernel_shape', [1, 1]), attrInt('group', c)]);
    const rest = a.map((v) => 1 - v);
    const positive = rest.every((v) => v >= 0) ? g.node('Relu', [perChannel(x, rest)]) : perChannel(g.node('Relu', [x]), rest);
    return g.node('Add', [positive, perChannel(x, a)]);
  };
  const activation = (op: string, x: string, n: TfNode, extra: string | undefined): string => {
    if (op === 'Relu') return g.node('Relu', [x]);
    if (op === 'Relu6') return g.node('Clip', [x, g.floats('zero', [], new Float32Array([0])), g.floats('six', [], new Float32Array([6]))]);
    if (op === 'Prelu' && extra) return prelu(x, extra);
    throw new Error(`${n.name}: fused activation ${op} is not supported`);
  };

  for (const n of model.modelTopology.node) {
    const inp = (n.input ?? []).filter((i) => !i.startsWith('^'));
    let out: Value;
    switch (n.op) {
      case 'Const': {
        const c = weights.get(n.name);
        if (!c) throw new Error(`no weights for constant ${n.name}`);
        values.set(n.name, { name: n.name, nchw: false, constant: c });
        continue;
      }
      case 'Placeholder': {
        const shape = (n.attr?.shape?.shape?.dim ?? []).map((d) => Number(d.size));
        if (shape.length !== 4) throw new Error(`${n.name}: only NHWC image inputs are supported`);
        inputs.push({ name: n.name, shape });
        out = { name: g.node('Transpose', [n.name], [attrInts('perm', [0, 3, 1, 2])]), nchw: true };
        break;
      }
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative':
      case 'Conv2D': {
        const depthwise = n.op === 'DepthwiseConv2dNative';
        const fused = n.op === '_FusedConv2D' ? strings(n.attr?.fused_ops) : [];
        if (text(n.attr?.data_format) && text(n.attr?.data_format) !== 'NHWC') throw new Error(`${n.name}: only NHWC graphs are supported`);
        const f = transposeFilter(constOf(inp[1]), depthwise);
        const conv = [get(inp[0]).name, g.floats('w', f.dims, f.data)];
        if (fused[0] === 'BiasAdd') conv.push(g.floats('b', [f.dims[0]], toFloat32(constOf(inp[2]))));
        else if (fused.length > 0) throw new Error(`${n.name}: fused ops ${fused.join(',')} are not supported`);
        const attrs = [pads(n), attrInts('strides', spatial(n.attr?.strides, 1)), attrInts('dilations', spatial(n.attr?.dilations, 1)), attrInts('kernel_shape', f.dims.slice(2))];
        if (depthwise) attrs.push(attrInt('group', f.dims[0]));
        let y = g.node('Conv', conv, attrs);
        if (fused[1]) y = activation(fused[1], y, n, inp[3]);
        out = { name: y, nchw: true };
        break;
      }
      case 'MaxPool':
        out = { name: g.node('MaxPool', [get(inp[0]).name], [pads(n), attrInts('strides', spatial(n.attr?.strides, 1)), attrInts('kernel_shape', spatial(n.attr?.ksize, 1))]), nchw: true };
        break;
      case 'Relu':
      case 'Sigmoid':
      case 'Softmax': {
        const x = get(inp[0]);
        if (n.op === 'Softmax' && x.nchw) throw new Error(`${n.name}: softmax over an image tensor is not supported`);
        out = { name: g.node(n.op, [x.name]), nchw: x.nchw };
        break;
      }
      case 'Prelu': {
        const x = get(inp[0]);
        if (!x.nchw) throw new Error(`${n.name}: PReLU outside an image tensor is not supported`);
        out = { name: prelu(x.name, inp[1]), nchw: true };
        break;
      }
      case 'Add':
      case 'AddV2':
      case 'Sub':
      case 'Mul': {
        const [a, b] = [get(inp[0]), get(inp[1])];
        const x = a.constant ? b : a;
        const op = { Add: 'Add', AddV2: 'Add', Sub: 'Sub', Mul: 'Mul' }[n.op];
        const l = operand(inp[0], x, 'k');
        const r = operand(inp[1], x, 'k');
        if (!l.constant && !r.constant && l.nchw !== r.nchw && !get(inp[0]).constant && !get(inp[1]).constant) throw new Error(`${n.name}: mixed layouts`);
        out = { name: g.node(op, [l.name, r.name]), nchw: x.nchw };
        break;
      }
      case 'Pad': {
        const x = get(inp[0]);
        const p = Array.from(constOf(inp[1]).data);
        if (!x.nchw || p.length !== 8) throw new Error(`${n.name}: only 4-D padding is supported`);
        // TF: [[n0,n1],[h0,h1],[w0,w1],[c0,c1]]; ONNX NCHW: [n0,c0,h0,w0, n1,c1,h1,w1].
        const onnxPads = [p[0], p[6], p[2], p[4], p[1], p[7], p[3], p[5]];
        out = { name: g.node('Pad', [x.name, g.int64s('pads', onnxPads)], [attrString('mode', 'constant')]), nchw: true };
        break;
      }
      case 'Reshape': {
        const shape = Array.from(constOf(inp[1]).data);
        out = { name: g.node('Reshape', [toNhwc(get(inp[0])), g.int64s('shape', shape)]), nchw: false };
        break;
      }
      case '_FusedMatMul':
      case 'MatMul': {
        if (n.attr?.transpose_a?.b || n.attr?.transpose_b?.b) throw new Error(`${n.name}: transposed matmul is not supported`);
        const w = constOf(inp[1]);
        let y = g.node('MatMul', [toNhwc(get(inp[0])), g.floats('w', w.shape, toFloat32(w))]);
        const fused = n.op === '_FusedMatMul' ? strings(n.attr?.fused_ops) : [];
        if (fused[0] === 'BiasAdd') y = g.node('Add', [y, g.floats('b', constOf(inp[2]).shape, toFloat32(constOf(inp[2])))]);
        else if (fused.length > 0) throw new Error(`${n.name}: fused ops ${fused.join(',')} are not supported`);
        if (fused[1]) y = activation(fused[1], y, n, inp[3]);
        out = { name: y, nchw: false };
        break;
      }
      case 'Identity': {
        const name = g.node('Identity', [toNhwc(get(inp[0]))], [], n.name);
        outputs.push(name);
        out = { name, nchw: false };
        break;
      }
      default:
        throw new Error(`tfjs op ${n.op} (${n.name}) is not supported by the ONNX translation`);
    }
    values.set(n.name, out);
  }
  if (inputs.length !== 1) throw new Error(`expected one graph input, found ${inputs.length}`);
  const onnx = encodeModel(
    {
      name: 'tfjs',
      node: g.nodes,
      initializer: g.initializers,
      input: inputs.map((i) => ({ name: i.name, shape: i.shape })),
      output: outputs.map((name) => ({ name })),
    },
    docString,
  );
  return { onnx, input: inputs[0].name, outputs };
}
