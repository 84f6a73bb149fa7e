from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's log-in form, refusing a user name longer than any user's.

    Django sets the field's max_length after the field is made, so only the HTML attribute
    limits it; a longer name reached the log-in throttling's record of failures, whose
    column it does not fit (found by tests/test_fuzz.py on PostgreSQL).
    """

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
