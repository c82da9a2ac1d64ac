from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from alerts import api as alert_api
from assessments.api import cycle_tools
from assessments.api import views as assessment_api
from indicators.api import views as indicator_api
from interviews import api as talk_api
from notifications import api as notification_api
from organizations import views as org_views
from organizations.api import views as org_api
from reports import api as report_api
from residents import api as resident_api
from residents.views import public as resident_public

router = DefaultRouter()
router.register("me", org_api.MeViewSet, basename="me")
router.register("org-units", org_api.OrgUnitViewSet, basename="org-unit")
router.register("users", org_api.UserViewSet, basename="user")
router.register("memberships", org_api.MembershipViewSet, basename="membership")
router.register("schemes", indicator_api.SchemeViewSet, basename="scheme")
router.register("scheme-excel", indicator_api.SchemeExcelViewSet, basename="scheme-excel")
router.register("scheme-categories", indicator_api.CategoryViewSet, basename="scheme-category")
router.register(
    "scheme-rater-groups", indicator_api.RaterGroupViewSet, basename="scheme-rater-group"
)
router.register("scheme-indicators", indicator_api.IndicatorViewSet, basename="scheme-indicator")
router.register(
    "scheme-adjustments", indicator_api.AdjustmentItemViewSet, basename="scheme-adjustment"
)
router.register("scheme-vetoes", indicator_api.VetoItemViewSet, basename="scheme-veto")
router.register(
    "special-indicators", indicator_api.SpecialChoiceViewSet, basename="special-indicator"
)
router.register("cycles", assessment_api.CycleViewSet, basename="cycle")
router.register("assessments", assessment_api.AssessmentViewSet, basename="assessment")
router.register("score-entries", assessment_api.ScoreEntryViewSet, basename="score-entry")
router.register("adjustments", assessment_api.AdjustmentViewSet, basename="adjustment")
router.register("vetoes", assessment_api.VetoViewSet, basename="veto")
router.register("appeals", assessment_api.AppealViewSet, basename="appeal")
router.register("rectifications", assessment_api.RectificationViewSet, basename="rectification")
router.register("talks", talk_api.TalkViewSet, basename="talk")
router.register("demand-themes", talk_api.DemandThemeViewSet, basename="demand-theme")
router.register("talk-policy", talk_api.TalkPolicyViewSet, basename="talk-policy")
router.register("cycle-leniency", cycle_tools.LeniencyViewSet, basename="cycle-leniency")
router.register("jobs", cycle_tools.JobViewSet, basename="job")
router.register(
    "rectification-carry", cycle_tools.RectificationCarryViewSet, basename="rectification-carry"
)
router.register("warnings", alert_api.AlertViewSet, basename="warning")
router.register("warning-thresholds", alert_api.ThresholdViewSet, basename="warning-threshold")
router.register("incidents", alert_api.IncidentViewSet, basename="incident")
router.register("escalations", alert_api.EscalationViewSet, basename="escalation")
router.register("notifications", notification_api.NotificationViewSet, basename="notification")
router.register("rating-campaigns", resident_api.CampaignViewSet, basename="rating-campaign")
router.register("rating-suggestions", resident_api.SuggestionViewSet, basename="rating-suggestion")
router.register("report-scorecards", report_api.ScorecardReportViewSet, basename="report-scorecard")
router.register("report-batches", report_api.ReportBatchViewSet, basename="report-batch")

api_urlpatterns = [
    # First: the busiest public endpoint should not be matched against every router pattern.
    path("public/ratings/", resident_api.PublicRatingView.as_view(), name="public-rating"),
    path("", include(router.urls)),
    path("auth/token/", org_api.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the page needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

urlpatterns = [
    path("", org_views.home, name="home"),
    path("login/", org_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", org_views.healthz, name="healthz"),
    path("org/", include("organizations.urls")),
    path("schemes/", include("indicators.urls")),
    path("assessments/", include("assessments.urls")),
    path("talks/", include("interviews.urls")),
    path("warnings/", include("alerts.urls")),
    path("notifications/", include("notifications.urls")),
    path("residents/", include("residents.urls")),
    # The residents' rating page: no login, short links for the QR codes.
    path("r/", include(resident_public.urlpatterns)),
    path("reports/", include("reports.urls")),
    path("api/", include(api_urlpatterns)),
    path("admin/", admin.site.urls),
]

handler404 = "organizations.api.errors.not_found"
handler500 = "organizations.api.errors.server_error"

# Uploaded media has no URL of its own, not even in DEBUG: files are handed out only by
# views that fetched their row through the actor's scope (organizations.uploads).
