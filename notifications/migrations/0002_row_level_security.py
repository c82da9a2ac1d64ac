from django.db import migrations

from organizations.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("Notification"),
        EnableRowLevelSecurity("Preference"),
    ]
