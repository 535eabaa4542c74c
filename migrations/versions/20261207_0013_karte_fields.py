"""sales reports record the products sold; karte entries and visit memos can be marked as health
information (要配慮個人情報: staff only, every read audited)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 22:20:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_HEALTH = ("karte_entries", "visit_memos")


def upgrade() -> None:
    with op.batch_alter_table('sales_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('products_sold', sa.Text(), nullable=True, comment='販売商品'))
    for table in _HEALTH:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('is_health_info', sa.Boolean(), server_default='0', nullable=False,
                                          comment='健康情報'))


def downgrade() -> None:
    for table in _HEALTH:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('is_health_info')
    with op.batch_alter_table('sales_reports', schema=None) as batch_op:
        batch_op.drop_column('products_sold')
