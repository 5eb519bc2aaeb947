"""The signatures of the library API, as stored in ``tests/api/api_signatures.txt``.

python -m tests.api.signatures          # rewrite the snapshot; add a CHANGELOG line with it
python -m tests.api.signatures --check  # write nothing; exit 1 when the snapshot is stale

One paragraph per name that :mod:`qemlflow_lint.api` exports: a function's signature; a
class's bases, its constructor, its fields with their types and defaults, and the
signatures of its own public methods and properties; a type alias's value. Annotations are
written as the source spells them, so the text is the same on every supported Python.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable

from qemlflow_lint import api

#: The stored snapshot.
SNAPSHOT = Path(__file__).with_name("api_signatures.txt")

#: What a stale snapshot's message asks for.
HOW_TO_UPDATE = (
    "the library API (qemlflow_lint.api) changed: if that is intended, run "
    "`python -m tests.api.signatures` to update tests/api/api_signatures.txt and add a line "
    "to CHANGELOG.md under Unreleased saying what changed for callers (a removed or changed "
    "name is a breaking change)"
)


def _default(value: object) -> str:
    """A default as the snapshot writes it: its repr, without a memory address."""
    if callable(value) and hasattr(value, "__qualname__"):
        return f"<{type(value).__name__} {value.__qualname__}>"
    return repr(value)


def _annotation(annotation: object) -> str:
    """An annotation as the source spells it (postponed annotations are strings already, or
    forward references where a named tuple wrapped them)."""
    if isinstance(annotation, typing.ForwardRef):
        return annotation.__forward_arg__
    return annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)


def _signature(function: Callable[..., Any]) -> str:
    """``(parameters) -> return``, with ``*`` and ``/`` where Python puts them."""
    signature = inspect.signature(function)
    parts: list[str] = []
    star_written = False
    previous = None
    for parameter in signature.parameters.values():
        if previous is inspect.Parameter.POSITIONAL_ONLY and parameter.kind is not previous:
            parts.append("/")
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and not star_written:
            parts.append("*")
            star_written = True
        text = parameter.name
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            text, star_written = f"*{text}", True
        elif parameter.kind is inspect.Parameter.VAR_KEYWORD:
            text = f"**{text}"
        if parameter.annotation is not inspect.Parameter.empty:
            text += f": {_annotation(parameter.annotation)}"
        if parameter.default is not inspect.Parameter.empty:
            text += f" = {_default(parameter.default)}"
        parts.append(text)
        previous = parameter.kind
    if previous is inspect.Parameter.POSITIONAL_ONLY:
        parts.append("/")
    returns = signature.return_annotation
    arrow = "" if returns is inspect.Signature.empty else f" -> {_annotation(returns)}"
    return f"({', '.join(parts)}){arrow}"


def _fields(cls: type) -> list[str]:
    """The fields of a named tuple or a dataclass, or the declared attributes of another class."""
    annotations: dict[str, object] = dict(getattr(cls, "__annotations__", {}))
    if dataclasses.is_dataclass(cls):
        return [f"{field.name}: {_annotation(field.type)}" for field in dataclasses.fields(cls)]
    defaults: dict[str, object] = getattr(cls, "_field_defaults", {})
    names: Sequence[str] = getattr(cls, "_fields", list(annotations))
    lines = []
    for name in names:
        line = f"{name}: {_annotation(annotations[name])}"
        if name in defaults:
            line += f" = {_default(defaults[name])}"
        lines.append(line)
    return lines


def _members(cls: type) -> list[str]:
    """The class's own public methods and properties, each with its signature."""
    lines = []
    for name, member in sorted(vars(cls).items()):
        if name.startswith("_") and name != "__init__":
            continue
        if isinstance(member, property) and member.fget is not None:
            lines.append(
                f"property {name} -> {_annotation(inspect.signature(member.fget).return_annotation)}"
            )
        elif isinstance(member, (classmethod, staticmethod)):
            lines.append(f"{type(member).__name__} {name}{_signature(member.__func__)}")
        elif inspect.isfunction(member):
            lines.append(f"def {name}{_signature(member)}")
    return lines


def _class(name: str, cls: type) -> list[str]:
    bases = ", ".join(base.__name__ for base in cls.__bases__)
    kind = (
        "dataclass"
        if dataclasses.is_dataclass(cls)
        else "named tuple"
        if hasattr(cls, "_fields")
        else "class"
    )
    lines = [f"{kind} {name}({bases})"]
    lines += [f"    field {line}" for line in _fields(cls)]
    lines += [f"    {line}" for line in _members(cls)]
    return lines


def _alias(name: str, value: object) -> list[str]:
    arguments = ", ".join(repr(argument) for argument in typing.get_args(value))
    return [f"alias {name} = Literal[{arguments}]"]


def signatures() -> str:
    """The snapshot's text for the API as the code defines it now."""
    lines = [
        "# The library API: every name qemlflow_lint.api exports, with its signature or fields.",
        "# Written by `python -m tests.api.signatures`; a change here needs a CHANGELOG line.",
    ]
    for name in sorted(api.__all__):
        value = getattr(api, name)
        lines.append("")
        if isinstance(value, type):
            lines += _class(name, value)
        elif typing.get_origin(value) is typing.Literal:
            lines += _alias(name, value)
        else:
            lines.append(f"def {name}{_signature(value)}")
    return "\n".join(lines) + "\n"


def snapshots() -> dict[Path, str | None]:
    """The library API's signature snapshot (``tests/api/api_signatures.txt``)."""
    return {SNAPSHOT: signatures()}


def check() -> bool:
    """True when the stored snapshot matches the code."""
    return SNAPSHOT.is_file() and SNAPSHOT.read_text(encoding="utf-8") == signatures()


def update() -> bool:
    """Rewrite the snapshot from the code; True when it changed."""
    if check():
        return False
    SNAPSHOT.write_bytes(signatures().encode("utf-8"))
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the snapshot (or, with ``--check``, say whether it is stale)."""
    parser = argparse.ArgumentParser(prog="python -m tests.api.signatures", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when the snapshot is stale"
    )
    if parser.parse_args(argv).check:
        fresh = check()
        print("tests/api/api_signatures.txt is " + ("up to date" if fresh else f"stale: {HOW_TO_UPDATE}"))
        return 0 if fresh else 1
    changed = update()
    print("updated tests/api/api_signatures.txt" if changed else "tests/api/api_signatures.txt is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
