"""dashboard indexes: a covering index on quiz_progress for per-learner aggregates

The cohort dashboard counts passed quizzes, finds struggling learners and bins best scores
for every member of a cohort; with this index those reads never touch the table itself.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_quiz_progress_learner_status', 'quiz_progress',
                    ['learner_id', 'quiz_slug', 'passed', 'failed_attempts', 'best_percent'])


def downgrade() -> None:
    op.drop_index('ix_quiz_progress_learner_status', table_name='quiz_progress')
