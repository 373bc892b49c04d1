"""Deserialising calls with pickle semantics (`torch.load` without `weights_only=True`,
`pickle`/`dill`/`cloudpickle`/`joblib` loads, `numpy.load(allow_pickle=True)`,
`pandas.read_pickle`): observed as UnsafeLoadCall; the unsafe-load check judges them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scanner.model import Record, UnsafeLoadCall
from scanner.references.base import UNKNOWN, CallSite

PICKLE_MODULES = ("pickle", "_pickle", "cPickle", "dill", "cloudpickle")


def weights_only_detail(call: CallSite) -> str | None:
    """Why a `torch.load` may unpickle arbitrary objects, or None when it cannot."""
    if "weights_only" not in call.kwargs:
        return "torch.load without weights_only (unpickles arbitrary objects before torch 2.6)"
    value = call.kwargs["weights_only"]
    if value is True:
        return None
    if value is UNKNOWN:
        return "torch.load with a computed weights_only"
    return "torch.load with weights_only=False"


@dataclass(frozen=True, slots=True)
class UnsafeLoads:
    """Pickle-based loads in code."""

    name: str = "unsafe-load"
    callees: tuple[str, ...] = (
        "torch.load",
        "torch.serialization.load",
        *(f"{m}.load" for m in PICKLE_MODULES),
        *(f"{m}.loads" for m in PICKLE_MODULES),
        *(f"{m}.Unpickler" for m in PICKLE_MODULES),
        "joblib.load",
        "sklearn.externals.joblib.load",
        "numpy.load",
        "pandas.read_pickle",
    )

    def match(self, call: CallSite) -> Iterator[Record]:
        """One observation per unsafe call."""
        if call.callee in ("torch.load", "torch.serialization.load"):
            detail = weights_only_detail(call)
        elif call.callee == "numpy.load":
            allow = call.kwargs.get("allow_pickle", False)
            detail = None if allow is False or allow is None else "numpy.load with allow_pickle"
        else:
            detail = f"{call.callee} deserialises with pickle"
        if detail is not None:
            yield UnsafeLoadCall(call=call.callee, location=call.location, detail=detail)
