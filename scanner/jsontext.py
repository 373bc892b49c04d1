"""`dumps(value)`: exactly `json.dumps(value, indent=2, ensure_ascii=False)`, several times faster.

With `indent`, CPython's `json` falls back to its pure-Python encoder, one generator step
per value (about 0.3 s for a 10,000-component BOM). Here a container whose values are all
scalars or empty containers (most of them in our reports and BOMs) is written by the C
encoder in one call, its item separator set to the newline and indentation of its depth;
so is a list of such dicts (`_flat_dicts`). Only containers that hold non-empty containers
are walked in Python. Every report and BOM writer uses this; tests compare it with
`json.dumps` on random values and on every snapshot.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

INDENT = 2
CONTAINERS = (dict, list, tuple)
MAX_DEPTH = 64  # a deeper subtree (never in our documents) is written by `json` itself

Encoder = Callable[[Any, int], Any]


def _unserializable(value: object) -> object:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _c_encoder(item_separator: str) -> Encoder:
    """The C encoder with these separators (`json.dumps`'s other defaults)."""
    encoder: Encoder = c_make_encoder(
        None, _unserializable, encode_basestring, None, ": ", item_separator, False, False, True
    )  # markers, default, string encoder, indent, separators, sort_keys, skipkeys, allow_nan
    return encoder


# per depth: a newline with its indentation, and the C encoder separating items with it
NEWLINE = ["\n" + " " * (INDENT * depth) for depth in range(MAX_DEPTH + 3)]
ENCODER = [_c_encoder("," + newline) for newline in NEWLINE] if c_make_encoder else []


def dumps(value: object) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, character for character."""
    if not ENCODER:  # no C accelerator (PyPy, a stripped build): nothing to gain
        return json.dumps(value, indent=INDENT, ensure_ascii=False)
    if isinstance(value, CONTAINERS) and value:
        out: list[str] = []
        _write(value, 0, out)
        return "".join(out)
    return _scalar(value)


def _write(value: dict[Any, Any] | list[Any] | tuple[Any, ...], depth: int, out: list[str]) -> None:
    """Append the text of a non-empty container, indented as at `depth`, to `out`."""
    if depth >= MAX_DEPTH:
        # raw newlines in indented JSON are all between items (strings escape theirs)
        text = json.dumps(value, indent=INDENT, ensure_ascii=False)
        out.append(text.replace("\n", NEWLINE[depth]))
        return
    inner = depth + 1
    is_dict = isinstance(value, dict)
    children = value.values() if is_dict else value  # type: ignore[union-attr]
    for child in children:
        if isinstance(child, CONTAINERS) and child:
            break
    else:  # only scalars and empty containers: one C call at this depth's indentation
        text = "".join(ENCODER[inner](value, 0))
        out.append(f"{text[0]}{NEWLINE[inner]}{text[1:-1]}{NEWLINE[depth]}{text[-1]}")
        return
    lead, separator = ("{" if is_dict else "[") + NEWLINE[inner], "," + NEWLINE[inner]
    if is_dict:
        for key, child in value.items():  # type: ignore[union-attr]
            name = encode_basestring(key) if isinstance(key, str) else _key(key)
            if isinstance(child, str):  # the common case, inline
                out.append(f"{lead}{name}: {encode_basestring(child)}")
            elif isinstance(child, CONTAINERS) and child:
                out.append(f"{lead}{name}: ")
                _child(child, inner, out)
            else:
                out.append(f"{lead}{name}: {_scalar(child)}")
            lead = separator
        out.append(NEWLINE[depth] + "}")
    else:
        for child in value:
            if isinstance(child, CONTAINERS) and child:
                out.append(lead)
                _child(child, inner, out)
            else:
                out.append(lead + _scalar(child))
            lead = separator
        out.append(NEWLINE[depth] + "]")


def _child(value: Any, depth: int, out: list[str]) -> None:
    """A non-empty container inside another: a list of flat dicts at once, else `_write`."""
    if isinstance(value, dict) or not _flat_dicts(value):
        _write(value, depth, out)
        return
    # Written with the separator of the dicts' items, the only `},<newline>{` in the text are
    # the joints between list items: a raw newline only comes from a separator (strings
    # escape theirs), and after a separator inside a flat dict comes a key (`"`).
    inner, outer = NEWLINE[depth + 2], NEWLINE[depth + 1]
    text = "".join(ENCODER[depth + 2](value, 0))
    body = text[2:-2].replace("}," + inner + "{", outer + "}," + outer + "{" + inner)
    out.append(f"[{outer}{{{inner}{body}{outer}}}{NEWLINE[depth]}]")


def _flat_dicts(items: list[Any] | tuple[Any, ...]) -> bool:
    """True when every item is a non-empty dict of scalars and empty containers."""
    for item in items:
        if not isinstance(item, dict) or not item:
            return False
        for child in item.values():
            if isinstance(child, CONTAINERS) and child:
                return False
    return True


def _scalar(value: object) -> str:
    """A scalar or an empty container."""
    if isinstance(value, str):
        text: str = encode_basestring(value)
        return text
    return "".join(ENCODER[0](value, 0))


def _key(key: object) -> str:
    """A dict key as `json` writes it: str, float, bool, None and int keys become strings."""
    if isinstance(key, float) or key is True or key is False or key is None:
        return '"' + _scalar(key) + '"'
    if isinstance(key, int):
        return '"' + int.__repr__(key) + '"'
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")
