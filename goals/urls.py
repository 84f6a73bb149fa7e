from django.urls import path, register_converter

from goals.views import agreement, creating, editor, ministry, plans, quarters, year_end

register_converter(editor.LevelConverter, "editlevel")
register_converter(ministry.KindConverter, "ministrykind")

app_name = "goals"

PLAN = "planer/<str:institution>/<int:year>/"
QUARTER = "kvartal/<int:quarter>/"
AGREEMENT = f"{PLAN}aftale/"
AMENDMENTS = f"{PLAN}aendringer/"
EDIT = "rediger/"
EDIT_ROW = "rediger/<editlevel:level>/<int:pk>/"
MINISTRY_DATA = "overblik/<str:ministry>/koncern/"
MINISTRY_ROW = f"{MINISTRY_DATA}<ministrykind:kind>/<int:pk>/"


def quarter_url(plan_url, quarter):
    """The quarter page's address from the plan page's, without a reverse() per quarter:
    the dashboards link hundreds of quarters on one page."""
    return f"{plan_url}{QUARTER.replace('<int:quarter>', str(quarter))}"


urlpatterns = [
    path("", plans.home, name="home"),
    path("planer/", creating.plan_list, name="plans"),
    path("planer/ny/", creating.plan_create, name="plan_create"),
    path(f"{PLAN}kopier/", creating.plan_copy, name="plan_copy"),
    path(f"{PLAN}{QUARTER}", quarters.quarter_page, name="quarter"),
    path(f"{PLAN}{QUARTER}tal.xlsx", quarters.quarter_workbook, name="quarter_workbook"),
    path(f"{PLAN}{QUARTER}tal/", quarters.quarter_upload, name="quarter_upload"),
    path(
        f"{PLAN}kvartal/<int:quarter>/godkend/",
        quarters.review,
        {"action": "approve"},
        name="approve",
    ),
    path(
        f"{PLAN}kvartal/<int:quarter>/send-retur/",
        quarters.review,
        {"action": "return"},
        name="return",
    ),
    path(
        f"{PLAN}kvartal/<int:quarter>/genaabn/",
        quarters.review,
        {"action": "reopen"},
        name="reopen",
    ),
    path(
        f"{PLAN}kvartal/<int:quarter>/traek-tilbage/",
        quarters.withdraw,
        name="withdraw",
    ),
    path(f"{PLAN}maal/<int:goal_id>/historik/", plans.history, name="history"),
    path(f"{PLAN}aarsafslutning/", year_end.year_end_page, name="year_end"),
    # The plan as an agreement and its amendments (goals/views/agreement.py).
    path(AGREEMENT, agreement.agreement, name="agreement"),
    path(f"{AGREEMENT}send-til-godkendelse/", agreement.propose, name="propose"),
    path(f"{AGREEMENT}send-tilbage/", agreement.send_back, name="send_back"),
    path(f"{AGREEMENT}aftal/", agreement.agree, name="agree"),
    path(f"{AGREEMENT}kommentar/", agreement.comment, name="comment"),
    path(f"{AMENDMENTS}begynd/", agreement.start_amendment, name="start_amendment"),
    path(f"{AMENDMENTS}<int:number>/afslut/", agreement.close_amendment, name="close_amendment"),
    path(
        f"{AMENDMENTS}<int:number>/godkend/", agreement.approve_amendment, name="approve_amendment"
    ),
    # The plan editor (goals/views/editor.py): the page, and each part's card and forms.
    path(f"{PLAN}{EDIT}", editor.plan_edit, name="plan_edit"),
    path(f"{PLAN}{EDIT}<editlevel:level>/ny/", editor.new, name="plan_edit_new"),
    path(f"{PLAN}{EDIT}<editlevel:level>/orden/", editor.reorder, name="plan_edit_reorder"),
    path(f"{PLAN}{EDIT_ROW}", editor.card, name="plan_edit_card"),
    path(f"{PLAN}{EDIT_ROW}ret/", editor.edit, name="plan_edit_form"),
    path(f"{PLAN}{EDIT_ROW}slet/", editor.delete, name="plan_edit_delete"),
    path(f"{PLAN}{EDIT_ROW}flyt/", editor.move, name="plan_edit_move"),
    # The ministry's own beacons, group goals and institutions (goals/views/ministry.py).
    path(MINISTRY_DATA, ministry.ministry_data_page, name="ministry_data"),
    path(f"{MINISTRY_DATA}<ministrykind:kind>/ny/", ministry.new, name="ministry_data_new"),
    path(MINISTRY_ROW, ministry.edit, name="ministry_data_edit"),
    path(f"{MINISTRY_ROW}slet/", ministry.delete, name="ministry_data_delete"),
    path(
        f"{MINISTRY_DATA}pejlemaerker/<int:pk>/flyt/",
        ministry.move_beacon,
        name="ministry_data_move",
    ),
]
