"""One ONNX file that runs two trained digit models on the same PCM:
    /usr/bin/python3 training/speech/ensemble-onnx.py A.onnx B.onnx OUT.onnx [--frame-mean]
Both must be this project's digit model (input `pcm`, output `logprobs`, same front end). The
front end (framing DFT, mel filterbank, log, per-clip normalisation) has no trained weights and
costs most of a model's time, so it is computed once and both networks read it.
By default the file has two outputs, `logprobs` (A's) and `logprobs_1` (B's): src/speech scores a
claim on each and takes the mean of the two margins (docs/decisions.md, "Two digit models by the
mean of their margins"). With --frame-mean it has one output, the two log-posteriors added and
renormalised per frame: measured and not used (decisions.md, "Two digit models averaged": CTC
models trained apart put their spikes on different frames). One file rather than two keeps the
fold layout (fold<k>/digits.onnx) and the runtime's one session per thread."""
import sys

import onnx
from onnx import helper, numpy_helper


def shared_outputs(m: onnx.ModelProto, same_init: set[str]) -> list[onnx.NodeProto]:
    """The nodes that compute from the PCM and identical initializers only (the front end)."""
    fixed = {'pcm', *same_init}
    nodes = []
    for n in m.graph.node:
        if all(i in fixed for i in n.input if i):
            fixed.update(n.output)
            nodes.append(n)
    return nodes


def ensemble(a_path: str, b_path: str, frame_mean: bool = False) -> onnx.ModelProto:
    a, b = onnx.load(a_path), onnx.load(b_path)
    for m, p in ((a, a_path), (b, b_path)):
        names = ([i.name for i in m.graph.input], [o.name for o in m.graph.output])
        if names != (['pcm'], ['logprobs']):
            sys.exit(f'{p}: not a digit model (inputs/outputs {names})')
    a_init = {t.name: numpy_helper.to_array(t) for t in a.graph.initializer}
    b_init = {t.name: numpy_helper.to_array(t) for t in b.graph.initializer}
    same = {k for k in a_init if k in b_init and a_init[k].shape == b_init[k].shape and (a_init[k] == b_init[k]).all()}
    front_a, front_b = shared_outputs(a, same), shared_outputs(b, same)
    if [n.SerializeToString() for n in front_a] != [n.SerializeToString() for n in front_b] or not front_a:
        sys.exit('the two models do not share a front end')
    front = {o for n in front_a for o in n.output}

    def rename(m: onnx.ModelProto, tag: str) -> tuple[list[onnx.NodeProto], list[onnx.TensorProto]]:
        """The model's network (the nodes after the shared front end) and its initializers, under `tag/`."""
        body = [n for n in m.graph.node if n.output[0] not in front]
        # Identical initializers the networks read (not only the front end) stay one per model.
        own = {i for n in body for i in n.input if i in same}

        def r(x: str) -> str:
            return x if x in ('', 'pcm') or x in front or (x in same and x not in own) else f'{tag}/{x}'
        out = []
        for n in body:
            c = onnx.NodeProto()
            c.CopyFrom(n)
            c.name = f'{tag}/{n.name}'
            c.input[:] = [r(i) for i in n.input]
            c.output[:] = [r(o) for o in n.output]
            out.append(c)
        inits = []
        for t in m.graph.initializer:
            if r(t.name) != t.name:
                c = onnx.TensorProto()
                c.CopyFrom(t)
                c.name = r(t.name)
                inits.append(c)
        return out, inits

    a_nodes, a_inits = rename(a, 'a')
    b_nodes, b_inits = rename(b, 'b')
    front_inits = [t for t in a.graph.initializer if t.name in same and any(t.name in n.input for n in front_a)]
    out_b = onnx.ValueInfoProto()
    out_b.CopyFrom(a.graph.output[0])
    out_b.name = 'logprobs_1'
    tail = [
        # LogSoftmax of the sum equals that of the mean: the halving cancels.
        helper.make_node('Add', ['a/logprobs', 'b/logprobs'], ['sum']),
        helper.make_node('LogSoftmax', ['sum'], ['logprobs'], axis=-1),
    ] if frame_mean else [
        helper.make_node('Identity', ['a/logprobs'], ['logprobs']),
        helper.make_node('Identity', ['b/logprobs'], ['logprobs_1']),
    ]
    g = helper.make_graph(
        nodes=[*front_a, *a_nodes, *b_nodes, *tail],
        name='digits-ensemble',
        inputs=[a.graph.input[0]],
        outputs=[a.graph.output[0]] if frame_mean else [a.graph.output[0], out_b],
        initializer=[*front_inits, *a_inits, *b_inits],
    )
    out = helper.make_model(g, opset_imports=a.opset_import, producer_name='livecheck ensemble-onnx.py')
    out.ir_version = a.ir_version
    onnx.checker.check_model(out)
    return out


if __name__ == '__main__':
    args = [a for a in sys.argv[1:] if a != '--frame-mean']
    if len(args) != 3:
        sys.exit(__doc__)
    onnx.save(ensemble(args[0], args[1], '--frame-mean' in sys.argv), args[2])
