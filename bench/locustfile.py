"""The deadline day, as locust users: directors saving their quarter, the department browsing.

Driven by bench/deadline.py, which makes the data and the users and reads the results; the
environment tells the users where they are:
  LOAD_PASSWORD  every simulated user's password
  LOAD_YEAR      the plans' year; the fourth quarter is the one being reported
  LOAD_SAVES     a file where each save the server confirmed is written as a line
  LOAD_MINISTRY  the ministry's short name
  LOAD_PACE      "human" (default): a reporter saves every 5-15 s, a reviewer opens a page
                 every 3-10 s; "fast": 1-3 s for both, to find the server's capacity
Reporter n is `load-reporter-n` of institution `LI{n:03d}`; reviewers are `load-reviewer-n`.
"""

import itertools
import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "")
YEAR = os.environ.get("LOAD_YEAR", "2026")
MINISTRY = os.environ.get("LOAD_MINISTRY", "LOAD")
SAVES = os.environ.get("LOAD_SAVES", "/dev/null")
OUTAGE = "midlertidigt utilgængelig"
FAST = os.environ.get("LOAD_PACE") == "fast"

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
GOAL_FIELD = re.compile(r'name="(g\d+)-result_text"')

reporters = itertools.count(1)
reviewers = itertools.count(1)


def check(response, expected):
    """Mark an answer: a 503 while the database is down is told apart from any other error."""
    if response.status_code in expected:
        response.success()
    elif response.status_code == 503 and OUTAGE in response.text:
        response.failure("503 page while the database was unavailable")
    else:
        response.failure(f"unexpected {response.status_code}")


class Visitor(HttpUser):
    abstract = True

    def log_in(self, username):
        self.username = username
        page = self.client.get("/konto/log-ind/", name="log-in page")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/konto/log-ind/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="log in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            check(response, (302,))


class Reporter(Visitor):
    """A director's office saving its fourth quarter again and again."""

    fixed_count = 50
    wait_time = between(1, 3) if FAST else between(5, 15)

    def on_start(self):
        number = next(reporters)
        self.institution = f"LI{number:03d}"
        self.saves = 0
        self.log_in(f"load-reporter-{number}")

    @task
    def save_quarter(self):
        url = f"/planer/{self.institution}/{YEAR}/kvartal/4/"
        with self.client.get(
            url, name="quarter page", allow_redirects=False, catch_response=True
        ) as page:
            if page.status_code == 302:  # the log-in met the outage: log in again
                page.success()
                self.log_in(self.username)
                return
            check(page, (200,))
            if page.status_code != 200:
                return
        token, version = CSRF.search(page.text), VERSION.search(page.text)
        field = GOAL_FIELD.search(page.text)
        self.saves += 1
        value = f"{self.username} save {self.saves} {random.randrange(10**9)}"
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "version": version.group(1),
            "action": "save",
            f"{field.group(1)}-result_text": value,
            f"{field.group(1)}-status": "green",
        }
        with self.client.post(
            url, data, name="save quarter", allow_redirects=False, catch_response=True
        ) as response:
            check(response, (302,))
            if response.status_code == 302:
                # The server said it is saved: it must be in the database afterwards.
                with open(SAVES, "a", encoding="utf-8") as saves:
                    saves.write(value + "\n")


class Reviewer(Visitor):
    """The department going through the dashboards and the institutions' plans."""

    fixed_count = 20
    wait_time = between(1, 3) if FAST else between(3, 10)

    def on_start(self):
        self.log_in(f"load-reviewer-{next(reviewers)}")

    def get(self, url, name):
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:  # the log-in met the outage: log in again
                response.success()
                self.log_in(self.username)
                return
            check(response, (200,))

    @task(3)
    def overview(self):
        self.get(f"/overblik/{MINISTRY}/?aar={YEAR}", "ministry overview")

    @task(2)
    def attention(self):
        self.get(f"/overblik/{MINISTRY}/opmaerksomhed/?aar={YEAR}", "needs attention")

    @task(1)
    def group_goals(self):
        self.get(f"/overblik/{MINISTRY}/koncernfaelles/?aar={YEAR}", "group-wide goals")

    @task(3)
    def plan(self):
        institution = f"LI{random.randint(1, Reporter.fixed_count):03d}"
        self.get(f"/planer/{institution}/{YEAR}/", "plan page")
