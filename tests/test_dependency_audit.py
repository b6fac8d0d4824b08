"""CI's dependency audit: fails on findings, says "skipped" where no database answers."""

import importlib.util
import json
from pathlib import Path

_path = Path(__file__).resolve().parent.parent / ".ci" / "audit_dependencies.py"
_spec = importlib.util.spec_from_file_location("audit_dependencies", _path)
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

NOT_FOUND = "Dependency not found on PyPI and could not be audited: django (6.1.3)"


def _report(*dependencies) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_a_known_vulnerability_fails_the_run():
    status, message = audit.verdict(
        _report(
            {"name": "django", "version": "6.1.3", "vulns": []},
            {
                "name": "bleach",
                "version": "6.4.0",
                "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["6.4.1"]}],
            },
        ),
        "",
    )
    assert status == 1
    assert "bleach 6.4.0: PYSEC-2099-1 (fixed in 6.4.1)" in message


def test_nothing_audited_is_skipped_not_passed():
    """A mirror that answers 404 to every lookup: pip-audit itself says all is well."""
    status, message = audit.verdict(_report({"name": "django", "skip_reason": NOT_FOUND}), "")
    assert (status, message.split(" (")[0]) == (0, "skipped: no network")


def test_an_unreachable_database_is_skipped():
    error = "requests.exceptions.ConnectionError: Max retries exceeded with url: /pypi/..."
    assert audit.verdict("", error)[0] == 0
    assert audit.verdict("", error)[1].startswith("skipped: no network")


def test_any_other_failure_fails_the_run():
    assert audit.verdict("", "error: invalid requirement")[0] == 1


def test_a_clean_audit_passes():
    report = _report({"name": "django", "version": "6.1.3", "vulns": []})
    assert audit.verdict(report, "") == (0, "1 packages audited, no known vulnerabilities")
