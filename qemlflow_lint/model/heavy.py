"""The default heavy-module list, why each entry is on it, and how an import is matched.

An entry matches the module itself and all of its submodules: ``torch`` matches
``import torch.nn``, ``from torch import nn`` and ``from torch.nn import functional``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet

#: A heavy package that stays at module level loads these others when it is imported (as
#: the default heavy list says): moving ``import torch`` gains nothing while ``lightning``
#: stays. Only what the packages import unconditionally.
LOADS_TOO: dict[str, frozenset[str]] = {
    "torchvision": frozenset({"torch"}),
    "torch_geometric": frozenset({"torch"}),
    "dgl": frozenset({"torch"}),
    "lightning": frozenset({"torch"}),
    "pytorch_lightning": frozenset({"torch"}),
    "flax": frozenset({"jax", "jaxlib"}),
    "jax": frozenset({"jaxlib"}),
    "datasets": frozenset({"pandas", "pyarrow"}),
    "pandas": frozenset({"numpy"}),
    "scipy": frozenset({"numpy"}),
    "matplotlib": frozenset({"numpy"}),
    "numba": frozenset({"numpy"}),
    "pyarrow": frozenset({"numpy"}),
    "seaborn": frozenset({"matplotlib", "pandas", "scipy"}),
    "statsmodels": frozenset({"scipy", "pandas"}),
    "sklearn": frozenset({"scipy"}),
    "mdtraj": frozenset({"scipy"}),
    "pymatgen": frozenset({"scipy"}),
    "pennylane": frozenset({"scipy"}),
    "cirq": frozenset({"sympy", "scipy", "pandas"}),
}
#: Packages whose ``__init__`` imports (nearly) all of their submodules: while any of their
#: modules stays at module level, deferring another gains nothing. Others load their
#: subpackages lazily or not at all (``import scipy.special`` leaves ``scipy.linalg`` unloaded).
EAGER_PACKAGES = frozenset({"torch", "tensorflow", "keras", "jax", "pandas", "numpy", "sympy", "polars"})

#: Default heavy modules and the reason each one is listed. The figures are typical cold
#: import times on a laptop-class machine; they vary, the order of magnitude does not.
DEFAULT_HEAVY_MODULES: Mapping[str, str] = {
    "torch": "PyTorch loads its C++ runtime and CUDA probing: 1-3 s",
    "torchvision": "imports torch and its image ops",
    "torch_geometric": "imports torch, torch_scatter and friends",
    "dgl": "imports torch or another backend at import",
    "lightning": "imports torch, torchmetrics and many integrations",
    "pytorch_lightning": "imports torch, torchmetrics and many integrations",
    "tensorflow": "TensorFlow loads its whole graph runtime: 2-10 s",
    "keras": "imports a backend (TensorFlow, JAX or torch)",
    "jax": "loads XLA and probes accelerators",
    "jaxlib": "the XLA runtime behind jax",
    "flax": "imports jax",
    "transformers": "imports torch/tensorflow lazily but still builds large registries",
    "datasets": "imports pyarrow, pandas and fsspec",
    "pandas": "pandas pulls in numpy, dateutil, pytz and its own C extensions: 0.3-1 s",
    "polars": "loads a large compiled extension",
    "pyarrow": "loads the Arrow C++ libraries",
    "scipy": "submodules load large compiled extensions (BLAS/LAPACK wrappers)",
    "sklearn": "scikit-learn imports scipy, joblib and threadpoolctl",
    "statsmodels": "imports scipy and pandas",
    "xgboost": "loads a large shared library",
    "lightgbm": "loads a large shared library",
    "catboost": "loads a large shared library",
    "matplotlib": "builds its font cache and picks a GUI backend",
    "seaborn": "imports matplotlib, pandas and scipy",
    "plotly": "imports a large generated graph-objects tree",
    "bokeh": "imports a large model registry",
    "cv2": "OpenCV loads a large shared library",
    "numba": "imports llvmlite and initialises LLVM",
    "sympy": "builds its assumption system and printers at import: about 0.5 s",
    "dask": "imports its scheduler, and pandas/numpy when the extras are installed",
    "ray": "starts a large runtime with many dependencies",
    "networkx": "imports hundreds of algorithm modules",
    "rdkit": "RDKit loads its C++ libraries and Boost.Python bindings",
    "deepchem": "imports tensorflow or torch, rdkit and sklearn",
    "openmm": "loads its compiled plugins",
    "mdtraj": "imports scipy and compiled extensions",
    "pymatgen": "imports scipy, numpy and large data tables",
    "ase": "imports scipy and matplotlib helpers",
    "qiskit": "imports a large transpiler and compiled extensions",
    "pennylane": "imports autograd, scipy and device plugins",
    "cirq": "imports sympy, scipy and pandas",
    "wandb": "imports a large client and starts background machinery",
    "mlflow": "imports a large client with many dependencies",
}


def match_heavy(module: str, heavy_modules: AbstractSet[str]) -> str | None:
    """Return the heavy entry that ``module`` is, or is a submodule of; else ``None``.

    The most specific (longest) entry wins, so ``scipy.stats`` is named rather than
    ``scipy`` when both are listed. Only ``module`` and its parent packages are looked up,
    so the cost does not grow with the list.
    """
    name = module
    while True:
        if name in heavy_modules:
            return name
        name, dot, _ = name.rpartition(".")
        if not dot:
            return None


def heavy_set_for(module_name: str, heavy_modules: Iterable[str]) -> frozenset[str]:
    """The heavy entries that apply in ``module_name``: all, except the package it is
    part of (torch's own modules may import torch)."""
    entries = frozenset(heavy_modules)
    own = match_heavy(module_name, entries)
    if own is None:
        return entries
    return frozenset(e for e in entries if not inside_package(module_name, e))


def inside_package(module: str, package: str) -> bool:
    """True when ``module`` is ``package`` itself or one of its submodules."""
    return module == package or module.startswith(package + ".")
