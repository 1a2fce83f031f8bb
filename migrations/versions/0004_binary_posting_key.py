"""posting keys as 16 bytes instead of 64 hex characters

Revision ID: 0004
Revises: 0003

The unique index on posting keys is the most expensive of the invoice lines'
indexes to maintain during a bulk load (random keys); 16 bytes (128 bits of
the SHA-256, no realistic chance of two postings colliding) make it a quarter
of the size. Existing keys keep their identity: a key becomes the first 16
bytes of the digest its hex spelled, which is what the importer now writes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 10_000


def upgrade() -> None:
    op.drop_index("uq_invoice_line_posting_key", table_name="invoice_line")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE invoice_line ALTER COLUMN posting_key TYPE bytea "
            "USING decode(substr(posting_key, 1, 32), 'hex')"
        )
    else:
        _convert_sqlite_keys(lambda key: bytes.fromhex(key[:32]))
        with op.batch_alter_table("invoice_line") as batch_op:
            batch_op.alter_column("posting_key", type_=sa.LargeBinary(16), existing_nullable=True)
    op.create_index("uq_invoice_line_posting_key", "invoice_line", ["posting_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_invoice_line_posting_key", table_name="invoice_line")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE invoice_line ALTER COLUMN posting_key TYPE varchar(64) "
            "USING encode(posting_key, 'hex')"
        )
    else:
        _convert_sqlite_keys(lambda key: key.hex())
        with op.batch_alter_table("invoice_line") as batch_op:
            batch_op.alter_column("posting_key", type_=sa.String(64), existing_nullable=True)
    op.create_index("uq_invoice_line_posting_key", "invoice_line", ["posting_key"], unique=True)


def _convert_sqlite_keys(convert) -> None:
    """SQLite 3.40 has no unhex(): the keys pass through Python, a batch at a time."""
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.text(
                "SELECT id, posting_key FROM invoice_line WHERE posting_key IS NOT NULL AND id > :last "
                "ORDER BY id LIMIT :size"
            ),
            {"last": last_id, "size": BATCH},
        ).all()
        if not rows:
            return
        connection.execute(
            sa.text("UPDATE invoice_line SET posting_key = :key WHERE id = :id"),
            [{"key": convert(key), "id": line_id} for line_id, key in rows],
        )
        last_id = rows[-1][0]
