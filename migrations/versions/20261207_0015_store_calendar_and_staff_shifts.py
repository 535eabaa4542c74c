"""store calendar, staff shifts, slot holds and idempotent bookings

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-07 22:03:05.513330

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('business_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False, comment='曜日'),
    sa.Column('opens_at', sa.Time(), nullable=True, comment='開店'),
    sa.Column('closes_at', sa.Time(), nullable=True, comment='閉店'),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False, comment='作成日時'),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False, comment='更新日時'),
    sa.CheckConstraint('(opens_at IS NULL AND closes_at IS NULL) OR (opens_at IS NOT NULL AND closes_at IS NOT NULL AND closes_at > opens_at)', name=op.f('ck_business_hours_hours_order')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_business_hours_weekday_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_hours')),
    sa.UniqueConstraint('weekday', name=op.f('uq_business_hours_weekday'))
    )
    op.create_table('calendar_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False, comment='日付'),
    sa.Column('kind', sa.Enum('CLOSED', 'SPECIAL', name='calendardaykind', native_enum=False, length=32), nullable=False, comment='種類'),
    sa.Column('opens_at', sa.Time(), nullable=True, comment='開店'),
    sa.Column('closes_at', sa.Time(), nullable=True, comment='閉店'),
    sa.Column('note', sa.String(length=100), server_default='', nullable=False, comment='メモ'),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False, comment='作成日時'),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False, comment='更新日時'),
    sa.CheckConstraint("kind = 'CLOSED' OR opens_at IS NOT NULL", name=op.f('ck_calendar_exceptions_special_has_hours')),
    sa.CheckConstraint('(opens_at IS NULL AND closes_at IS NULL) OR (opens_at IS NOT NULL AND closes_at IS NOT NULL AND closes_at > opens_at)', name=op.f('ck_calendar_exceptions_hours_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_exceptions')),
    sa.UniqueConstraint('day', name=op.f('uq_calendar_exceptions_day'))
    )
    op.create_table('staff_shift_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=False, comment='スタッフ'),
    sa.Column('day', sa.Date(), nullable=False, comment='日付'),
    sa.Column('starts_at', sa.Time(), nullable=True, comment='出勤'),
    sa.Column('ends_at', sa.Time(), nullable=True, comment='退勤'),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False, comment='作成日時'),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False, comment='更新日時'),
    sa.CheckConstraint('(starts_at IS NULL AND ends_at IS NULL) OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at)', name=op.f('ck_staff_shift_exceptions_shift_order')),
    sa.ForeignKeyConstraint(['staff_member_id'], ['staff_members.id'], name=op.f('fk_staff_shift_exceptions_staff_member_id_staff_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_shift_exceptions')),
    sa.UniqueConstraint('staff_member_id', 'day', name=op.f('uq_staff_shift_exceptions_staff_member_id_day'))
    )
    with op.batch_alter_table('staff_shift_exceptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_shift_exceptions_day'), ['day'], unique=False)

    op.create_table('staff_shifts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=False, comment='スタッフ'),
    sa.Column('weekday', sa.Integer(), nullable=False, comment='曜日'),
    sa.Column('starts_at', sa.Time(), nullable=False, comment='出勤'),
    sa.Column('ends_at', sa.Time(), nullable=False, comment='退勤'),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False, comment='作成日時'),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False, comment='更新日時'),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_staff_shifts_shift_order')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_staff_shifts_weekday_range')),
    sa.ForeignKeyConstraint(['staff_member_id'], ['staff_members.id'], name=op.f('fk_staff_shifts_staff_member_id_staff_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_shifts')),
    sa.UniqueConstraint('staff_member_id', 'weekday', name=op.f('uq_staff_shifts_staff_member_id_weekday'))
    )
    op.create_table('slot_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=True, comment='スタッフ'),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=False, comment='開始日時'),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=False, comment='終了日時'),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False, comment='期限'),
    sa.CheckConstraint('end_at > start_at', name=op.f('ck_slot_holds_end_after_start')),
    sa.ForeignKeyConstraint(['staff_member_id'], ['staff_members.id'], name=op.f('fk_slot_holds_staff_member_id_staff_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slot_holds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_slot_holds_token_hash'))
    )
    with op.batch_alter_table('slot_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slot_holds_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_slot_holds_start_at'), ['start_at'], unique=False)

    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=64), nullable=True, comment='冪等キー'))
        batch_op.add_column(sa.Column('idempotency_fingerprint', sa.String(length=64), nullable=True, comment='冪等キーの要求内容'))
        batch_op.create_unique_constraint(batch_op.f('uq_reservations_idempotency_key'), ['idempotency_key'])
        batch_op.add_column(sa.Column('auto_assigned', sa.Boolean(), server_default='0', nullable=False, comment='指名なし（自動割当）'))

    with op.batch_alter_table('store_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slot_minutes', sa.Integer(), server_default='30', nullable=False, comment='予約枠の間隔(分)'))
        batch_op.add_column(sa.Column('booking_horizon_days', sa.Integer(), server_default='60', nullable=False, comment='予約受付期間(何日先まで)'))
        batch_op.add_column(sa.Column('booking_notice_minutes', sa.Integer(), server_default='120', nullable=False, comment='予約受付の締切(開始の何分前まで)'))
        batch_op.create_check_constraint('slot_minutes_values', 'slot_minutes IN (10, 15, 30, 60)')
        batch_op.create_check_constraint('horizon_range', 'booking_horizon_days BETWEEN 1 AND 366')
        batch_op.create_check_constraint('notice_range', 'booking_notice_minutes BETWEEN 0 AND 20160')
        batch_op.add_column(sa.Column('hold_minutes', sa.Integer(), server_default='10', nullable=False, comment='仮押さえの時間(分)'))
        batch_op.create_check_constraint('hold_range', 'hold_minutes BETWEEN 1 AND 60')
        batch_op.add_column(sa.Column('assign_rule', sa.Enum('FEWEST', 'ORDER', name='assignrule', native_enum=False, length=32), server_default='FEWEST', nullable=False, comment='指名なしの担当の決め方'))



def downgrade() -> None:
    with op.batch_alter_table('store_settings', schema=None) as batch_op:
        batch_op.drop_column('assign_rule')
        batch_op.drop_constraint('hold_range', type_='check')
        batch_op.drop_column('hold_minutes')
        batch_op.drop_constraint('notice_range', type_='check')
        batch_op.drop_constraint('horizon_range', type_='check')
        batch_op.drop_constraint('slot_minutes_values', type_='check')
        batch_op.drop_column('booking_notice_minutes')
        batch_op.drop_column('booking_horizon_days')
        batch_op.drop_column('slot_minutes')

    with op.batch_alter_table('reservations', schema=None) as batch_op:
        batch_op.drop_column('auto_assigned')
        batch_op.drop_constraint(batch_op.f('uq_reservations_idempotency_key'), type_='unique')
        batch_op.drop_column('idempotency_fingerprint')
        batch_op.drop_column('idempotency_key')

    with op.batch_alter_table('slot_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slot_holds_start_at'))
        batch_op.drop_index(batch_op.f('ix_slot_holds_expires_at'))

    op.drop_table('slot_holds')
    op.drop_table('staff_shifts')
    with op.batch_alter_table('staff_shift_exceptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_shift_exceptions_day'))

    op.drop_table('staff_shift_exceptions')
    op.drop_table('calendar_exceptions')
    op.drop_table('business_hours')
