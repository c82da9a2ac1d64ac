from interviews.views import insights, settings, talks

app_name = "interviews"

urlpatterns = [*talks.urlpatterns, *insights.urlpatterns, *settings.urlpatterns]
