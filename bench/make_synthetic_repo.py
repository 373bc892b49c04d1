"""Write a deterministic synthetic repository for `bench_references.py`.

The tree (20,000 files by default) is what the reference scan meets in a large monorepo:
a few hundred hub model / dataset references spread over `.py` files, Jupyter notebooks and
YAML / JSON training configs, inside many ordinary Python modules (a third of them import
numpy, torch or pandas, so the reader's cheap pre-filter lets them through to the parser),
Markdown / text / CSV files and YAML / JSON files that name no model. The same seed and size
always give byte-identical files.

  python bench/make_synthetic_repo.py /tmp/aibom-synth --files 20000

Never generate the tree inside the repository: the project's own scans would read it.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

ORGS = ("acme", "meta-llama", "Qwen", "mistralai", "google", "BAAI", "intfloat", "sentence-x")
MODELS = ("bert-small", "Llama-3.1-8B", "Qwen2.5-7B", "ranker-v2", "e5-base", "tiny-clf")
DATASETS = ("alpaca", "ultrachat", "support-tickets", "wiki-mini", "gsm8k", "reviews")
LEGACY = ("gpt2", "bert-base-uncased", "t5-small", "distilbert-base-uncased")
WORDS = (
    "alpha", "beta", "gamma", "delta", "value", "result", "config", "items", "batch", "record",
    "token", "frame", "row", "column", "score", "loss", "step", "epoch", "window", "buffer",
    "cache", "index", "offset", "total", "count", "limit", "scale",
)  # fmt: skip

PY_REFERENCES = (
    'from transformers import AutoModel, AutoTokenizer\n\nMODEL = "{model}"\n\n\n'
    "def load():\n    tok = AutoTokenizer.from_pretrained(MODEL)\n"
    '    return tok, AutoModel.from_pretrained(MODEL, revision="main")\n',
    "from transformers import pipeline\n\n\ndef classifier():\n"
    '    return pipeline("text-classification", model="{model}")\n',
    'from datasets import load_dataset\n\n\ndef data():\n    return load_dataset("{dataset}")\n',
    "from sentence_transformers import SentenceTransformer\n\n"
    'ENCODER = SentenceTransformer("{model}")\n',
    "from huggingface_hub import hf_hub_download\n\n\ndef fetch():\n"
    '    return hf_hub_download("{model}", "model.safetensors")\n',
    "import transformers\n\n\ndef legacy():\n"
    '    return transformers.AutoModelForCausalLM.from_pretrained("{legacy}")\n',
    "from peft import PeftModel\nfrom transformers import AutoModelForCausalLM\n\n"
    'base = AutoModelForCausalLM.from_pretrained("{model}", trust_remote_code=True)\n'
    'model = PeftModel.from_pretrained(base, "{adapter}")\n',
)
YAML_REFERENCE = (
    "base_model: {model}\nmodel_type: AutoModelForCausalLM\nload_in_8bit: false\n"
    "datasets:\n  - path: {dataset}\n    type: alpaca\nsequence_len: 2048\n"
    "learning_rate: 0.0002\nnum_epochs: 3\n"
)
JSON_REFERENCE = {
    "model_name_or_path": "{model}",
    "dataset_name": "{dataset}",
    "per_device_train_batch_size": 8,
    "learning_rate": 5e-5,
}


def main() -> int:
    """Write the tree; refuse to write into an existing non-empty directory unless --force."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="directory to create (under /tmp)")
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--references", type=int, default=300)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--force", action="store_true", help="replace an existing tree")
    args = parser.parse_args()
    if args.out.exists() and any(args.out.iterdir()):
        if not args.force:
            sys.exit(f"{args.out} exists and is not empty (use --force to replace it)")
        shutil.rmtree(args.out)
    counts = generate(args.out, files=args.files, references=args.references, seed=args.seed)
    print(", ".join(f"{n} {kind}" for kind, n in counts.items()), f"under {args.out}")
    return 0


def generate(out: Path, *, files: int, references: int, seed: int) -> dict[str, int]:
    """Write `files` files, `references` of which name hub repos; returns counts by kind."""
    rng = random.Random(seed)  # noqa: S311 - not cryptography, a reproducible tree
    plan = ["py-ref"] * (references * 6 // 10) + ["ipynb-ref"] * (references // 10)
    plan += ["yaml-ref"] * (references * 2 // 10)
    plan += ["json-ref"] * (references - len(plan))
    rest = files - len(plan) - 2
    plan += ["py"] * (rest * 65 // 100) + ["md"] * (rest * 15 // 100)
    plan += ["txt"] * (rest * 8 // 100) + ["csv"] * (rest * 4 // 100)
    plan += ["yaml"] * (rest * 4 // 100)
    plan += ["json"] * (files - 2 - len(plan))
    rng.shuffle(plan)
    out.mkdir(parents=True, exist_ok=True)
    (out / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (out / "requirements.txt").write_text("transformers==4.46.3\ndatasets==3.1.0\n", "utf-8")
    counts: dict[str, int] = {}
    for index, kind in enumerate(plan):
        path = out / f"pkg{index // 2000:02d}" / f"mod{index // 50 % 40:02d}" / name(index, kind)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(WRITERS[kind](rng), encoding="utf-8")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


PYPROJECT = '[project]\nname = "synthetic"\nversion = "0.1.0"\ndependencies = ["transformers"]\n'
SUFFIX = {"py-ref": ".py", "ipynb-ref": ".ipynb", "yaml-ref": ".yaml", "json-ref": ".json"}


def name(index: int, kind: str) -> str:
    """File name of the `index`-th file."""
    suffix = SUFFIX.get(kind, f".{kind}")
    stem = "train" if kind.endswith("-ref") and suffix != ".py" else "file"
    return f"{stem}_{index:05d}{suffix}"


def hub(rng: random.Random) -> dict[str, str]:
    """Ids one reference template is filled with."""
    return {
        "model": f"{rng.choice(ORGS)}/{rng.choice(MODELS)}-{rng.randrange(40)}",
        "adapter": f"{rng.choice(ORGS)}/lora-{rng.randrange(40)}",
        "dataset": f"{rng.choice(ORGS)}/{rng.choice(DATASETS)}-{rng.randrange(20)}",
        "legacy": rng.choice(LEGACY),
    }


def ordinary_python(rng: random.Random) -> str:
    """A plain module: imports, constants, a class and functions (60-200 lines)."""
    lines = ['"""Synthetic module."""', "", "from __future__ import annotations", ""]
    lines += ["import os", "import json"]
    heavy = rng.random()
    if heavy < 0.15:
        lines.append("import numpy as np")
    elif heavy < 0.25:
        lines.append("import torch")
    elif heavy < 0.33:
        lines.append("import pandas as pd")
    lines += ["", f"LIMIT = {rng.randrange(1000)}", ""]
    for f in range(rng.randrange(4, 14)):
        a, b, c = rng.sample(WORDS, 3)
        lines += [
            "",
            f"def {a}_{b}_{f}({a}: int, {b}: list[int]) -> int:",
            f'    """Return the {c} of {a} and {b}."""',
            f"    {c} = {a}",
            f"    for item in {b}:",
            "        if item > LIMIT:",
            f"            {c} += item * {rng.randrange(1, 9)}",
            "        else:",
            f"            {c} -= len(os.sep) + json.dumps(item).count('0')",
            f"    return {c}",
            "",
        ]
    lines += ["", f"class {rng.choice(WORDS).title()}Store:", '    """A store."""', ""]
    lines += ["    def __init__(self) -> None:", "        self.items: dict[str, int] = {}", ""]
    return "\n".join(lines) + "\n"


def prose(rng: random.Random) -> str:
    """Markdown or text: paragraphs of words."""
    paragraphs = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randrange(30, 90)))
        for _ in range(rng.randrange(3, 15))
    ]
    return "# Notes\n\n" + "\n\n".join(paragraphs) + "\n"


def table(rng: random.Random) -> str:
    """A CSV file."""
    rows = [",".join(rng.sample(WORDS, 5))]
    rows += [",".join(str(rng.randrange(10_000)) for _ in range(5)) for _ in range(200)]
    return "\n".join(rows) + "\n"


def plain_yaml(rng: random.Random) -> str:
    """A YAML config that names no model."""
    return "".join(f"{rng.choice(WORDS)}_{i}: {rng.randrange(100)}\n" for i in range(20))


def plain_json(rng: random.Random) -> str:
    """A JSON file that names no model."""
    return json.dumps({f"{rng.choice(WORDS)}_{i}": rng.randrange(100) for i in range(20)})


def py_reference(rng: random.Random) -> str:
    """A module that loads a hub model or dataset, after some ordinary code."""
    return rng.choice(PY_REFERENCES).format(**hub(rng)) + "\n\n" + ordinary_python(rng)


def notebook_reference(rng: random.Random) -> str:
    """A notebook: a markdown cell, a code cell loading a model, a code cell using it."""
    ids = hub(rng)
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Experiment\n"]},
        code_cell(
            1,
            "from transformers import AutoModelForSequenceClassification\n"
            f'model = AutoModelForSequenceClassification.from_pretrained("{ids["model"]}")',
        ),
        code_cell(2, f'from datasets import load_dataset\nds = load_dataset("{ids["dataset"]}")'),
        code_cell(3, "%matplotlib inline\nprint(model.config)"),
    ]
    document = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1) + "\n"


def code_cell(number: int, source: str) -> dict[str, object]:
    """One nbformat 4 code cell."""
    lines = source.splitlines(keepends=True)
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": f"cell-{number}",
        "metadata": {},
        "outputs": [],
        "source": lines,
    }


def yaml_reference(rng: random.Random) -> str:
    """An axolotl-style training config."""
    return YAML_REFERENCE.format(**hub(rng))


def json_reference(rng: random.Random) -> str:
    """A transformers-Trainer-style JSON args file."""
    ids = hub(rng)
    document = {key: value.format(**ids) if isinstance(value, str) else value
                for key, value in JSON_REFERENCE.items()}  # fmt: skip
    return json.dumps(document, indent=2) + "\n"


WRITERS = {
    "py": ordinary_python,
    "md": prose,
    "txt": prose,
    "csv": table,
    "yaml": plain_yaml,
    "json": plain_json,
    "py-ref": py_reference,
    "ipynb-ref": notebook_reference,
    "yaml-ref": yaml_reference,
    "json-ref": json_reference,
}


if __name__ == "__main__":
    raise SystemExit(main())
