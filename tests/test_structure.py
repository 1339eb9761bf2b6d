"""Structure rules the project keeps (issue 10): small console functions, bench independent of tests."""

import ast
import re
from pathlib import Path

import pytest

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


def test_one_percentile_for_every_bench_table():
    """bench.common.percentile (linear interpolation, as numpy's default) is the only one: the
    load test's p50/p95/p99 and the benches' agree on the same latencies."""
    import numpy

    from bench.common import percentile
    from bench.load import Result

    latencies = [12.0, 15.5, 9.0, 30.0, 11.0, 80.0, 14.0]
    result = Result(scenario="x", conversations=1, messages=len(latencies), latencies_ms=latencies)
    for p in (50, 95, 99):
        assert result.percentile(p) == percentile(latencies, p / 100) == pytest.approx(numpy.percentile(latencies, p))
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "bench").glob("*.py")
        if re.search(r"def _?percentile\((?!self)", path.read_text())
    ]
    assert found == ["bench/common.py"], found
