"""hip_build: the build stage. Staged sources -> wheels -> a PEP 503 index.

``wheel`` stages one release's generated sources and builds/audits its wheel, ``pythons``
finds the CPythons and their build venvs, ``gitversion`` numbers the wheels from git,
``publish`` writes ``wheels/`` as an index, ``matrix`` runs releases x Pythons and returns
structured results (``scripts/build_matrix.py`` is its command line).
"""
