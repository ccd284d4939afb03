"""hip_bindgen: the generator, by stage: sources (releases, debian, sources) -> model (parse, params)
-> codegen (emit); coverage reports what is bound.

The version facts (hip_version.h, the packed HIP_VERSION) are the resolver's
(``hip_python_select.version``): ./dev installs the resolver and this package (pyproject.toml's
hip-python-dev) editable into .venv, the workflow's jobs with pip, so both import by name.
"""
