from assessments.views import cycles, grid, leniency, rectifications, scorecard

app_name = "assessments"

urlpatterns = [
    *grid.urlpatterns,
    *scorecard.urlpatterns,
    *rectifications.urlpatterns,
    *cycles.urlpatterns,
    *leniency.urlpatterns,
]
