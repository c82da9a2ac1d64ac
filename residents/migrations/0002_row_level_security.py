from django.db import migrations

from organizations.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("residents", "0001_initial")]

    operations = [
        EnableRowLevelSecurity("RatingSettings"),
        EnableRowLevelSecurity("Campaign"),
        EnableRowLevelSecurity("CardBatch"),
        EnableRowLevelSecurity("UsedCard"),
        EnableRowLevelSecurity("Response"),
        EnableRowLevelSecurity("Answer"),
        EnableRowLevelSecurity("ComplaintCount"),
    ]
