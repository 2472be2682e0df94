"""workflow_spec: the process specs of workflow states stored once, named by their digest; states compressed

Each workflow_state row and each case_migration's saved state carried its whole process spec (~48 KB of a
~55 KB row for a comprehensive agreement), the same in every case of a version. The upgrade moves ``spec`` and
``subprocess_specs`` out of every stored state into one workflow_spec row per distinct text, under the SHA-256
of that text, written exactly as engine.workflow.serialization.spec_text writes it, so the running engine
finds the same digest and adds no second row. What remains is stored zlib-compressed (a binary column, as
engine.workflow.serialization.pack writes it). The downgrade puts the specs back into every state, as text.

A case_migration's ``migrated_state_hash`` is the hash of the case's state right after the move (undoing is
refused once the case has moved on): where it matches the case's current state it is recomputed from the
state's new form, so a migration that could be undone before stays undoable, and the other way round.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

import hashlib
import json
import zlib

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

_SPEC_KEYS = ('spec', 'subprocess_specs')
_VERSION_KEY = 'serializer_version'
_BATCH = 100  # states parsed per query: a comprehensive agreement's state is ~55 KB before
_STATES = (('workflow_state', 'case_id', 'state', 'serializer_version', 'spec_digest'),
           ('case_migration', 'id', 'previous_state', 'previous_serializer_version', 'previous_spec_digest'))


def upgrade() -> None:
    op.create_table('workflow_spec',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('serializer_version', sa.String(length=20), nullable=False),
    sa.Column('specs', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_workflow_spec'))
    )
    connection = op.get_bind()
    stored: set[str] = set()
    hashes = {}  # case id → (hash of its state before, after)
    for table, key, column, serializer, digest_column in _STATES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('packed', sa.LargeBinary(), nullable=True))
            batch_op.add_column(sa.Column(digest_column, sa.String(length=64), nullable=True))
        update = sa.text(f'UPDATE {table} SET packed = :p, {digest_column} = :d WHERE {key} = :k')
        for row_key, state, version in _rows(connection, table, key, f'{column}, {serializer}'):
            own, digest = _split(connection, state, version, stored)
            if table == 'workflow_state':
                hashes[row_key] = (_hash(state.encode('utf-8')), _hash(own))
            connection.execute(update, {'p': own, 'd': digest, 'k': row_key})
        _replace(table, column, 'packed', sa.LargeBinary(), sa.Text())
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(digest_column, existing_type=sa.String(length=64), nullable=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_{digest_column}_workflow_spec'),
                                        'workflow_spec', [digest_column], ['digest'])
    _rehash(connection, hashes)


def downgrade() -> None:
    connection = op.get_bind()
    specs: dict[str, dict] = {}
    hashes = {}
    for table, key, column, _, digest_column in _STATES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('unpacked', sa.Text(), nullable=True))
        update = sa.text(f'UPDATE {table} SET unpacked = :s WHERE {key} = :k')
        for row_key, state, digest in _rows(connection, table, key, f'{column}, {digest_column}'):
            full = _joined(connection, bytes(state), digest, specs)
            if table == 'workflow_state':
                hashes[row_key] = (_hash(bytes(state)), _hash(full.encode('utf-8')))
            connection.execute(update, {'s': full, 'k': row_key})
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_{digest_column}_workflow_spec'),
                                     type_='foreignkey')
            batch_op.drop_column(digest_column)
        _replace(table, column, 'unpacked', sa.Text(), sa.LargeBinary())
    _rehash(connection, hashes)
    op.drop_table('workflow_spec')


def _replace(table: str, column: str, new: str, new_type, old_type) -> None:
    """The filled column ``new`` takes the place (and name) of ``column``."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_column(column)
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column(new, new_column_name=column, existing_type=new_type, nullable=False)


def _rehash(connection, hashes: dict) -> None:
    """A migration whose hash is that of its case's state is given the hash of that state's new form."""
    records = connection.execute(sa.text('SELECT id, case_id, migrated_state_hash FROM case_migration')).all()
    for record_id, case_id, migrated_hash in records:
        before, after = hashes.get(case_id, (None, None))
        if migrated_hash == before:
            connection.execute(sa.text('UPDATE case_migration SET migrated_state_hash = :h WHERE id = :i'),
                               {'h': after, 'i': record_id})


def _rows(connection, table: str, key: str, columns: str):
    """(key, *columns) of every row, a batch at a time: no table of states is held in memory at once."""
    ids = connection.execute(sa.text(f'SELECT {key} FROM {table} ORDER BY {key}')).scalars().all()
    statement = sa.text(f'SELECT {key}, {columns} FROM {table} WHERE {key} IN :ids').bindparams(
        sa.bindparam('ids', expanding=True))
    for start in range(0, len(ids), _BATCH):
        yield from connection.execute(statement, {'ids': ids[start:start + _BATCH]}).all()


def _split(connection, state: str, serializer: str, stored: set[str]) -> tuple[bytes, str]:
    """The state without its specs, compressed, and the digest of the specs, stored once."""
    dct = json.loads(state)
    text = json.dumps({key: dct.pop(key, {}) for key in _SPEC_KEYS}, sort_keys=True, separators=(',', ':'))
    digest = _hash(text.encode('utf-8'))
    if digest not in stored:
        connection.execute(sa.text('INSERT INTO workflow_spec (digest, serializer_version, specs, created_at) '
                                   'VALUES (:d, :v, :s, CURRENT_TIMESTAMP)'),
                           {'d': digest, 'v': serializer, 's': text})
        stored.add(digest)
    return zlib.compress(json.dumps(dct).encode('utf-8'), 1), digest


def _joined(connection, state: bytes, digest: str, specs: dict[str, dict]) -> str:
    """The self-contained state as revision 0017 stored it: the specs back, the serializer version last."""
    if digest not in specs:
        query = sa.text('SELECT specs FROM workflow_spec WHERE digest = :d')
        specs[digest] = json.loads(connection.execute(query, {'d': digest}).scalar_one())
    own = json.loads(zlib.decompress(state))
    version = own.pop(_VERSION_KEY, None)
    dct = {**own, **specs[digest]}
    if version is not None:
        dct[_VERSION_KEY] = version
    return json.dumps(dct)


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
