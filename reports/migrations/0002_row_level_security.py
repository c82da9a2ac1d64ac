from django.db import migrations

from organizations.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("ReportArtifact"),
        EnableRowLevelSecurity("ReportBatch"),
    ]
