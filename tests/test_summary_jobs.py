"""The ministry summary is made once however often it is ordered.

The finding: 30 clicks on "Dan PDF" queued 30 summary jobs in half a second, each a full
pass over the ministry's plans for the worker.
"""

import datetime
import os
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reporting.models import ReportJob
from reporting.tasks import STALE_JOB, order_summary

ONE_AT_A_TIME = "Der dannes kun én ad gangen"


def order(client, file_format="pdf"):
    return client.post(
        reverse("reporting:start_summary", args=["TM"]), {"aar": 2024, "format": file_format}
    )


def job_page(job):
    return reverse("reporting:job", args=["TM", job.pk])


def test_thirty_clicks_make_one_job(client, carol, plan):
    client.force_login(carol)
    answers = [order(client) for _click in range(30)]
    job = ReportJob.objects.get()
    assert job.state == ReportJob.State.QUEUED
    assert DBTaskResult.objects.count() == 1  # one task for the worker, too
    assert {a.status_code for a in answers} == {302}
    assert {a["Location"] for a in answers} == {job_page(job)}
    page = client.get(job_page(job)).content.decode()
    assert ONE_AT_A_TIME in page


def test_the_first_click_has_no_message_and_a_running_job_still_counts(client, carol, plan):
    client.force_login(carol)
    first = client.get(order(client)["Location"]).content.decode()
    assert ONE_AT_A_TIME not in first
    ReportJob.objects.update(state=ReportJob.State.RUNNING)
    assert order(client)["Location"] == job_page(ReportJob.objects.get())
    assert ReportJob.objects.count() == 1


@pytest.mark.parametrize("ended", [ReportJob.State.DONE, ReportJob.State.FAILED])
def test_a_finished_job_does_not_stop_a_new_one(client, carol, plan, ended):
    client.force_login(carol)
    order(client)
    ReportJob.objects.update(state=ended)
    answer = order(client)
    new = ReportJob.objects.get(state=ReportJob.State.QUEUED)
    assert answer["Location"] == job_page(new)
    assert ReportJob.objects.count() == 2


def test_each_format_is_its_own_job(client, carol, plan):
    client.force_login(carol)
    pdf = order(client, "pdf")
    xlsx = order(client, "xlsx")
    assert pdf["Location"] != xlsx["Location"]
    assert sorted(ReportJob.objects.values_list("format", flat=True)) == ["pdf", "xlsx"]


def test_a_job_lost_long_ago_does_not_block_forever(client, carol, plan):
    client.force_login(carol)
    order(client)
    ReportJob.objects.update(created_at=timezone.now() - STALE_JOB - datetime.timedelta(1))
    order(client)
    assert ReportJob.objects.count() == 2


def test_an_other_ministrys_job_does_not_count(client, carol, plan, dave):
    ReportJob.objects.create(ministry=dave.memberships.get().ministry, year=2024, format="pdf")
    client.force_login(carol)
    order(client)
    assert ReportJob.objects.filter(ministry=plan.ministry).count() == 1


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="threads ordering at once need PostgreSQL's row locks; the suite runs on both",
)
@pytest.mark.django_db(transaction=True)
def test_thirty_orders_at_the_same_moment_make_one_job(plan, carol):
    start = threading.Barrier(30)
    made = []
    errors = []

    def click():
        try:
            start.wait(timeout=60)
            job, _created = order_summary(
                ministry=plan.ministry, year=2024, file_format="pdf", language="da", user=carol
            )
            made.append(job.pk)
        except Exception as exc:  # reported below, with the test's failure
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "an order hung"
    assert not errors, errors
    assert connection.vendor == "postgresql"
    assert ReportJob.objects.count() == 1
    assert set(made) == {ReportJob.objects.get().pk}
