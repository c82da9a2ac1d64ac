"""Pages of the assessment workflow: the secretary's scorecard side (``scorecard``) and the
street assessor's scoring side (``grid``). Each module keeps its own ``urlpatterns``."""
