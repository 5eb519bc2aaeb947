"""Reading trees: only what a score of the paths can depend on, and never a name a checkout
refuses (a crafted tree must not lead a path out of the stand-in folder)."""

from __future__ import annotations

from qemlflow_lint.history.tree import TreeReader


class _Objects:
    """Tree objects by id, as ``git cat-file --batch`` gives them."""

    def __init__(self, trees: dict[str, list[tuple[str, str, str]]]) -> None:
        self.trees = trees

    def read(self, oid: str) -> tuple[str, bytes]:
        content = b"".join(
            mode.encode() + b" " + name.encode() + b"\0" + bytes.fromhex(child)
            for mode, name, child in self.trees[oid]
        )
        return "tree", content


def _oid(number: int) -> str:
    return f"{number:040x}"


def test_only_the_paths_and_the_folders_above_them_are_listed() -> None:
    objects = _Objects(
        {
            _oid(1): [
                ("100644", "pyproject.toml", _oid(10)),
                ("40000", "docs", _oid(2)),
                ("40000", "src", _oid(3)),
                ("160000", "vendored", _oid(11)),
            ],
            _oid(2): [("100644", "conf.py", _oid(12))],
            _oid(3): [
                ("100644", "__init__.py", _oid(13)),
                ("40000", "pkg", _oid(4)),
                ("40000", "other", _oid(5)),
            ],
            _oid(4): [("100644", "core.py", _oid(14)), ("120000", "alias.py", _oid(15))],
            _oid(5): [("100644", "x.py", _oid(16))],
        }
    )
    tree = TreeReader(objects, ["src/pkg"]).read(_oid(1))  # type: ignore[arg-type]
    assert sorted(tree.files) == ["pyproject.toml", "src/__init__.py", "src/pkg/alias.py", "src/pkg/core.py"]
    assert tree.folders["src/pkg"] == ("alias.py", "core.py")
    assert tree.is_folder("src") and not tree.is_folder("docs")


def test_names_a_checkout_refuses_are_left_out() -> None:
    objects = _Objects(
        {
            _oid(1): [
                ("40000", "..", _oid(2)),
                ("40000", ".git", _oid(2)),
                ("40000", ".GIT", _oid(2)),
                ("100644", ".", _oid(3)),
                ("100644", "ok.py", _oid(4)),
            ],
            _oid(2): [("100644", "escape.py", _oid(5))],
        }
    )
    tree = TreeReader(objects, [""]).read(_oid(1))  # type: ignore[arg-type]
    assert list(tree.files) == ["ok.py"]
    assert tree.folders == {"": ("ok.py",)}
