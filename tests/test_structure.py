"""Structure rules the project keeps (issue 10): no console function over 60 lines."""

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
