from django.db import migrations

from organizations.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("ThresholdSet"),
        EnableRowLevelSecurity("Incident"),
        EnableRowLevelSecurity("Alert"),
        EnableRowLevelSecurity("Escalation"),
    ]
