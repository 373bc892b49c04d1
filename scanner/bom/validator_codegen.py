"""Python source of a CycloneDX JSON validator, generated from the bundled schema.

cyclonedx-python-lib validates with `jsonschema`, which interprets the 260 KB schema anew on
every document and dominates the run time of peers. Here the *same* bundled schema files are
compiled to Python by `fastjsonschema` (rewritten by `schemas`, formats from
`schema_formats`), and the generated source is then made about twice as fast (see
`generate`). `validator_cache` compiles and caches what this module generates.
"""

from __future__ import annotations

import re

import fastjsonschema
from cyclonedx.schema._res import BOM_JSON
from fastjsonschema.ref_resolver import RefResolver

from scanner.bom.schema_formats import FORMATS
from scanner.bom.schemas import load_schema, resolve, schema_path

# Bump when the schema rewriting (`schemas`), the format checks (`schema_formats`) or the
# rewrites of the generated code below change: it is part of the validator cache's key.
CODE_REVISION = "3"
ENTRY = "AIBOM_ENTRY"  # the name the generated module binds its validating function to

_LAZY_NAME = re.compile(r'"((?:[^"\\{}]|\{\w+\})*)"\.format\(\*\*locals\(\)\)')
_UNIQUE_CHECK = re.compile(r"if (\w+)_len > len\(set\(fn\(\w+\) for \w+ in \1\)\):")
_DISTINCT = """
def _aibom_distinct(items, fn):
    for key in ("bom-ref", "ref"):
        seen = set()
        for item in items:
            value = item.get(key) if isinstance(item, dict) else None
            if not isinstance(value, str) or value in seen:
                break
            seen.add(value)
        else:
            return len(items)
    return len(set(fn(item) for item in items))
"""


def generate(spec_version: str) -> str:
    """Source of a module whose `AIBOM_ENTRY` validates against one spec version's schema.

    Two rewrites of fastjsonschema's output make it about twice as fast without changing
    what it accepts: the path names it builds for error messages with `.format(**locals())`
    become f-strings, and `uniqueItems` over objects that each carry a distinct `bom-ref`
    (or `ref`) counts them as distinct without freezing every nested object (objects that
    differ in one key differ). If a future fastjsonschema writes other code, the patterns
    simply do not match and the code runs as generated.
    """
    schema = load_schema(schema_path(spec_version, BOM_JSON))
    code: str = fastjsonschema.compile_to_code(
        schema,
        handlers={"http": resolve},
        formats=FORMATS,
        detailed_exceptions=False,
        use_default=False,
    )
    code = _LAZY_NAME.sub(r'f"\1"', code)
    code = _UNIQUE_CHECK.sub(r"if \1_len > _aibom_distinct(\1, fn):", code)
    entry = RefResolver.from_schema(schema, handlers={"http": resolve})
    return f"{code}\n{_DISTINCT}\n{ENTRY} = {entry.get_scope_name()}\n"
