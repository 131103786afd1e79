"""Root of the test suite.

Loading this file makes pytest (prepend import mode) put tests/ on sys.path before it
collects any subfolder, so the shared helper modules here (core_helpers, report_helpers)
can be imported by tests in subfolders such as tests/browser/ as well.
"""
