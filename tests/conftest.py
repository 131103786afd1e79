"""Root of the test suite.

Shared helpers live in the ``tests.support`` package (see its docstring); pytest runs with
``--import-mode=importlib`` and the repository root on ``sys.path`` (pyproject.toml), so no test
folder is put on ``sys.path``.
"""
