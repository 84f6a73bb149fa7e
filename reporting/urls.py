from django.urls import path

from goals.urls import PLAN
from reporting import plan_views, report_views, views

app_name = "reporting"

MINISTRY = "overblik/<str:ministry>/"
REPORTS = f"{PLAN}rapporter/"
FOLLOW_UP = f"{REPORTS}opfoelgning/<int:quarter>/"
ANNUAL = f"{REPORTS}aarsrapport/"
DOCUMENT = f"{REPORTS}plan/"
JOB = f"{MINISTRY}rapporter/<uuid:job_id>/"

urlpatterns = [
    path(PLAN, plan_views.plan_detail, name="plan_detail"),
    path("overblik/", views.index, name="index"),
    path(MINISTRY, views.overview, name="overview"),
    path(f"{MINISTRY}opmaerksomhed/", views.attention, name="attention"),
    path(f"{MINISTRY}koncernfaelles/", views.group_goals, name="group_goals"),
    path(f"{MINISTRY}maalopfyldelse/", report_views.ministry_summary, name="summary"),
    path(f"{MINISTRY}maalopfyldelse/dan/", report_views.start_summary, name="start_summary"),
    path(JOB, report_views.job, name="job"),
    path(f"{JOB}hent/", report_views.job_download, name="job_download"),
    path(FOLLOW_UP, report_views.follow_up, name="follow_up"),
    path(f"{FOLLOW_UP}pdf/", report_views.follow_up, {"format": "pdf"}, name="follow_up_pdf"),
    path(f"{FOLLOW_UP}xlsx/", report_views.follow_up, {"format": "xlsx"}, name="follow_up_xlsx"),
    path(ANNUAL, report_views.annual, name="annual"),
    path(f"{ANNUAL}pdf/", report_views.annual, {"format": "pdf"}, name="annual_pdf"),
    path(f"{ANNUAL}xlsx/", report_views.annual, {"format": "xlsx"}, name="annual_xlsx"),
    path(DOCUMENT, report_views.plan_document, name="plan_document"),
    path(
        f"{DOCUMENT}pdf/", report_views.plan_document, {"format": "pdf"}, name="plan_document_pdf"
    ),
]
