"""Many files render on every core, with exactly the result of rendering them one by one."""

from pathlib import Path

import pytest

from lessons import content
from lessons.content import render_file, render_files, scan
from tests.factories import lesson_file, write

CONTENT_DIR = Path(__file__).resolve().parent.parent.parent / "content"


@pytest.fixture
def parallel(monkeypatch):
    monkeypatch.setattr(content, "PARALLEL_FROM", 2)
    monkeypatch.setattr(content.os, "cpu_count", lambda: 2)


def test_the_real_course_renders_the_same_in_worker_processes(parallel):
    tree = scan(CONTENT_DIR)
    one_by_one = {f.path: render_file(tree, f) for f in tree.files}
    assert render_files(tree, tree.files) == one_by_one


def test_problems_found_in_a_worker_keep_their_file_and_line(parallel, content_dir):
    write(content_dir, "01-first/_module.md", "---\ntitle: First\nsummary: S.\n---\n")
    write(content_dir, "01-first/01-ok.md", lesson_file("Fine", "All good here."))
    write(
        content_dir, "01-first/02-bad.md", lesson_file("Bad", "Line one.\n\n::: nonsense\nx\n:::\n")
    )
    tree = scan(content_dir)
    rendered = render_files(tree, tree.files)
    problems = [str(p) for p in rendered["01-first/02-bad.md"].problems]
    assert any(p.startswith("01-first/02-bad.md:") and "nonsense" in p for p in problems)
    assert rendered["01-first/01-ok.md"].problems == []


def test_a_few_files_render_in_this_process(monkeypatch, content_dir):
    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started for two files")

    monkeypatch.setattr(content, "ProcessPoolExecutor", no_pool)
    write(content_dir, "01-first/_module.md", "---\ntitle: First\nsummary: S.\n---\n")
    write(content_dir, "01-first/01-ok.md", lesson_file("Fine", "All good here."))
    tree = scan(content_dir)
    assert set(render_files(tree, tree.files)) == {"01-first/_module.md", "01-first/01-ok.md"}
