"""customer caution and blacklist flags stored; pre-system visit counts clamped to their limit

is_caution / is_blacklisted are kept on the customer (like the visit figures) instead of being
looked up in cautions / blacklist_entries per row; they are filled here from the existing entries.

pre_system_visit_count values above the limit the customer registry now enforces (they were
stored before it existed and break lists) are clamped to it, and visit_count (which includes
them) is lowered by the same amount so the figures still add up.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 14:25:53.388878

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: The registry's limit when this revision was written (services.customer_fields); a revision
#: keeps its own copy so that a later change of the limit does not rewrite history.
PRE_SYSTEM_VISIT_MAX = 10000

customers = sa.table(
    'customers',
    sa.column('id', sa.Integer()),
    sa.column('is_caution', sa.Boolean()),
    sa.column('is_blacklisted', sa.Boolean()),
    sa.column('pre_system_visit_count', sa.Integer()),
    sa.column('visit_count', sa.Integer()),
)
cautions = sa.table('cautions', sa.column('customer_id', sa.Integer()))
blacklist_entries = sa.table('blacklist_entries', sa.column('customer_id', sa.Integer()))


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_caution', sa.Boolean(), server_default='0', nullable=False, comment='要注意人物'))
        batch_op.add_column(sa.Column('is_blacklisted', sa.Boolean(), server_default='0', nullable=False, comment='ブラックリスト'))
        batch_op.create_index(batch_op.f('ix_customers_is_blacklisted'), ['is_blacklisted'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_is_caution'), ['is_caution'], unique=False)

    op.execute(customers.update()
               .where(customers.c.id.in_(sa.select(cautions.c.customer_id)))
               .values(is_caution=sa.true()))
    op.execute(customers.update()
               .where(customers.c.id.in_(sa.select(blacklist_entries.c.customer_id)))
               .values(is_blacklisted=sa.true()))

    excess = customers.c.pre_system_visit_count - PRE_SYSTEM_VISIT_MAX
    op.execute(customers.update()
               .where(customers.c.pre_system_visit_count > PRE_SYSTEM_VISIT_MAX)
               .values(visit_count=customers.c.visit_count - excess,
                       pre_system_visit_count=PRE_SYSTEM_VISIT_MAX))


def downgrade() -> None:
    # The clamped visit counts stay clamped: the values above the limit are not kept anywhere.
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_is_caution'))
        batch_op.drop_index(batch_op.f('ix_customers_is_blacklisted'))
        batch_op.drop_column('is_blacklisted')
        batch_op.drop_column('is_caution')
