"""What the benchmark scripts share: Django set up, a throwaway database, a timer.

Import it first: it puts the project on the path and sets Django up.
"""

import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mrplan.settings")
# The test client speaks plain HTTP; production's HTTPS redirect would answer every page 301.
os.environ.setdefault("HTTPS", "0")

import django  # noqa: E402

django.setup()
# The benchmarks serve no static files; whitenoise's warning about their folder is noise.
warnings.filterwarnings("ignore", "No directory at")

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402


def timed(repeats, request, ok=(200,)):
    """(median, 95th percentile) in ms of `repeats` calls of request(), each answering `ok`."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = request()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in ok, response.status_code
    times.sort()
    return statistics.median(times), times[max(0, round(len(times) * 0.95) - 1)]


def in_test_database(measure, repeats):
    """Run measure(repeats) in a test database (SQLite in memory unless DATABASE_URL is set),
    removed afterwards, with production's DEBUG off and plain static file names."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    database = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        measure(repeats)
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)
