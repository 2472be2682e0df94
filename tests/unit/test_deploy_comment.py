"""The change description every deploy carries (issue #13 item 5): the page and ``renkei deploy`` share it."""

from __future__ import annotations

import pytest

from engine.errors import FormDataError
from engine.library.drafts import DEPLOY_COMMENT_LIMIT, deploy_comment


def test_a_change_description_is_kept_without_surrounding_spaces():
    assert deploy_comment("  ①の名称を改訂\n") == "①の名称を改訂"


@pytest.mark.parametrize("text", [None, "", "   ", "\n\u3000\t"])
def test_a_missing_or_blank_change_description_is_refused_naming_the_comment_field(text):
    with pytest.raises(FormDataError) as refused:
        deploy_comment(text)
    assert refused.value.errors == {
        "comment": "変更内容の説明（このバージョンで何を変えたか）を入力してください"
    }


def test_a_change_description_may_be_500_characters_and_not_one_more():
    assert DEPLOY_COMMENT_LIMIT == 500
    assert deploy_comment("あ" * 500) == "あ" * 500
    with pytest.raises(FormDataError, match="500 文字以内"):
        deploy_comment(" " + "あ" * 501 + " ")
