"""Public names imported on first use (PEP 562), so a package's ``__init__`` stays cheap.

``humsec --help`` imports every domain's CLI module, and with it that domain's package; eager
imports there would load pandas, scipy and scikit-learn (about 1 s) before any command runs.

>>> getattr_, dir_ = lazy_names("humsec.core", {"HumsecError": "humsec.core.errors"})
>>> getattr_("HumsecError").__name__, "HumsecError" in dir_()
('HumsecError', True)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``__getattr__`` and ``__dir__`` for ``package``, whose public ``names`` map to modules.

    A name equal to its module's last part (``"datasets": "humsec.datasets"``) is the module itself;
    ``"INDICATORS as EBP_INDICATORS"`` publishes the module's ``INDICATORS`` as ``EBP_INDICATORS``.
    """
    # public name -> (module, the name in that module)
    table = {
        key.split(" as ")[-1].strip(): (module, key.split(" as ")[0].strip()) for key, module in names.items()
    }

    def __getattr__(name: str) -> Any:
        if name not in table:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module_name, inner = table[name]
        module = import_module(module_name)
        value = module if module_name == f"{package}.{name}" else getattr(module, inner)
        owner = sys.modules.get(package)
        if owner is not None:  # cached: the next access is a plain attribute lookup
            setattr(owner, name, value)
        return value

    def __dir__() -> list[str]:
        owner = sys.modules.get(package)
        return sorted({*(vars(owner) if owner else ()), *table})

    return __getattr__, __dir__
