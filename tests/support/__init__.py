"""Helpers shared by tests in several folders, imported as ``tests.support.<module>``.

- ``core``: tiny scenarios and models, cells placed by hand, binomial tolerances, repository paths;
- ``reports``: small three-innovation scenarios for the comparison and report tests;
- ``hardening``: the CLI in-process and as a real process, one-line error checks, folder snapshots;
- ``faults``: fault injectors (a full disk, a process killed at a random moment);
- ``sweep``: small experiment files for the sweep tests;
- ``sweep_standins``: stand-in models with known answers, named in experiment files.

pytest imports test files with ``--import-mode=importlib`` and puts only the repository root on
``sys.path`` (``pythonpath = ["."]`` in pyproject.toml), so no test folder is on ``sys.path`` and
these modules are found by their package name, by pytest and by sweep worker processes alike.
"""
