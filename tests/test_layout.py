"""The package's layers: the core (reading, indexing, retrieving, answering) imports no face
(`assistant.faces`: the command line and the web page) and no evaluation tool
(`assistant.evaluate`); the evaluation tools import no face; no module grows past a size a
maintainer can read."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
FACES, EVALUATE = "assistant.faces", "assistant.evaluate"
FACE_LIBRARIES = {"gradio", "typer"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved, at any depth of the file."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def modules() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def within(name: str, layer: str) -> bool:
    return name == layer or name.startswith(layer + ".")


def test_the_core_imports_no_face_and_no_evaluation_tool():
    graph = modules()
    core = {
        m: deps
        for m, deps in graph.items()
        if not within(m, FACES) and not within(m, EVALUATE) and m != "assistant.__main__"
    }
    assert len(core) > 20  # the walk found the package
    for name, deps in core.items():
        upward = sorted(d for d in deps if within(d, FACES) or within(d, EVALUATE))
        assert not upward, f"{name} imports {upward}"
        libraries = sorted({d.split(".")[0] for d in deps} & FACE_LIBRARIES)
        assert not libraries, f"{name} imports {libraries}"


def test_the_evaluation_tools_import_no_face():
    graph = modules()
    tools = {m: deps for m, deps in graph.items() if within(m, EVALUATE)}
    assert tools
    for name, deps in tools.items():
        assert not [d for d in deps if within(d, FACES)], name


def test_the_faces_are_where_the_entry_points_say():
    pyproject = (PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert 'assistant = "assistant.faces.cli:app"' in pyproject
    assert "faces.cli" in (PACKAGE / "__main__.py").read_text(encoding="utf-8")


def test_no_module_is_over_four_hundred_lines():
    sizes = {
        module_name(p): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert {m: n for m, n in sizes.items() if n > 400} == {}
