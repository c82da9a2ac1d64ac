from assessments.views import grid, scorecard

app_name = "assessments"

urlpatterns = [*grid.urlpatterns, *scorecard.urlpatterns]
