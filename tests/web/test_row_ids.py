"""A row id in a path that no integer column can hold (typed, pasted or probed) is 'not found', on SQLite and
PostgreSQL alike, never a database failure answered 500 (issue #14's rule: no 500 for anything a user sends)."""

from __future__ import annotations

import pytest

HUGE = [str(2**31), str(2**63), "9" * 30]


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("path", ["/cases/{}", "/agreements/{}", "/admin/organisations/{}", "/api/cases/{}",
                                  "/api/agreements/{}"])
def test_an_id_beyond_any_row_is_not_found(as_user, path, number):
    client = as_user("seisaku")
    assert client.get(path.format(number)).status_code == 404


def test_the_largest_id_a_row_can_have_is_still_looked_up(as_user):
    assert as_user("seisaku").get(f"/cases/{2**31 - 1}").status_code == 404
