"""Exact query counts for the pages whose budget is not pinned beside their own tests.

The lesson, dashboard, journal, roster and client pages are pinned in tests/lessons,
tests/journal and tests/clinic. Every signed-in page starts with two queries: the session row
and the user with both profiles (prodep.accounts.loading). An exact count fails when a page
gains a query (a loop that asks per row) and when one disappears unnoticed.
"""

import pytest
from django.urls import reverse

from tests import factories

# name: (URL, queries, what they are after the session and the user)
BUDGETS = {
    "catalogue": (reverse("lessons:catalogue"), 3, "modules with their lessons and progress"),
    "module": (reverse("lessons:module", args=["first"]), 4, "module, lessons, progress"),
    "settings": (reverse("account_settings"), 2, "nothing more: the profile came with the user"),
    "care": (reverse("clinic:care"), 4, "the care links and their therapists, the shares"),
}


@pytest.fixture
def reader(client, course, care_link, reflection_a, client_a):
    factories.sign_in(client, client_a)
    return client_a


@pytest.mark.parametrize("name", BUDGETS)
def test_each_page_asks_for_exactly_its_budget(client, reader, name, django_assert_num_queries):
    url, queries, _ = BUDGETS[name]
    client.get(url)  # the first request records the session's activity
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
