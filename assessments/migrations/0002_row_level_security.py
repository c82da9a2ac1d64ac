from django.db import migrations

from organizations.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("Cycle"),
        EnableRowLevelSecurity("Assessment"),
        EnableRowLevelSecurity("ScoreEntry"),
    ]
