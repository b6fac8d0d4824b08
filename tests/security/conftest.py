from tests.clinic.test_permissions import world  # noqa: F401  (the matrix's fixture, reused)
