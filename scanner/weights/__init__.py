"""Weight-file readers: header parsers, never loaders.

FORMATS is the registry of weight formats (one module each); WEIGHT_READERS holds the one
collector that runs them over the walk.
"""

from __future__ import annotations

from scanner.sources.base import Source
from scanner.weights.base import WeightFormat
from scanner.weights.gguf import Gguf
from scanner.weights.keras_h5 import KerasH5
from scanner.weights.numpy_npy import NumpyNpy
from scanner.weights.onnx import Onnx
from scanner.weights.pickles import Pickles
from scanner.weights.reader import WeightFileReader
from scanner.weights.safetensors import Safetensors
from scanner.weights.savedmodel import SavedModel
from scanner.weights.tflite import Tflite
from scanner.weights.torch_zip import TorchZip

FORMATS: tuple[WeightFormat, ...] = (
    Safetensors(),
    Gguf(),
    TorchZip(),
    NumpyNpy(),
    KerasH5(),
    Tflite(),
    Pickles(),
    Onnx(),
    SavedModel(),
)
"""Order matters only among formats whose magic matches the same bytes (zip archives):
the file's suffix picks first, then this order."""

WEIGHT_READERS: tuple[Source, ...] = (WeightFileReader(formats=FORMATS),)
