from residents.views import campaigns, suggestions

app_name = "residents"

urlpatterns = [*campaigns.urlpatterns, *suggestions.urlpatterns]
