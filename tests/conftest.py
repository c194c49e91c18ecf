"""Shared by the whole test suite: ``tests/`` on ``sys.path`` (pytest's prepend import mode puts this file's folder
there), so test modules in any subfolder can ``import browserkit``."""
