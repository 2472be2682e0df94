"""Keyset paging (issue #15 item 3): the one home of how every list — inbox, board, agreement register,
their JSON — is cut into pages.

A page after the first is found by the sort key of the row it continues from (keyset), not by OFFSET: the
database starts reading at that key in the list's index, so a deep page costs what the first page costs.
The key always ends with the row's id, so rows with equal sort values are neither lost nor repeated.
A cursor is opaque to callers (base64 of the key, the direction and where the page starts, for
「51–100件」); it carries no permission: the list's own access condition applies to every page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, func, literal, or_, select, tuple_, union_all
from sqlalchemy.orm import Session

from engine.errors import PageRequestError

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# Counts stop here: a list says 「1,000件以上」 instead of counting every row, so that a page's cost does not
# grow with the database (issue #15: a listing at 100k cases costs what it costs at 1k). No city has that many
# open items of one kind; past it, the exact number tells a person nothing the pager does not.
COUNT_CAP = 1_000
MAX_OFFSET = 10**9  # a page= jump may start far in (BoardQuery allows page 100000 of 500)
BAD_CURSOR = "ページの位置（cursor）が正しくありません。一覧の最初のページから開き直してください"
T = TypeVar("T")


@dataclass(frozen=True)
class Key:
    """One sort key. ``nullable`` keys put their empty values last in either direction."""

    expr: Any
    descending: bool = False
    nullable: bool | None = None  # None: taken from the column
    split: bool = False  # a yes/no first key, each half an index range of its own (mine, then my group's)
    otherwise: Any = None  # a split key's "no" half as the list narrows it (claimed by me), for its index

    def may_be_null(self) -> bool:
        if self.nullable is not None:
            return self.nullable
        return bool(getattr(getattr(self.expr, "expression", self.expr), "nullable", True))

    def order(self, backward: bool) -> ColumnElement:
        descending = self.descending != backward
        ordered = self.expr.desc() if descending else self.expr.asc()
        if not self.may_be_null():
            return ordered
        return ordered.nulls_first() if backward else ordered.nulls_last()


@dataclass(frozen=True)
class Cursor:
    values: tuple
    backward: bool  # the page before the row with these values, else the page after it
    offset: int  # 0-based position of the first row of the page it leads to


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    cursor: Cursor | None = None
    offset: int = 0  # a jump without a cursor (a legacy ``page=``): OFFSET, read through the same index


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int  # 0-based position of items[0]
    next: str | None = None  # cursors
    previous: str | None = None

    @property
    def first_number(self) -> int:
        return self.offset + 1 if self.items else 0

    @property
    def last_number(self) -> int:
        return self.offset + len(self.items)

    @property
    def number(self) -> int:
        return self.offset // self.limit + 1

    @property
    def total_exact(self) -> bool:
        return exact(self.total)


# --- cursors: plain JSON, tagged where JSON has no type of its own -----------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict) and value.keys() == {"t"}:
        return datetime.fromisoformat(value["t"])
    if isinstance(value, dict) and value.keys() == {"d"}:
        return date.fromisoformat(value["d"])
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError(value)


def encode(cursor: Cursor, signature: str) -> str:
    body = {"s": signature, "k": [_plain(v) for v in cursor.values], "b": cursor.backward, "o": cursor.offset}
    return base64.urlsafe_b64encode(json.dumps(body, ensure_ascii=False).encode()).decode().rstrip("=")


def decode(text: str, signature: str, keys: Sequence[Key]) -> Cursor:
    """The cursor, checked against the list's keys; a cursor from another sort order or list is refused."""
    refused = PageRequestError({"cursor": BAD_CURSOR})
    try:
        body = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
        values = tuple(_typed(v) for v in body["k"])
        backward, offset = body["b"], body["o"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise refused from None
    if (body.get("s") != signature or len(values) != len(keys) or not isinstance(backward, bool)
            or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET
            or not all(_fits(key, value) for key, value in zip(keys, values, strict=True))):
        raise refused
    return Cursor(values, backward, offset)


def _fits(key: Key, value: Any) -> bool:
    """A value compared with a column of another type would be the database's error (a 500), not ours."""
    if value is None:
        return key.may_be_null()
    kind = key.expr.type
    try:
        expected = getattr(kind, "impl_instance", kind).python_type  # a TypeDecorator's own is ``object``
    except (AttributeError, NotImplementedError):
        return isinstance(value, (str, int))
    if expected is datetime:
        return isinstance(value, datetime) and value.tzinfo is not None
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def parse(params: Mapping[str, str], limit_name: str = "limit") -> tuple[int, str | None, dict[str, str]]:
    """``limit`` (clamped to 1–500) and the raw cursor from a query string; the cursor is decoded against the
    list's keys by ``fetch``. Text that is not a number is an error; a number out of range is clamped."""
    errors: dict[str, str] = {}
    text = (params.get(limit_name) or "").strip()
    limit = DEFAULT_LIMIT
    if text:
        if text.lstrip("-").isdecimal() and len(text) < 12:
            limit = min(max(int(text), 1), MAX_LIMIT)
        else:
            errors[limit_name] = (f"1ページの件数は1〜{MAX_LIMIT}の半角数字で指定してください"
                                  f"（「{text[:20]}」は使えません）")
    cursor = (params.get("cursor") or "").strip() or None
    if cursor is not None and len(cursor) > 2000:
        errors["cursor"] = BAD_CURSOR
        cursor = None
    return limit, cursor, errors


# --- the query ---------------------------------------------------------------------------------------------
def _equal(key: Key, value: Any) -> ColumnElement[bool]:
    return key.expr.is_(None) if value is None else key.expr == value


def _beyond(key: Key, value: Any, backward: bool) -> ColumnElement[bool]:
    """Rows strictly past ``value`` in the key's order (before it when ``backward``); empty values last."""
    descending = key.descending != backward
    if value is None:  # past the empty values (last) there is nothing; before them, every filled value
        return key.expr.is_not(None) if backward else false()
    past = key.expr < value if descending else key.expr > value
    return or_(past, key.expr.is_(None)) if key.may_be_null() and not backward else past


def after(keys: Sequence[Key], values: Sequence[Any], backward: bool = False) -> ColumnElement[bool]:
    """The keyset condition. With one direction and no empty values it is a row comparison, which an index on
    the keys answers as a range; otherwise the expanded form, led by a range on the first key."""
    same = len({k.descending for k in keys}) == 1
    if same and not any(k.may_be_null() for k in keys):
        row, given = tuple_(*(k.expr for k in keys)), tuple_(*values)
        return row < given if keys[0].descending != backward else row > given
    terms = [and_(*(_equal(k, v) for k, v in zip(keys[:i], values[:i], strict=True)),
                  _beyond(keys[i], values[i], backward)) for i in range(len(keys))]
    first, value = keys[0], values[0]
    if value is not None and not (first.may_be_null() and not backward):
        # the redundant range lets the database start in the index instead of reading from its beginning
        return and_(first.expr <= value if first.descending != backward else first.expr >= value, or_(*terms))
    return or_(*terms)


def _statement(query: Select, keys: Sequence[Key], position: Cursor | None, limit: int) -> Select:
    """The page's SELECT. A page that crosses from filled to empty values of a nullable first key (e.g. cases
    still waiting, then finished ones) is two index ranges joined, since no one index range holds both."""
    backward = bool(position and position.backward)
    ordered = query.add_columns(*(k.expr.label(f"_page_key{i}") for i, k in enumerate(keys)))
    if keys[0].split:
        return _halves(ordered, keys, position, limit)
    if position is None:
        return ordered.order_by(*(k.order(backward) for k in keys)).limit(limit)
    first, value = keys[0], position.values[0]
    if not first.may_be_null() or (value is None) != backward:
        return ordered.where(after(keys, position.values, backward)).order_by(
            *(k.order(backward) for k in keys)).limit(limit)
    filled_keys = [replace(first, nullable=False), *keys[1:]]
    if backward:  # from an empty value: the empty ones before it, then every filled value
        filled = ordered.where(first.expr.is_not(None))
        empty = ordered.where(first.expr.is_(None), after(keys[1:], position.values[1:], True))
    else:  # from a filled value: the filled ones after it, then every empty value
        filled = ordered.where(after(filled_keys, position.values))
        empty = ordered.where(first.expr.is_(None))
    parts = [select(part.order_by(*(k.order(backward) for k in filled_keys)).limit(limit).subquery())
             for part in (filled, empty)]
    return _joined(parts, keys, backward, limit)


def _halves(ordered: Select, keys: Sequence[Key], position: Cursor | None, limit: int) -> Select:
    """A ``split`` first key: each half read in the order of the other keys from its own index range, from the
    cursor's half onwards (a sort of every row of both halves otherwise)."""
    first, rest = keys[0], keys[1:]
    backward = bool(position and position.backward)
    halves = [False, True] if first.descending == backward else [True, False]  # in the order they are read
    start = 0 if position is None else halves.index(bool(position.values[0]))
    parts = []
    for index, half in enumerate(halves[start:]):
        conditions = [first.expr if half else (~first.expr if first.otherwise is None else first.otherwise)]
        if position is not None and index == 0:
            conditions.append(after(rest, position.values[1:], backward))
        parts.append(select(ordered.where(*conditions).order_by(*(k.order(backward) for k in rest))
                            .limit(limit).subquery()))
    return _joined(parts, keys, backward, limit)


def _joined(parts: list[Select], keys: Sequence[Key], backward: bool, limit: int) -> Select:
    both = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    outer = [Key(both.c[f"_page_key{i}"], k.descending, k.may_be_null() and not k.split)
             for i, k in enumerate(keys)]
    return select(both).order_by(*(k.order(backward) for k in outer)).limit(limit)


def count(session: Session, query: Select) -> int:
    """The rows of ``query``, counted up to ``COUNT_CAP`` + 1: a result past the cap means "more than the cap"
    (``exact``), and reading stops there instead of at the end of the table."""
    capped = query.with_only_columns(literal(1)).order_by(None).limit(COUNT_CAP + 1).subquery()
    return session.scalar(select(func.count()).select_from(capped)) or 0


def exact(total: int) -> bool:
    """Whether a count from ``count`` is the number of rows, not only a lower bound."""
    return total <= COUNT_CAP


def shown_total(total: int) -> int:
    """What a count says to a reader: the number, or the cap when there are more."""
    return min(total, COUNT_CAP)


def fetch(session: Session, query: Select, keys: Sequence[Key], request: PageRequest | None, signature: str,
          build: Callable[[Any], T], cursor: str | None = None, total: int | None = None) -> Page[T]:
    """One page of ``query`` (which selects the columns ``build`` reads) in the order of ``keys``.

    ``signature`` names the list and its order; a cursor carries it, so one from another list is refused.
    ``total`` may be passed when the caller has counted the same rows (the inbox's tab counts).
    """
    request = request or PageRequest()
    position = decode(cursor, signature, keys) if cursor else request.cursor
    backward = bool(position and position.backward)
    skip = 0 if position else request.offset
    statement = _statement(query, keys, position, request.limit + 1 + skip)
    if skip:  # the rows of a jump are skipped at the end, so that each half or range reads them too
        statement = statement.limit(request.limit + 1).offset(skip)
    found = list(session.execute(statement))
    more = len(found) > request.limit
    found = found[:request.limit]
    if backward:
        found.reverse()
    offset = position.offset if position else request.offset
    if backward and not more:
        offset = 0  # the first page, whatever the cursor said
    key_of = lambda row: tuple(row[-len(keys) + i] for i in range(len(keys)))  # noqa: E731
    has_next = bool(found) and (more if not backward else True)
    has_previous = bool(found) and (more if backward else offset > 0)
    return Page(
        items=[build(row) for row in found],
        total=count(session, query) if total is None else total,
        limit=request.limit, offset=offset,
        next=encode(Cursor(key_of(found[-1]), False, offset + len(found)), signature) if has_next else None,
        previous=encode(Cursor(key_of(found[0]), True, max(offset - request.limit, 0)), signature)
        if has_previous else None,
    )


def empty(request: PageRequest | None = None) -> Page:
    return Page([], 0, (request or PageRequest()).limit, 0)

