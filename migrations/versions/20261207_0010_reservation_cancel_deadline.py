"""reservation cancel deadline: the cancellation deadline a reschedule after it carried over

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 19:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_deadline_at', sa.DateTime(timezone=True), nullable=True,
                                      comment='キャンセル期限（変更前の予約から引き継ぎ）'))


def downgrade() -> None:
    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_column('cancel_deadline_at')
