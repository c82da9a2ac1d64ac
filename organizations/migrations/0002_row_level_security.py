from django.db import migrations

from organizations.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("OrgUnit"),
        EnableRowLevelSecurity("Secretary"),
        EnableRowLevelSecurity("Membership"),
    ]
