from django.urls import path

from people import views

app_name = "people"

PERSON = "personer/<str:ministry>/<int:user_id>/"

urlpatterns = [
    path("personer/", views.index, name="index"),
    path("personer/<str:ministry>/", views.people_list, name="list"),
    path("personer/<str:ministry>/inviter/", views.invite, name="invite"),
    path(PERSON, views.person, name="person"),
    path(f"{PERSON}roller/", views.add_role, name="add_role"),
    path(f"{PERSON}roller/<int:membership_id>/fjern/", views.remove_role, name="remove_role"),
    path(f"{PERSON}deaktiver/", views.deactivate, name="deactivate"),
    path(f"{PERSON}genaktiver/", views.reactivate, name="reactivate"),
    path(f"{PERSON}inviter-igen/", views.resend, name="resend"),
    path("konto/invitation/<int:invitation_id>/<str:token>/", views.accept, name="accept"),
]
