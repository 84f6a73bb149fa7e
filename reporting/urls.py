from django.urls import path

from reporting import views

app_name = "reporting"

MINISTRY = "overblik/<str:ministry>/"

urlpatterns = [
    path("overblik/", views.index, name="index"),
    path(MINISTRY, views.overview, name="overview"),
    path(f"{MINISTRY}opmaerksomhed/", views.attention, name="attention"),
    path(f"{MINISTRY}koncernfaelles/", views.group_goals, name="group_goals"),
]
