"""site credentials (サイト連携キー) of the reservation site's server, and who of them acted in the audit log

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-07 22:02:14.487763

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('api_clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False, comment='名称'),
    sa.Column('secret_hash', sa.String(length=64), nullable=False, comment='キー(SHA-256)'),
    sa.Column('secret_prefix', sa.String(length=16), nullable=False, comment='キーの先頭'),
    sa.Column('created_by_id', sa.Integer(), nullable=True, comment='発行者'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False, comment='発行日時'),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True, comment='最終利用日時'),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True, comment='無効化日時'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_accounts.id'], name=op.f('fk_api_clients_created_by_id_staff_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_clients')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_api_clients_secret_hash'))
    )
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_clients_created_by_id'), ['created_by_id'], unique=False)

    with op.batch_alter_table('audit_logs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_api_client_id', sa.Integer(), nullable=True, comment='実行者(サイト連携キー)'))



def downgrade() -> None:
    with op.batch_alter_table('audit_logs', schema=None) as batch_op:
        batch_op.drop_column('actor_api_client_id')

    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_clients_created_by_id'))

    op.drop_table('api_clients')
