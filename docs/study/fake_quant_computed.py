#!/usr/bin/python3
"""Study tool (docs/qsvit-reproduction.md), not part of qsvit: inserts fixed-point fake quantization Qm.n
(truncation, saturation) on tensors a spiking transformer computes, and count outputs for each of them.

  fake_quant_computed.py MODEL OUT TARGET BITS INT_BITS [GROUP_PREFIX]

TARGET attention: the outputs of the attention MatMuls that multiply two computed tensors (Q.K^T, (.)V and their
sums; the MatMuls whose inputs are both computed, minus those reading a weight through Transpose);
TARGET membrane: the membrane potential of every LIF neuron, the first input of each GreaterOrEqual spike
comparison, quantized where it is produced so that the reset path reads the quantized value too.
GROUP_PREFIX keeps only tensors whose name contains it (e.g. /stage3/block1/). For each quantized tensor t the
model gains outputs qstat_sat/<t> (elements out of range, saturated), qstat_zero/<t> (non-zero elements that
became zero) and qstat_size/<t> (elements), summed over the batch.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def computed_matmuls(graph):
    weights = {t.name for t in graph.initializer}
    producers = {o: n for n in graph.node for o in n.output}
    for n in graph.node:
        if n.op_type != 'MatMul' or 'attn' not in n.name + n.output[0]:
            continue
        reads_weight = False
        for i in n.input:
            p = producers.get(i)
            if i in weights or (p is not None and p.op_type in ('Transpose', 'Constant') and p.input and p.input[0] in weights) \
                    or (p is not None and p.op_type == 'Constant'):
                reads_weight = True
        # linear layers of the dynamo export read their weights as a MatMul of a transposed initializer
        if not reads_weight and not any(s in n.output[0] for s in ('/q/', '/k/', '/v/', '/proj/', '/fc')):
            yield n.output[0]


def membranes(graph):
    return [n.input[0] for n in graph.node if n.op_type == 'GreaterOrEqual']


def main(model_path, out, target, bits, int_bits, prefix=''):
    bits, int_bits = int(bits), int(int_bits)
    frac = bits - 1 - int_bits
    assert frac >= 0, 'format does not fit'
    model = onnx.load(model_path)
    graph = model.graph
    names = list(computed_matmuls(graph)) if target == 'attention' else membranes(graph)
    names = sorted({n for n in names if prefix in n}, key=names.index)
    if not names:
        sys.exit('no %s tensors match %r' % (target, prefix))
    scale_up = numpy_helper.from_array(np.array(2.0 ** frac, np.float32), 'qfq_up')
    scale_down = numpy_helper.from_array(np.array(2.0 ** -frac, np.float32), 'qfq_down')
    lo = numpy_helper.from_array(np.array(-(2.0 ** (bits - 1)), np.float32), 'qfq_lo')
    hi = numpy_helper.from_array(np.array(2.0 ** (bits - 1) - 1, np.float32), 'qfq_hi')
    zero = numpy_helper.from_array(np.array(0.0, np.float32), 'qfq_zero')
    graph.initializer.extend([scale_up, scale_down, lo, hi, zero])
    nodes = list(graph.node)
    for i, t in enumerate(names):
        q = t + '.qfq'
        for n in nodes:  # consumers read the quantized tensor
            for k, name in enumerate(n.input):
                if name == t:
                    n.input[k] = q
        for o in graph.output:
            assert o.name != t
        p = 'qfq%d/' % i
        new = [
            helper.make_node('Mul', [t, 'qfq_up'], [p + 'x'], name=p + 'up'),
            helper.make_node('Floor', [p + 'x'], [p + 'fl'], name=p + 'floor'),
            helper.make_node('Clip', [p + 'fl', 'qfq_lo', 'qfq_hi'], [p + 'cl'], name=p + 'clip'),
            helper.make_node('Mul', [p + 'cl', 'qfq_down'], [q], name=p + 'down'),
            # counts
            helper.make_node('Greater', [p + 'fl', 'qfq_hi'], [p + 'over'], name=p + 'over'),
            helper.make_node('Less', [p + 'fl', 'qfq_lo'], [p + 'under'], name=p + 'under'),
            helper.make_node('Or', [p + 'over', p + 'under'], [p + 'sat'], name=p + 'sat'),
            helper.make_node('Cast', [p + 'sat'], [p + 'satf'], to=TensorProto.FLOAT, name=p + 'satf'),
            helper.make_node('ReduceSum', [p + 'satf'], ['qstat_sat/' + t], keepdims=0, name=p + 'satsum'),
            helper.make_node('Equal', [t, 'qfq_zero'], [p + 'was0'], name=p + 'was0'),
            helper.make_node('Not', [p + 'was0'], [p + 'nz'], name=p + 'nz'),
            helper.make_node('Equal', [q, 'qfq_zero'], [p + 'is0'], name=p + 'is0'),
            helper.make_node('And', [p + 'nz', p + 'is0'], [p + 'zeroed'], name=p + 'zeroed'),
            helper.make_node('Cast', [p + 'zeroed'], [p + 'zf'], to=TensorProto.FLOAT, name=p + 'zf'),
            helper.make_node('ReduceSum', [p + 'zf'], ['qstat_zero/' + t], keepdims=0, name=p + 'zsum'),
            helper.make_node('Size', [t], ['qstat_size/' + t], name=p + 'size'),
        ]
        producer = next(k for k, n in enumerate(nodes) if t in n.output)
        nodes[producer + 1:producer + 1] = new
        for kind, elem in (('sat', TensorProto.FLOAT), ('zero', TensorProto.FLOAT), ('size', TensorProto.INT64)):
            graph.output.append(helper.make_tensor_value_info('qstat_%s/%s' % (kind, t), elem, []))
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, out)
    print('%s: %d %s tensors at fixed%d:q%d.%d:truncate' % (out, len(names), target, bits, int_bits, frac))


if __name__ == '__main__':
    main(*sys.argv[1:])
