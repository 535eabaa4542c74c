"""who each customer is for the blacklist's person match, recorded

person_kana / person_phone / person_email hold the normalised kana name, phone digits and real
e-mail address as registered or as staff last set them; the match compares these instead of the
fields a customer can edit on the reservation site. Existing customers get them from their
fields as they are now (every edit so far was a registration or a staff edit, or is taken as one).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 19:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

from services.flags import person_keys


# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BATCH = 1000

customers = sa.table(
    'customers',
    sa.column('id', sa.Integer()),
    sa.column('last_name', sa.String()),
    sa.column('first_name', sa.String()),
    sa.column('last_name_kana', sa.String()),
    sa.column('first_name_kana', sa.String()),
    sa.column('phone', sa.String()),
    sa.column('email_key', sa.String()),
    sa.column('email_is_placeholder', sa.Boolean()),
    sa.column('person_kana', sa.String()),
    sa.column('person_phone', sa.String()),
    sa.column('person_email', sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_kana', sa.String(length=128), nullable=True, comment='本人照合用カナ'))
        batch_op.add_column(sa.Column('person_phone', sa.String(length=32), nullable=True, comment='本人照合用電話番号'))
        batch_op.add_column(sa.Column('person_email', sa.String(length=254), nullable=True, comment='本人照合用メールアドレス'))
        batch_op.create_index(batch_op.f('ix_customers_person_email'), ['person_email'], unique=False)
        batch_op.create_index(batch_op.f('ix_customers_person_phone'), ['person_phone'], unique=False)

    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(customers.c.id, customers.c.last_name, customers.c.first_name, customers.c.last_name_kana,
                      customers.c.first_name_kana, customers.c.phone, customers.c.email_key,
                      customers.c.email_is_placeholder)
            .where(customers.c.id > last_id).order_by(customers.c.id).limit(BATCH)).all()
        if not rows:
            break
        connection.execute(
            customers.update().where(customers.c.id == sa.bindparam('row_id')),
            [{'row_id': r.id, **dict(zip(('person_kana', 'person_phone', 'person_email'), person_keys(r)))}
             for r in rows])
        last_id = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customers_person_phone'))
        batch_op.drop_index(batch_op.f('ix_customers_person_email'))
        batch_op.drop_column('person_email')
        batch_op.drop_column('person_phone')
        batch_op.drop_column('person_kana')
