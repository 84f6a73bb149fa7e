"""Who is told when a quarter changes hands, and the reminders before a deadline.

`announce` is called by the services inside their transaction, after a quarter's state has
changed; what it sends goes out once the transaction commits.
"""

# The events a quarter's change of state announces.
SUBMITTED = "submitted"
RESUBMITTED = "resubmitted"
RETURNED = "returned"
APPROVED = "approved"
REOPENED = "reopened"
WITHDRAWN = "withdrawn"


def announce(*, report, event, user):
    """Tell those who must act now that `user` moved `report` by `event` (one of the above)."""
