"""customers.is_blacklisted renamed has_blacklist_entry

The flag says that the customer has a blacklist entry of its own; booking refuses anyone who
matches a listed person, which the old name suggested. Data is kept: the column is renamed,
with its index.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 19:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _rename(old: str, new: str, comment: str, old_comment: str) -> None:
    # recreate="never": a rename is an ALTER TABLE on SQLite too (3.25+); rebuilding customers would
    # have to drop a table that a dozen foreign keys point at.
    with op.batch_alter_table('customers', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(f'ix_customers_{old}')
        # SQLite keeps no comments (the models' comments are the admin's labels on PostgreSQL too).
        comments = {'comment': comment, 'existing_comment': old_comment} if op.get_bind().dialect.supports_comments \
            else {}
        batch_op.alter_column(old, new_column_name=new, existing_type=sa.Boolean(), existing_nullable=False,
                              existing_server_default='0', **comments)
    # After the batch, which knows the table by its old columns.
    op.create_index(f'ix_customers_{new}', 'customers', [new], unique=False)


def upgrade() -> None:
    _rename('is_blacklisted', 'has_blacklist_entry', 'ブラックリスト登録あり', 'ブラックリスト')


def downgrade() -> None:
    _rename('has_blacklist_entry', 'is_blacklisted', 'ブラックリスト', 'ブラックリスト登録あり')
