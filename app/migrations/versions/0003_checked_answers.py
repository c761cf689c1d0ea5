"""checked answers: attempts in progress of immediate-feedback quizzes, and practice checks

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.types  # noqa: F401 - UTCDateTime

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attempt_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('quiz_slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('client_attempt_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('retry_of', sa.Integer(), nullable=True),
    sa.Column('open_quiz_slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('learner_id', 'client_attempt_id'),
    sa.UniqueConstraint('learner_id', 'open_quiz_slug')
    )
    op.create_table('checked_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('question_version', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('checked_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['attempt_draft.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('draft_id', 'question_id')
    )
    op.create_table('practice_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('quiz_slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('question_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('question_version', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learner.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('practice_answer', schema=None) as batch_op:
        batch_op.create_index('ix_practice_answer_learner_quiz', ['learner_id', 'quiz_slug'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('practice_answer', schema=None) as batch_op:
        batch_op.drop_index('ix_practice_answer_learner_quiz')
    op.drop_table('practice_answer')
    op.drop_table('checked_answer')
    op.drop_table('attempt_draft')
