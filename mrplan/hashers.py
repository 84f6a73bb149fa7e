"""Password hashing: Argon2id with OWASP's recommended minimum instead of Django's default.

Django's default (100 MiB of memory, 8 lanes) costs about 200 ms of both cores on a 2-core
server for each log-in. At a quarterly deadline dozens of directors log in within minutes, and
each log-in held every other page up. OWASP's Password Storage Cheat Sheet recommends Argon2id
with at least 19 MiB of memory, 2 iterations and 1 lane; that is about 35 ms on one core.
Hashes made with other parameters are rehashed with these at the user's next log-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1
