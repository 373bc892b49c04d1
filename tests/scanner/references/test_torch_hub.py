"""torch.hub GitHub models."""

from __future__ import annotations

from pathlib import Path

from scanner.model import ComponentType
from tests.scanner.references.refs import components, remote_code, scan, snippet


def test_github_repo_and_ref() -> None:
    records = scan("finetune-lora", "finetune/extras.py")
    comp = components(records)["github:ultralytics/yolov5@v7.0"]
    assert comp.type is ComponentType.MODEL
    assert comp.purl == "pkg:github/ultralytics/yolov5@v7.0"
    assert comp.external_refs[0].type == "vcs"
    assert comp.external_refs[0].url == "https://github.com/ultralytics/yolov5"
    assert ("aibom:entrypoint", "yolov5s") in comp.properties
    assert comp.locations[0].line == 12
    assert [r.component for r in remote_code(records)] == [comp.bom_ref]
    # source="local" is a directory, not a repository
    assert not [c for c in components(records) if "vision" in c]


def test_default_branch_and_invalid_specs(tmp_path: Path) -> None:
    code = (
        "import torch\n"
        "torch.hub.load('pytorch/vision', 'resnet18')\n"
        "torch.hub.load('not a repo', 'x')\n"
        "torch.hub.list('pytorch/vision')\n"
    )
    comps = components(snippet(tmp_path, code))
    assert set(comps) == {"github:pytorch/vision"}
