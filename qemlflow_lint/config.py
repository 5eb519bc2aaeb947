"""The effective configuration, resolved in one place and handed to the engine frozen.

Front ends translate their own options (CLI flags, flake8 and pylint options) into
overrides of one :class:`Config`; the engine never reads options itself.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from typing import Iterable

from qemlflow_lint.heavy_modules import DEFAULT_HEAVY_MODULES

#: Codes and prefixes selected when nothing else is said.
DEFAULT_SELECT: tuple[str, ...] = ("QF",)

_CODE_PREFIX = re.compile(r"QF[0-9]{0,3}")


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message says where and why."""


def _normalise_codes(values: Iterable[str], what: str) -> tuple[str, ...]:
    codes = []
    for value in values:
        code = value.strip().upper()
        if not code:
            continue
        if not _CODE_PREFIX.fullmatch(code):
            raise ConfigError(
                f"{what}: {value!r} is not a rule code or prefix "
                "(expected QF, QF0, QF00, QF001 ...)"
            )
        codes.append(code)
    return tuple(codes)


def _longest_prefix(code: str, prefixes: tuple[str, ...]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


@dataclass(frozen=True)
class Config:
    """Which rules run and with which options.

    ``select`` and ``ignore`` hold codes or code prefixes, matched as flake8 does:
    the more specific match wins, and ``ignore`` wins a tie.
    """

    select: tuple[str, ...] = DEFAULT_SELECT
    ignore: tuple[str, ...] = ()
    heavy_modules: tuple[str, ...] = field(default=tuple(DEFAULT_HEAVY_MODULES))

    def is_enabled(self, code: str) -> bool:
        """True when the rule with this code runs."""
        selected = _longest_prefix(code, self.select)
        return selected >= 0 and selected > _longest_prefix(code, self.ignore)

    def with_overrides(
        self,
        *,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        heavy_modules: Iterable[str] | None = None,
        extend_heavy_modules: Iterable[str] = (),
    ) -> Config:
        """A copy with the given values replaced; raises :class:`ConfigError` on bad codes."""
        updated = self
        if select is not None:
            updated = replace(updated, select=_normalise_codes(select, "select"))
        if ignore is not None:
            updated = replace(updated, ignore=_normalise_codes(ignore, "ignore"))
        if heavy_modules is not None:
            updated = replace(updated, heavy_modules=_module_names(heavy_modules))
        extra = _module_names(extend_heavy_modules)
        if extra:
            merged = updated.heavy_modules + tuple(m for m in extra if m not in updated.heavy_modules)
            updated = replace(updated, heavy_modules=merged)
        return updated

    def fingerprint(self) -> str:
        """A short stable hash of every value, for caches and reports."""
        payload = json.dumps(
            {"select": self.select, "ignore": self.ignore, "heavy": sorted(self.heavy_modules)},
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _module_names(values: Iterable[str]) -> tuple[str, ...]:
    names = []
    for value in values:
        name = value.strip()
        if not name:
            continue
        if not all(part.isidentifier() for part in name.split(".")):
            raise ConfigError(f"heavy-modules: {value!r} is not a dotted module name")
        names.append(name)
    return tuple(names)
