#!/usr/bin/env python3
"""Make qsvit's model corpus: the two reference models in the forms users bring them.

Every model here is one of the trained reference models (examples/models/sdtv2 and spikformer, loaded from
their committed checkpoint.pt) exported again by PyTorch's TorchScript exporter (Debian's torch 1.13) and,
for some, rewritten with onnx's Python helpers:

  sdtv2-opset{9,11,13,17}       TorchScript export, Conv+BN fused, module paths in node names
  spikformer-opset{9,11,13,17}  export without constant folding: BN kept after the Linear layers, module
                                paths on initializers, nodes renamed node_<Op>_<i>
  spikformer-ir4                the op-set 9 export rebuilt by onnx.helper.make_model as IR 4 with every
                                initializer also a graph input, as exporters of that era wrote them (onnx's
                                version converter cannot go below op-set 9: ConstantOfShape has no earlier version)
  spikformer-float16            every float tensor in float16 (weights, BN, constants, activations), float32
                                image in and logits out (Casts at both ends), as float16 converters leave it
  spikformer-constant-weights   every initializer moved into a Constant node
  sdtv2-batchnorm               exported without fusing BatchNormalization into the convolutions
                                (TrainingMode.PRESERVE of the eval-mode model): 32 Conv -> BN pairs
  sdtv2-tensorflow-names        node and weight names as tf2onnx writes a Keras model's
                                (model/stage1/downsample/conv/Conv2D, .../Conv2D/ReadVariableOp:0)
  spikformer-dynamo-style       what torch.onnx.export(dynamo=True) of torch 2.x writes, rebuilt from the
                                TorchScript export (torch 2 is not available here): anonymous node_<Op>_<i>
                                nodes carrying pkg.torch.onnx.name_scopes / class_hierarchy / namespace metadata
                                in the exporter's format, BatchNormalization kept after every Conv and Linear,
                                Linear weights pre-transposed into generated initializers (val_<n>), weights in
                                an external data file of another name, shapes in value_info, IR 10 (the first
                                with node metadata; this onnx package predates it, so the metadata is written
                                as raw protobuf and the model is not passed through its checker)

To keep the files small, the models keep their weights in external data files shared by the models of one
reference model (each distinct tensor stored once): sdtv2.weights and spikformer.weights, and the dynamo-style
model's own spikformer-dynamo-style.bin; only the Constant-weights copy holds its weights inline. CORPUS.json
lists every model with its form, op-set, IR version and digest. Deterministic: running it again writes the same bytes.

  /usr/bin/python3 examples/models/corpus/make_corpus.py [--out examples/models/corpus]
"""
import argparse
import collections
import copy
import hashlib
import io
import json
import os
import sys

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper, shape_inference, TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import train  # noqa: E402  (the reference models' own definitions)

MODELS_DIR = os.path.dirname(HERE)


def load(arch):
    model = train.ARCHITECTURES[arch]["build"](timesteps=2)
    model.load_state_dict(torch.load(os.path.join(MODELS_DIR, arch, "checkpoint.pt"), map_location="cpu"))
    return model.eval()


def export(model, opset, fold, training=None):
    """A TorchScript export the way train.py makes the reference models."""
    f = io.BytesIO()
    train.MultiStepLIF.exporting = True
    try:
        kwargs = {} if training is None else {"training": training}
        torch.onnx.export(model, torch.zeros(1, 1, 28, 28), f, opset_version=opset, input_names=["image"],
                          output_names=["logits"], dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
                          do_constant_folding=fold, **kwargs)
    finally:
        train.MultiStepLIF.exporting = False
    proto = onnx.load_from_string(f.getvalue())
    proto.graph.output[0].type.tensor_type.shape.dim[1].dim_value = len(train.CLASSES)
    return proto


def initializer_paths(proto):
    """The reference Spikformer's style: module paths on initializers, nodes named node_<Op>_<i>."""
    train.name_parameters_of_fused_convs(proto)
    for i, node in enumerate(proto.graph.node):
        node.name = f"node_{node.op_type}_{i}"
    return proto


def finish(proto, form, reference):
    del proto.metadata_props[:]
    for key, value in (("qsvit.corpus.reference", reference), ("qsvit.corpus.form", form)):
        proto.metadata_props.add(key=key, value=value)
    proto.producer_name, proto.doc_string = "qsvit examples/models/corpus/make_corpus.py", ""
    return proto


# ------------------------------------------------------------------------------------------- rewrites
def ir4_initializers_as_inputs(proto):
    """Rebuilt by onnx.helper.make_model as IR 4, every initializer also declared as a graph input: how
    exporters of that era (PyTorch 1.1's, Tribuo's test CNN) wrote models, the initializer a default value."""
    graph = copy.deepcopy(proto.graph)
    declared = {i.name for i in graph.input}
    for t in graph.initializer:
        if t.name not in declared:
            graph.input.append(helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 9)], ir_version=4)


def to_float16(proto):
    """Every float32 tensor of the graph in float16; the image and the logits stay float32 at the edges."""
    graph = proto.graph
    for t in graph.initializer:
        if t.data_type == TensorProto.FLOAT:
            t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float16), t.name))
    for node in graph.node:
        for a in node.attribute:
            if a.type == onnx.AttributeProto.TENSOR and a.t.data_type == TensorProto.FLOAT:
                a.t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(a.t).astype(np.float16), a.t.name))
            if node.op_type == "Cast" and a.name == "to" and a.i == TensorProto.FLOAT:
                a.i = TensorProto.FLOAT16
    del graph.value_info[:]
    # float32 image in, cast to float16 for the graph; the graph's float16 logits cast back at the end
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name == "image":
                node.input[i] = "image_float16"
    for node in graph.node:
        for i, name in enumerate(node.output):
            if name == "logits":
                node.output[i] = "logits_float16"
    graph.node.insert(0, helper.make_node("Cast", ["image"], ["image_float16"], name="/Cast_image",
                                          to=TensorProto.FLOAT16))
    graph.node.append(helper.make_node("Cast", ["logits_float16"], ["logits"], name="/Cast_logits",
                                       to=TensorProto.FLOAT))
    return proto


def constant_weights(proto):
    """Every initializer held by a Constant node instead."""
    graph = proto.graph
    constants = [helper.make_node("Constant", [], [t.name], name=f"/Constant_{t.name}", value=t)
                 for t in graph.initializer]
    del graph.initializer[:]
    nodes = constants + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    return proto


TF_OPS = {"Conv": "Conv2D", "Gemm": "MatMul", "GreaterOrEqual": "GreaterEqual", "Sub": "Sub", "Div": "RealDiv",
          "Add": "AddV2", "Mul": "Mul", "ReduceMean": "Mean", "Transpose": "transpose", "Reshape": "Reshape"}


def tensorflow_names(proto):
    """Names as tf2onnx gives a Keras model's: model/<layer path>/<TF op>, weights .../ReadVariableOp:0."""
    graph = proto.graph
    initializers = {t.name for t in graph.initializer}
    renames = {}
    for node in graph.node:
        segments = [s for s in node.name.split("/") if s]
        op = segments[-1] if segments else node.op_type
        base, _, counter = op.partition("_")
        tf_op = TF_OPS.get(base, base) + ("_" + counter if counter else "")
        scope = "/".join(["model"] + segments[:-1])
        node.name = f"{scope}/{tf_op}"
        if node.op_type in ("Conv", "Gemm"):
            for index, role in ((1, tf_op), (2, "BiasAdd")):
                if index < len(node.input) and node.input[index] in initializers:
                    renames[node.input[index]] = f"{scope}/{role}/ReadVariableOp:0"
    for t in graph.initializer:
        t.name = renames.get(t.name, t.name)
    for node in graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = renames.get(name, name)
    return proto


FX_NAMES = {"Conv": "conv2d", "BatchNormalization": "batch_norm", "MatMul": "matmul", "Add": "add", "Sub": "sub",
            "Mul": "mul", "Div": "div", "Transpose": "transpose", "Reshape": "view", "GreaterOrEqual": "ge",
            "Cast": "_to_copy", "ReduceMean": "mean", "MaxPool": "max_pool2d", "Gemm": "linear",
            "Concat": "cat", "Tile": "repeat", "Expand": "expand", "Unsqueeze": "unsqueeze", "Slice": "slice",
            "Gather": "select", "Shape": "sym_size", "ConstantOfShape": "zeros_like", "Constant": "_tensor_constant"}


def dynamo_style(proto, model):
    """The dynamo exporter's form, rebuilt from a TorchScript export (see the module docstring)."""
    graph = proto.graph
    classes = {name: f"{type(m).__module__}.{type(m).__qualname__}" for name, m in model.named_modules()}
    classes[""] = f"{type(model).__module__}.{type(model).__qualname__}"
    initializers = {t.name: t for t in graph.initializer}
    producers = {o: n for n in graph.node for o in n.output}
    counters = collections.Counter()
    last_linear = {}  # module -> the fx name of its linear, shared by its MatMul and Add
    generated = 0
    new_initializers = []
    for i, node in enumerate(graph.node):
        segments = [s for s in node.name.split("/") if s][:-1]
        # TorchScript scopes name each module once (blocks.0, attn, q, fc); dynamo lists every enclosing module's
        # full path: '', blocks.0, blocks.0.attn, blocks.0.attn.q, blocks.0.attn.q.fc
        modules, path = [], ""
        for s in segments:
            path = s if not path or s.startswith(path + ".") else path + "." + s
            modules.append(path)
        # a Linear is MatMul (+ Add) in the graph, one fx node 'linear' in the exported program
        is_linear = modules and type(dict(model.named_modules()).get(modules[-1])).__name__ == "Linear"
        fx_base = "linear" if is_linear and node.op_type in ("MatMul", "Add", "Gemm") else \
            FX_NAMES.get(node.op_type, node.op_type.lower())
        if is_linear and node.op_type == "Add":
            fx = last_linear.get(modules[-1], fx_base)
        else:
            n = counters[fx_base]
            counters[fx_base] += 1
            fx = fx_base if n == 0 else f"{fx_base}_{n}"
            if is_linear:
                last_linear[modules[-1]] = fx
        scopes = [""] + modules + [fx]
        hierarchy = [classes.get(m, "torch.nn.Module") for m in [""] + modules] + [f"aten.{fx_base}.default"]
        namespace = "/".join(f"{m}: {c}" for m, c in zip([""] + modules, hierarchy[:-1])) + f"/{fx}: aten.{fx_base}.default"
        for key, value in (("namespace", namespace), ("pkg.torch.onnx.class_hierarchy", repr(hierarchy)),
                           ("pkg.torch.onnx.name_scopes", repr(scopes))):
            add_node_metadata(node, key, value)
        node.name = f"node_{node.op_type}_{i}"
        # Linear weights: the Transpose folded into a generated initializer, as the exporter's optimizer leaves it
        if node.op_type == "MatMul" and len(node.input) == 2:
            transpose = producers.get(node.input[1])
            if transpose is not None and transpose.op_type == "Transpose" and transpose.input[0] in initializers:
                weight = numpy_helper.to_array(initializers[transpose.input[0]]).T.copy()
                name = f"val_{generated}"
                generated += 1
                new_initializers.append(numpy_helper.from_array(weight, name))
                node.input[1] = name
    graph.initializer.extend(new_initializers)
    # drop the Transposes and weights no node reads any more
    read = {i for n in graph.node for i in n.input}
    kept = [n for n in graph.node if n.op_type != "Transpose" or n.output[0] in read]
    while True:
        read = {i for n in kept for i in n.input} | {o.name for o in graph.output}
        pruned = [n for n in kept if any(o in read for o in n.output)]
        if len(pruned) == len(kept):
            break
        kept = pruned
    del graph.node[:]
    graph.node.extend(kept)
    read = {i for n in graph.node for i in n.input}
    live = [t for t in graph.initializer if t.name in read]
    del graph.initializer[:]
    graph.initializer.extend(live)
    inferred = shape_inference.infer_shapes(proto)
    inferred.ir_version = 10  # node metadata_props are IR 10's; the dynamo exporter writes IR 10
    return inferred


def add_node_metadata(node, key, value):
    """NodeProto.metadata_props (field 9, IR 10) as raw protobuf: the onnx 1.12 Python package predates the
    field, and protobuf keeps a field it does not know when it writes the message again."""
    def varint(n):
        out = bytearray()
        while True:
            out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
            n >>= 7
            if not n:
                return bytes(out)

    def field(number, payload):
        return varint(number << 3 | 2) + varint(len(payload)) + payload

    entry = field(1, key.encode()) + field(2, value.encode())
    node.MergeFromString(field(9, entry))


# --------------------------------------------------------------------------------------- external data
class WeightFile:
    """One external data file shared by several models: every distinct tensor stored once, 64-byte aligned."""

    def __init__(self, folder, name):
        self.path, self.name = os.path.join(folder, name), name
        self.data, self.offsets = bytearray(), {}

    def externalize(self, proto, min_bytes=1024):
        for t in proto.graph.initializer:
            raw = numpy_helper.to_array(t).tobytes()
            if len(raw) < min_bytes:
                continue
            key = (t.data_type, tuple(t.dims), hashlib.sha256(raw).hexdigest())
            if key not in self.offsets:
                self.data.extend(b"\0" * (-len(self.data) % 64))
                self.offsets[key] = len(self.data)
                self.data.extend(raw)
            t.ClearField("raw_data")
            for field in ("float_data", "int32_data", "int64_data", "double_data"):
                t.ClearField(field)
            t.data_location = TensorProto.EXTERNAL
            del t.external_data[:]
            for k, v in (("location", self.name), ("offset", str(self.offsets[key])), ("length", str(len(raw)))):
                t.external_data.add(key=k, value=v)
        return proto

    def write(self):
        with open(self.path, "wb") as f:
            f.write(bytes(self.data))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=HERE)
    args = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    sdtv2, spikformer = load("sdtv2"), load("spikformer")
    shared = {"sdtv2": WeightFile(args.out, "sdtv2.weights"), "spikformer": WeightFile(args.out, "spikformer.weights")}
    dynamo_file = WeightFile(args.out, "spikformer-dynamo-style.bin")
    entries = []

    def save(name, proto, reference, form, weights=None):
        proto = finish(proto, form, reference)
        if proto.ir_version <= onnx.IR_VERSION:  # this onnx's checker knows IR versions up to its own
            onnx.checker.check_model(proto)
        if weights is not None:
            weights.externalize(proto)
        path = os.path.join(args.out, name + ".onnx")
        onnx.save(proto, path)
        opset = next(o.version for o in proto.opset_import if o.domain in ("", "ai.onnx"))
        entries.append({"file": name + ".onnx", "reference": reference, "form": form, "opset": opset,
                        "ir_version": proto.ir_version, "external_data": weights.name if weights else None,
                        "sha256": sha256(path)})
        print(f"{name}: op-set {opset}, IR {proto.ir_version}, {os.path.getsize(path)} bytes", flush=True)

    for opset in (9, 11, 13, 17):
        save(f"sdtv2-opset{opset}", export(sdtv2, opset, fold=True), "sdtv2",
             f"TorchScript export at op-set {opset}, Conv+BN fused, paths in node names", shared["sdtv2"])
    for opset in (9, 11, 13, 17):
        save(f"spikformer-opset{opset}", initializer_paths(export(spikformer, opset, fold=False)), "spikformer",
             f"export at op-set {opset} without constant folding, BN after Linear, paths on initializers",
             shared["spikformer"])
    save("spikformer-ir4", ir4_initializers_as_inputs(initializer_paths(export(spikformer, 9, fold=False))),
         "spikformer", "op-set 9 export rebuilt by onnx.helper.make_model as IR 4, initializers also graph inputs",
         shared["spikformer"])
    save("spikformer-float16", to_float16(initializer_paths(export(spikformer, 13, fold=False))), "spikformer",
         "every tensor float16, float32 image in and logits out", shared["spikformer"])
    save("spikformer-constant-weights", constant_weights(initializer_paths(export(spikformer, 13, fold=False))),
         "spikformer", "every initializer held by a Constant node")
    save("sdtv2-batchnorm", export(sdtv2, 13, fold=False, training=torch.onnx.TrainingMode.PRESERVE), "sdtv2",
         "BatchNormalization not fused: a BN after each of the 32 convolutions", shared["sdtv2"])
    save("sdtv2-tensorflow-names", tensorflow_names(export(sdtv2, 13, fold=True)), "sdtv2",
         "tf2onnx-style names: model/<layer path>/<TF op>, weights <op>/ReadVariableOp:0", shared["sdtv2"])
    save("spikformer-dynamo-style",
         dynamo_style(export(spikformer, 17, fold=False, training=torch.onnx.TrainingMode.PRESERVE), spikformer),
         "spikformer", "dynamo exporter's form: node_<Op>_<i> names, name_scopes metadata, BN after Conv and "
                       "Linear, generated weight names, external data file of another name", dynamo_file)
    for weights in list(shared.values()) + [dynamo_file]:
        weights.write()
    with open(os.path.join(args.out, "CORPUS.json"), "w") as f:
        json.dump({"made_by": "python3 examples/models/corpus/make_corpus.py", "torch": torch.__version__,
                   "onnx": onnx.__version__, "models": entries,
                   "weights": {w.name: sha256(w.path) for w in list(shared.values()) + [dynamo_file]}}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
