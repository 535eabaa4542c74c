"""e-mail changes a customer confirms with a token sent to the new address

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 19:14:58.116446

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('email_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('new_email', sa.String(length=254), nullable=False, comment='新しいメールアドレス'),
    sa.Column('token_hash', sa.String(length=64), nullable=False, comment='確認トークン(SHA-256)'),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False, comment='受付日時'),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False, comment='有効期限'),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True, comment='確認日時'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_email_changes_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_changes')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_email_changes_token_hash'))
    )
    with op.batch_alter_table('email_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_changes_customer_id'), ['customer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('email_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_changes_customer_id'))

    op.drop_table('email_changes')
