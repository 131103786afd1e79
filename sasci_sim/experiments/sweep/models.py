"""Which functions an experiment's ``model: package.module:function`` may run.

Naming a function in a file must not run code by itself: ``model: this:s`` would print
and ``model: logging:basicConfig`` truncate a file, merely by being imported or called. So:

- Reading an experiment imports nothing (``check_reference`` looks at the name only).
- Without ``--allow-code``, only functions of sasci-sim's own code (``TRUSTED_PACKAGES``)
  marked with ``@sweep_model`` may stand in for the simulator; any other module is refused
  before it is imported.
- With ``sasci-sim sweep --allow-code`` the user vouches for the code: any importable function
  runs. Either way the module is imported only when the sweep starts (``resolve_model``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sasci_sim.errors import InputError

#: Packages whose modules may be imported for a ``model:`` without ``--allow-code``.
TRUSTED_PACKAGES: tuple[str, ...] = ("sasci_sim",)
_MARK = "__sasci_sim_sweep_model__"


def sweep_model[F: Callable[..., Mapping[str, Any]]](fn: F) -> F:
    """Mark a function as one an experiment may name as its ``model:`` (without ``--allow-code``).

    Args:
        fn: A function of the parameters (keyword arguments) and ``seed``, returning a mapping
            of outcome names to numbers.

    Returns:
        The same function, marked.
    """
    setattr(fn, _MARK, True)
    return fn


def is_marked(fn: Any) -> bool:
    """Whether ``fn`` was marked with ``@sweep_model``."""
    return getattr(fn, _MARK, False) is True


def _trusted(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in TRUSTED_PACKAGES)


def check_reference(reference: str, source: Path | str, *, allow_code: bool) -> None:
    """Refuse a ``model:`` outside sasci-sim's own code unless ``allow_code``; imports nothing.

    Args:
        reference: ``package.module:function``.
        source: The experiment file, for the message.
        allow_code: Whether the user passed ``--allow-code``.
    """
    module = reference.partition(":")[0]
    if not allow_code and not _trusted(module):
        raise InputError(
            source,
            "model",
            f"names code outside sasci-sim ({module}), which runs only if you trust it: "
            "rerun with `sasci-sim sweep --allow-code`",
            got=reference,
        )


def resolve_model(
    reference: str, source: Path | str = "model", *, allow_code: bool = False
) -> Callable[..., Mapping[str, Any]]:
    """Import ``package.module:function``, the function that stands in for the simulator.

    Args:
        reference: ``package.module:function``.
        source: The experiment file, for messages.
        allow_code: Whether the user passed ``--allow-code`` (then any function may run).

    Returns:
        The function.
    """
    check_reference(reference, source, allow_code=allow_code)
    module_name, _, attr = reference.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InputError(source, "model", f"cannot import module {module_name} ({exc})", got=reference) from None
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise InputError(source, "model", f"{module_name} has no function {attr}", got=reference)
    if not allow_code and not is_marked(fn):
        raise InputError(
            source,
            "model",
            f"{reference} is not marked as a sweep model (@sweep_model); rerun with --allow-code to run it anyway",
            got=reference,
        )
    return fn
