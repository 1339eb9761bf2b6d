"""Structure rules the project keeps (issue 10): small console functions, bench independent of tests."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def functions(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield f"{path.relative_to(ROOT)}:{node.name}", node.end_lineno - node.lineno + 1


def test_no_console_function_is_over_60_lines():
    found = dict(functions("console"))
    assert found and not {name: n for name, n in found.items() if n > 60}


def test_bench_and_the_harness_never_import_tests():
    """bench/ and harness/ are run on their own (`make bench`, `make load`): tests/ imports them, not
    the other way round."""
    importers = []
    for package in ("bench", "harness"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                importers += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] == "tests"]
    assert not importers
