"""What every domain shares (docs/architecture.md): errors, declared parameter constraints, input
checks, the result base, the one YAML/JSON reader, atomic writes, the CLI grammar, the dataframe
boundary, survey files and design, boundaries, charts and maps.

The core imports no domain; every domain (``humsec.af``, ``humsec.index``, ``humsec.warn``, ...)
builds on it, and ``humsec.review`` composes the domains above them.
"""
