"""No function outside tests/ and migrations is longer than 60 lines or more complex than 12.

Complexity is radon's cyclomatic complexity (one plus each branch, loop, ``and``/``or``,
``except`` and comprehension condition). A function past either limit is split where its
steps already are: a table for a chain of similar cases, a helper per step.
"""

from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["prodep", "lessons", "bench", ".ci", "manage.py"]
MAX_LINES = 60
MAX_COMPLEXITY = 12


def functions(source: str):
    """Every function, method and nested function radon finds in a module, once."""
    seen = set()

    def walk(blocks):
        for block in blocks:
            yield from walk(getattr(block, "methods", []) + getattr(block, "closures", []))
            if not hasattr(block, "methods") and (block.lineno, block.fullname) not in seen:
                seen.add((block.lineno, block.fullname))
                yield block

    yield from walk(cc_visit(source))


def offenders(source: str) -> dict[str, str]:
    """{function name: what is over the limit} for one module's source."""
    found = {}
    for function in functions(source):
        lines = function.endline - function.lineno + 1
        if lines > MAX_LINES or function.complexity > MAX_COMPLEXITY:
            found[function.fullname] = f"{lines} lines, complexity {function.complexity}"
    return found


def python_files():
    for source in SOURCES:
        path = ROOT / source
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            if "migrations" not in file.parts:
                yield file


def test_no_function_is_too_long_or_too_complex():
    found = {
        f"{file.relative_to(ROOT)}: {name}": why
        for file in python_files()
        for name, why in offenders(file.read_text()).items()
    }
    assert found == {}, f"over {MAX_LINES} lines or complexity {MAX_COMPLEXITY}"


def test_a_long_or_branchy_function_is_reported():
    long = "def long():\n" + "    x = 1\n" * MAX_LINES
    branchy = "def branchy(x):\n" + "".join(
        f"    if x == {n}:\n        return {n}\n" for n in range(MAX_COMPLEXITY)
    )
    nested = (
        "class A:\n    def method(self):\n        def inner():\n"
        + "            y = 2\n" * MAX_LINES
        + "        return inner\n"
    )
    assert offenders(long) == {"long": f"{MAX_LINES + 1} lines, complexity 1"}
    assert offenders(branchy) == {"branchy": f"{2 * MAX_COMPLEXITY + 1} lines, complexity 13"}
    assert set(offenders(nested)) == {"A.method", "inner"}
    assert offenders("def short(x):\n    return x if x else 0\n") == {}
