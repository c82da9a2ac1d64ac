from django.db import migrations

from organizations.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("interviews", "0001_talks")]

    operations = [
        EnableRowLevelSecurity("TalkPolicy"),
        EnableRowLevelSecurity("Talk"),
        EnableRowLevelSecurity("TalkParticipant"),
        EnableRowLevelSecurity("TalkRectification"),
        EnableRowLevelSecurity("DemandTheme"),
        EnableRowLevelSecurity("TalkTheme"),
    ]
