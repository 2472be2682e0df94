"""Issue #13 item 4: a draft that only redraws the diagram (bpmn-js's order, a nudged shape) makes no new
version, unless the owner ticks 「レイアウトの変更も新しい版として登録する」."""

from __future__ import annotations

import pytest

from engine.errors import CaseStateError
from engine.library.drafts import DraftService
from tests.integration.redrawn import BPMN, PROCESS
from tests.integration.test_drafts_deploy import versions
from tests.layout import reordered_and_nudged


def relaid_draft(engine) -> int:
    owner, drafts = engine.actor("process"), DraftService(engine)
    draft = drafts.create(owner, PROCESS, "図の配置を整える")
    drafts.save_file(owner, draft, BPMN, reordered_and_nudged(drafts.file(owner, draft, BPMN)))
    return draft


def test_a_layout_only_redeploy_makes_no_version_and_says_why(engine):
    owner, drafts = engine.actor("process"), DraftService(engine)
    draft = relaid_draft(engine)
    assert drafts.diff(owner, draft).layout_only
    with pytest.raises(CaseStateError, match="違いはレイアウトのみです"):
        drafts.deploy(owner, draft, "配置の調整")
    assert versions(engine) == 1
    assert drafts.draft(owner, draft).summary.status == "open"


def test_a_layout_only_change_becomes_a_version_when_the_owner_asks(engine):
    owner, drafts = engine.actor("process"), DraftService(engine)
    result = drafts.deploy(owner, relaid_draft(engine), "配置の調整", include_layout=True)
    assert result.version == 2 and versions(engine) == 2
