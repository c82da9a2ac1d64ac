from django.db import migrations

from organizations.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_workflow")]

    operations = [
        EnableRowLevelSecurity("ExpertAssignment"),
        EnableRowLevelSecurity("SelfEvaluation"),
        EnableRowLevelSecurity("AdjustmentRecord"),
        EnableRowLevelSecurity("VetoRecord"),
        EnableRowLevelSecurity("Result"),
        EnableRowLevelSecurity("Appeal"),
        EnableRowLevelSecurity("AppealReview"),
        EnableRowLevelSecurity("Rectification"),
        EnableRowLevelSecurity("JobProgress"),
    ]
