"""The Python code reader: claims, pre-filter, parse errors, notebooks, name resolution."""

from __future__ import annotations

import ast
from pathlib import Path, PurePosixPath

import pytest

from scanner.context import ScanContext
from scanner.errors import SourceError
from scanner.references.patterns import CALL_PATTERNS
from scanner.references.prefilter import matcher
from scanner.references.python_code import (
    MODULE_KEY,
    PythonCodeReader,
    without_magics,
)
from tests.conftest import PROJECTS, REPO
from tests.scanner.references.refs import (
    FILES,
    READER,
    components,
    hub,
    hub_ids,
    line,
    problems,
    scan,
    snippet,
)
from tests.scanner.sources.helpers import collect, walk_entry


def test_claims_python_files_and_notebooks_only() -> None:
    assert READER.claims(walk_entry("pkg/app.py"))
    assert READER.claims(walk_entry("explore.ipynb"))
    assert not READER.claims(walk_entry("app.pyc"))
    assert not READER.claims(walk_entry("README.md"))


def test_every_pattern_is_registered_once() -> None:
    names = [p.name for p in CALL_PATTERNS]
    assert len(names) == len(set(names))
    registered = {type(p).__module__ + "." + type(p).__name__ for p in CALL_PATTERNS}
    declared = set()
    for path in (REPO / "scanner" / "references").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and any(
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and stmt.target.id == "callees"
                for stmt in node.body
            ):
                declared.add(f"scanner.references.{path.stem}.{node.name}")
    assert declared == registered


def test_prefilter_skips_files_naming_no_loader(tmp_path: Path) -> None:
    records = snippet(tmp_path, 'NAME = "meta-llama/Llama-2-7b-hf"\nprint(NAME)\n')
    assert records == []
    # not even parsed: broken code without a loader name is not a problem of ours
    assert snippet(tmp_path, "def broken(:\n", "other.py") == []
    found = matcher(CALL_PATTERNS)
    assert found.mentions(b"from transformers import AutoModel\nAutoModel.from_pretrained(x)")
    # a module name alone is not enough: nothing in this file can be a recognised call
    assert not found.mentions(b"import numpy as np\nnp.zeros(3)\n")
    assert not found.mentions(b"from transformers import AutoModel\n")
    # a loader name counts only with its own module: from_pretrained is transformers', not numpy's
    assert not found.mentions(b"import numpy as np\nx.from_pretrained(y)\n")
    assert found.mentions(b"import numpy as np\nnp.load(path, allow_pickle=True)\n")


def test_comments_docstrings_and_logs_are_not_references() -> None:
    assert collect(READER, FILES, "mentions_only.py") == []
    embed = scan("rag-service", "rag_service/embed.py")
    assert hub_ids(embed) == {
        "sentence-transformers/all-MiniLM-L6-v2",
        "cross-encoder/ms-marco-MiniLM-L-6-v2",
    }
    assert scan("rag-service", "rag_service/settings.py") == []
    assert scan("rag-service", "tests/test_settings.py") == []


def test_syntax_error_is_a_source_error_with_its_line() -> None:
    with pytest.raises(SourceError) as caught:
        collect(READER, FILES, "unclosed_call.py")
    assert caught.value.line == 3
    assert "invalid Python" in caught.value.reason


def test_invalid_escape_warning_is_silenced() -> None:
    # pytest runs with filterwarnings=error: a leaked SyntaxWarning would fail here
    records = collect(READER, FILES, "invalid_escape.py")
    assert hub_ids(records) == {"google-bert/bert-base-cased"}
    assert hub(records)["google-bert/bert-base-cased"].location.line == 5


def test_file_over_the_text_limit_is_refused(tmp_path: Path) -> None:
    from scanner.config import Limits

    path = tmp_path / "big.py"
    path.write_text("import transformers\n" + "#" * 200 + "\n")
    ctx = ScanContext(root=tmp_path, limits=Limits(max_text_bytes=100))
    entry = walk_entry("big.py")
    with pytest.raises(SourceError, match="limit"):
        list(READER.collect(entry, ctx))


def test_names_resolve_through_sibling_modules_fstrings_and_env_defaults() -> None:
    records = scan("rag-service", "rag_service/generate.py")
    refs = hub(records)
    # `settings.GENERATOR_MODEL = os.getenv("GENERATOR_MODEL", "<default>")`
    assert refs["mistralai/Mistral-7B-Instruct-v0.3"].via == "vllm.LLM"
    embed = hub(scan("rag-service", "rag_service/embed.py"))
    # f"{HUB_ORG}/all-MiniLM-L6-v2" and "cross-encoder/" + "..." from `.settings`
    pinned = embed["sentence-transformers/all-MiniLM-L6-v2"]
    assert pinned.revision == "8b3219a92973c328a8e22fadcfa821b5dc75636a"
    assert embed["cross-encoder/ms-marco-MiniLM-L-6-v2"].revision == "main"


def test_absolute_import_of_a_project_package_constant() -> None:
    refs = hub(scan("finetune-lora", "scripts/eval.py"))
    assert refs["meta-llama/Llama-2-7b-hf"].location.line == 4


def test_sibling_module_is_parsed_once_per_scan() -> None:
    root = PROJECTS / "rag-service"
    from tests.scanner.sources.helpers import context_for

    ctx = context_for(root)
    for rel in ("rag_service/embed.py", "rag_service/generate.py"):
        list(READER.collect(walk_entry(rel), ctx))
    settings = PurePosixPath("rag_service/settings.py")
    module = ctx.memo[(MODULE_KEY, settings)]
    list(READER.collect(walk_entry("rag_service/embed.py"), ctx))
    assert ctx.memo[(MODULE_KEY, settings)] is module
    # its own turn reuses the parse (and reports nothing: it only holds constants)
    assert list(READER.collect(walk_entry("rag_service/settings.py"), ctx)) == []
    assert ctx.memo[(MODULE_KEY, settings)] is module
    # once read, only the module scope is kept; reading the file again parses it again
    assert module.calls == []
    assert not module.complete
    assert len(hub(list(READER.collect(walk_entry("rag_service/embed.py"), ctx)))) == 2


def test_default_argument_and_local_single_assignment(tmp_path: Path) -> None:
    code = (
        "from transformers import AutoModel, AutoTokenizer\n"
        "def load(model_id='org/default-arg'):\n"
        "    name = 'org/local-once'\n"
        "    twice = 'org/first'\n"
        "    twice = 'org/second'\n"
        "    AutoModel.from_pretrained(model_id)\n"
        "    AutoTokenizer.from_pretrained(name)\n"
        "    AutoModel.from_pretrained(twice)\n"
    )
    records = snippet(tmp_path, code)
    assert hub_ids(records) == {"org/default-arg", "org/local-once"}


def test_aliases_and_module_imports(tmp_path: Path) -> None:
    code = (
        "import transformers as tf\n"
        "import huggingface_hub\n"
        "from transformers import AutoModelForSeq2SeqLM as S2S\n"
        "tf.AutoModel.from_pretrained('org/a')\n"
        "S2S.from_pretrained('org/b')\n"
        "huggingface_hub.snapshot_download('org/c')\n"
        "load = S2S.from_pretrained\n"
        "load('org/d')\n"
    )
    assert hub_ids(snippet(tmp_path, code)) == {"org/a", "org/b", "org/c", "org/d"}


def test_unrelated_from_pretrained_is_not_a_reference(tmp_path: Path) -> None:
    code = (
        "import transformers\n"
        "class Mine:\n"
        "    @classmethod\n"
        "    def from_pretrained(cls, name): ...\n"
        "Mine.from_pretrained('org/not-hub')\n"
        "from mylib import AutoModel\n"
        "AutoModel.from_pretrained('org/also-not')\n"
    )
    assert snippet(tmp_path, code) == []


def test_local_paths_are_skipped() -> None:
    records = scan("finetune-lora", "finetune/train.py")
    ids = hub_ids(records)
    assert "models/local-bert" not in ids
    assert not any(i.startswith("output") for i in ids)
    assert "google/flan-t5-small" in ids


def test_notebook_code_cells_with_magics() -> None:
    records = scan("notebook-project", "explore.ipynb")
    refs = hub(records)
    assert set(refs) == {
        "stabilityai/stable-diffusion-xl-base-1.0",
        "nerijs/pixel-art-xl",
        "distilbert-base-uncased-finetuned-sst-2-english",
        "nateraw/pascal-voc-2012",
    }
    # line within the cell source; the cell (1-based, markdown cells counted) in `via`
    sdxl = refs["stabilityai/stable-diffusion-xl-base-1.0"]
    assert (sdxl.location.line, sdxl.via) == (
        2,
        "diffusers.DiffusionPipeline.from_pretrained (cell 4)",
    )
    assert refs["nateraw/pascal-voc-2012"].location.line == 2
    assert refs["nateraw/pascal-voc-2012"].via.endswith("(cell 5)")
    comp = components(records)["hf:model/nerijs/pixel-art-xl"]
    assert ("aibom:notebook-cell", "4") in comp.properties
    # markdown, cell outputs, %%bash cells and strings in print() are not references
    assert not {"gpt2", "bert-large-uncased", "bash/not-python", "openai-community/gpt2"} & set(
        refs
    )
    (problem,) = problems(records)
    assert problem.message.startswith("cell 7: invalid Python")
    assert problem.location.file == PurePosixPath("explore.ipynb")


def test_notebook_of_another_language_is_skipped() -> None:
    assert collect(READER, FILES, "r_kernel.ipynb") == []


def test_truncated_notebook_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="invalid notebook JSON"):
        collect(READER, FILES, "truncated.ipynb")


def test_source_encoding_cookie_is_honoured() -> None:
    records = collect(READER, FILES, "latin1_cookie.py")
    assert hub(records)["camembert/camembert-base"].location.line == 5


def test_magics_keep_line_numbers() -> None:
    assert without_magics("!pip install x\n  %time f()\ny = 1") == "pass\n  pass\ny = 1"
    assert without_magics("files = !ls\nAutoModel.from_pretrained?") == "files = None\npass"
    assert without_magics("%%bash\necho hi") is None
    assert without_magics("%%time\nx = 1") == "\nx = 1"


def test_deeply_nested_expression_is_not_a_crash(tmp_path: Path) -> None:
    call = "transformers.AutoModel.from_pretrained(x)\n"
    code = "import transformers\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n" + call
    with pytest.raises(SourceError):
        snippet(tmp_path, code)
    # 3,000 chained `+` overflow CPython's own AST construction: a SourceError, not a crash
    with pytest.raises(SourceError, match="cannot be parsed"):
        snippet(
            tmp_path,
            "import transformers\nx = " + " + ".join(["'a'"] * 3000) + "\n" + call,
            "big.py",
        )
    # 400 fold past the resolver's depth cap: the value is unknown, nothing is reported
    long_sum = "import transformers\nx = " + " + ".join(["'a'"] * 400) + "\n"
    long_sum += "transformers.AutoModel.from_pretrained(x)\n"
    assert hub_ids(snippet(tmp_path, long_sum, "sum.py")) == set()


def test_reader_only_reports_patterns_it_was_given(tmp_path: Path) -> None:
    reader = PythonCodeReader(patterns=())
    (tmp_path / "a.py").write_text(
        "import transformers\ntransformers.AutoModel.from_pretrained('org/x')\n"
    )
    assert list(reader.collect(walk_entry("a.py"), ScanContext(root=tmp_path))) == []


def test_location_lines_match_the_source() -> None:
    path = PROJECTS / "finetune-lora" / "finetune" / "train.py"
    refs = hub(scan("finetune-lora", "finetune/train.py"))
    assert refs["tatsu-lab/alpaca"].location.line == line(path, "tatsu-lab/alpaca")
    assert refs["google/flan-t5-small"].location.line == line(path, "reference = ")


def test_call_sites_are_visited_in_source_order(tmp_path: Path) -> None:
    code = "import transformers as t\n" + "".join(
        f"t.AutoModel.from_pretrained('org/m{i}')\n" for i in range(5)
    )
    records = snippet(tmp_path, code)
    lines = [r.location.line or 0 for r in hub(records).values()]
    assert lines == sorted(lines)
    assert isinstance(ast.parse(code), ast.Module)


def test_pipeline_merges_sightings_into_one_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    import scanner.pipeline
    from scanner.config import ScanConfig

    monkeypatch.setattr(scanner.pipeline, "READERS", (READER,))
    result = scanner.pipeline.scan(ScanConfig(root=PROJECTS / "finetune-lora"))
    base = result.component(
        "pkg:huggingface/meta-llama/Llama-2-7b-hf@01c7f73d771dfac7d292323805ebc428287df4f9"
    )
    assert base is not None
    assert {str(loc) for loc in base.locations} == {
        "finetune/train.py:16",
        "finetune/train.py:17",
        "finetune/train.py:22",
    }
    unpinned = result.component("hf:model/meta-llama/Llama-2-7b-hf")
    assert unpinned is not None
    assert unpinned.reachable
    kinds = {(e.parent, e.child): e.kind for e in result.edges}
    assert kinds[("hf:model/tloen/alpaca-lora-7b@main", base.bom_ref)] == "base-model"
    assert not [p for p in result.problems if "internal error" in p.message]
