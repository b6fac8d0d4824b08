"""The benchmark data set of issue 9, built in a throwaway database, fast (bulk inserts).

``python manage.py bench_data`` builds it (see that command for the options)::

    python manage.py bench_data --yes-this-is-a-bench-db            # the scale data set
    python manage.py bench_data --yes-this-is-a-bench-db --minimal  # curriculum + endpoint users

Every account it makes has an address under ``@bench.invalid`` and the password
``BENCH_PASSWORD``. The scale set: the real curriculum, 12,000 partners, 100 approved therapists
with TOTP and 50 clients each, 300,000 progress rows and 150,000 encrypted reflections. Both
sets hold the users the benchmarked pages need (see ``ENDPOINT_USERS``), with the same data, so
"empty" and "scale" figures compare like with like.

It refuses to run on a database that has users (unless ``--force``: then earlier bench accounts
are deleted first and nothing else is touched), and, when DEBUG is off, unless told the database
is a bench database (``--yes-this-is-a-bench-db`` or ``PRODEP_BENCH_DB=1``, which ``bench/run.py``
sets on the databases it creates).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from lessons.models import Lesson, Progress, Prompt
from lessons.sync import sync_content
from prodep import crypto
from prodep.accounts.models import Profile, User
from prodep.clinic.models import AccessLog, Assignment, CareLink, Share, TherapistProfile
from prodep.journal.models import Reflection


class Refused(Exception):
    """The database may hold real data, or the data set cannot be built as asked."""


@dataclass(frozen=True)
class Scale:
    """The sizes of the scale data set (the defaults are issue 9's)."""

    partners: int = 12_000
    therapists: int = 100
    clients_per_therapist: int = 50
    progress: int = 300_000
    reflections: int = 150_000


DOMAIN = "bench.invalid"
BENCH_PASSWORD = "bench-password-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
RETIRED_PREFIX = "bench-retired-"

# The accounts the benchmarked endpoints sign in as (bench/run.py looks them up by address).
ENDPOINT_USERS = {
    "reader": f"reader@{DOMAIN}",  # lesson page and dashboard: progress, three answers
    "journal": f"journal@{DOMAIN}",  # journal: 100 reflections
    "therapist": f"therapist@{DOMAIN}",  # roster (50 clients) and a client page (the reader)
    "scaleout": f"scaleout@{DOMAIN}",  # signs in on one app server, reads on the other
    "lockout": f"lockout@{DOMAIN}",  # the failed-log-in rate limit is tried on this one
}
AUTOSAVE_USERS = 32
CHOSEN_MODULE, CHOSEN_LESSON = 3, 3  # the lesson page: module 3, lesson 3 (1-based)

ALIASES = [
    "Sam", "Alex", "Jo", "Robin", "Charlie", "Kim", "Lee", "Morgan", "Pat", "Sky",
    "Ash", "Dana", "Eden", "Jules", "Noor", "Quinn", "Remy", "Sasha", "Toni", "Val",
]  # fmt: skip
SENTENCES = [
    "I noticed I was checking his phone again tonight, and I stopped myself.",
    "Today I slept for seven hours, which has not happened in weeks.",
    "My chest tightens when I think about the messages I found.",
    "I told my sister what happened, and she did not judge me.",
    "I am allowed to need reassurance; that does not make me weak.",
    "The boundary I want to ask for is honesty about where he is.",
    "I felt angry, and then I felt guilty for being angry.",
    "Walking in the morning helps me feel like myself again.",
    "I keep replaying the day I found out, looking for what I missed.",
    "I want to decide slowly, without anyone rushing me.",
    "Reading this lesson made me feel less alone.",
    "I used to call myself codependent; now I think I was scared.",
]


def _texts(n: int, seed: int = 9) -> list[str]:
    """``n`` distinct, plausible answers (a few sentences each)."""
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        picked = rng.sample(SENTENCES, rng.randint(1, 4))
        texts.append(" ".join(picked) + f" ({i})")
    return texts


def _spread(total: int, n: int, cap: int) -> list[int]:
    """``n`` counts adding up to ``total`` (when the cap allows), varied around the mean."""
    if n == 0:
        return []
    base, extra = divmod(total, n)
    offsets = [-2, -1, 0, 1, 2]
    counts = [base + (1 if i < extra else 0) + offsets[i % 5] for i in range(n)]
    if n % 5:  # the last partial cycle of offsets does not add up to zero: even it out
        counts[-1] -= sum(offsets[i % 5] for i in range(n))
    return [max(0, min(cap, c)) for c in counts]


class Builder:
    def __init__(self, batch: int, out):
        self.batch = batch
        self.out = out
        self.counts: dict[str, int] = {}
        self.now = timezone.now()
        self.rng = random.Random(2026)
        self.password = make_password(BENCH_PASSWORD)  # hashed once, shared by every account
        self.texts = _texts(200)
        # One Fernet token per distinct text, reused: still valid tokens, and 200 encryptions
        # instead of 150,000.
        self.tokens = [crypto.encrypt(t) for t in self.texts]
        self.totp = get_mfa_adapter().encrypt(TOTP_SECRET)

    def bulk(self, model, objects: list, label: str | None = None) -> list:
        created = []
        for start in range(0, len(objects), self.batch):
            created += model.objects.bulk_create(objects[start : start + self.batch])
        key = label or model._meta.verbose_name_plural
        self.counts[key] = self.counts.get(key, 0) + len(objects)
        return created

    # Catalogue ----------------------------------------------------------------------------------

    def curriculum(self) -> None:
        report = sync_content(settings.CONTENT_DIR)
        self.out(f"  curriculum: {report.summary()}")
        self.lessons = list(
            Lesson.objects.published()
            .select_related("module")
            .order_by("module__position", "position")
        )
        self.prompts = list(
            Prompt.objects.filter(is_live=True, lesson__in=self.lessons).order_by(
                "lesson__module__position", "lesson__position", "position"
            )
        )
        if not self.lessons or not self.prompts:
            raise Refused(f"No published lessons or prompts in {settings.CONTENT_DIR}.")
        # Prompts an author has since removed: sync keeps them (not live) with their answers.
        # The journal user answers these too, as the curriculum alone has too few prompts for
        # 100 answers (one answer per prompt per reader).
        retired = []
        for i in range(max(0, 100 - len(self.prompts))):
            lesson = self.lessons[i % len(self.lessons)]
            key = f"{RETIRED_PREFIX}{i + 1:03d}"
            retired.append(
                Prompt(
                    key=key,
                    lesson=lesson,
                    text=f"An earlier question about {lesson.title.lower()} ({i + 1})",
                    html=f"<p>An earlier question about {lesson.title.lower()}</p>",
                    position=100 + i,
                    is_live=False,
                )
            )
        self.retired = self.bulk(Prompt, retired, "retired prompts")

    # Accounts -----------------------------------------------------------------------------------

    def users(self, emails: list[str]) -> list[User]:
        users = self.bulk(
            User,
            [User(email=e, password=self.password, date_joined=self.now) for e in emails],
            "users",
        )
        if any(u.pk is None for u in users):  # a backend that returns no ids from bulk_create
            by_email = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
            for user in users:
                user.pk = user.id = by_email[user.email]
        self.bulk(
            Profile,
            [Profile(user_id=u.pk, safety_intro_seen_at=self.now) for u in users],
            "profiles",
        )
        self.bulk(
            EmailAddress,
            [EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in users],
            "verified email addresses",
        )
        return users

    def therapists(self, users: list[User]) -> list[TherapistProfile]:
        profiles = self.bulk(
            TherapistProfile,
            [
                TherapistProfile(
                    user_id=u.pk,
                    display_name=f"Dr {ALIASES[i % len(ALIASES)]} {i + 1}",
                    credentials="Licensed counsellor",
                    practice="Bench Practice",
                    country="UK",
                    status=TherapistProfile.Status.APPROVED,
                    decided_at=self.now,
                )
                for i, u in enumerate(users)
            ],
            "approved therapists",
        )
        self.bulk(
            Authenticator,
            [
                Authenticator(
                    user_id=u.pk, type=Authenticator.Type.TOTP, data={"secret": self.totp}
                )
                for u in users
            ],
            "TOTP authenticators",
        )
        return profiles

    def links(self, therapist: TherapistProfile, clients: list[User]) -> list[CareLink]:
        return self.bulk(
            CareLink,
            [
                CareLink(
                    therapist_id=therapist.pk,
                    client_id=c.pk,
                    client_alias=f"{ALIASES[i % len(ALIASES)]} {i + 1}",
                )
                for i, c in enumerate(clients)
            ],
            "care links",
        )

    # Reading and writing ------------------------------------------------------------------------

    def raw_insert(self, model, columns: list[str], rows: list[tuple], label: str) -> None:
        """executemany() for the two big tables: bulk_create spends 90% of its time compiling
        SQL for 450,000 objects; the database itself takes a few seconds."""
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # COPY: one stream instead of 450,000 INSERTs
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
                for start in range(0, len(rows), self.batch):
                    cursor.executemany(sql, rows[start : start + self.batch])
        self.counts[label] = self.counts.get(label, 0) + len(rows)

    def progress(self, users: list[User], counts: list[int]) -> None:
        """User i has opened the first counts[i] lessons and finished all but the last."""
        adapt = connection.ops.adapt_datetimefield_value
        columns = [
            "user", "lesson", "started_at", "last_opened_at", "completed_at", "read_hash",
            "completed_hash",
        ]  # fmt: skip
        rows = []
        for user, k in zip(users, counts, strict=True):
            start = self.now - timedelta(days=self.rng.randint(5, 90))
            for j, lesson in enumerate(self.lessons[:k]):
                opened = start + timedelta(hours=12 * j)
                done = j < k - 1
                rows.append(
                    (
                        user.pk,
                        lesson.pk,
                        adapt(opened),
                        adapt(opened + timedelta(minutes=10)),
                        adapt(opened + timedelta(minutes=9)) if done else None,
                        lesson.content_hash,
                        lesson.content_hash if done else "",
                    )
                )
        self.raw_insert(Progress, columns, rows, "progress rows")

    def reflections(self, users: list[User], counts: list[int], prompts=None) -> None:
        prompts = prompts or self.prompts
        stamp = connection.ops.adapt_datetimefield_value(self.now)
        columns = [
            "user", "prompt", "prompt_text", "ciphertext", "version", "created_at", "updated_at"
        ]  # fmt: skip
        rows = []
        for n, (user, k) in enumerate(zip(users, counts, strict=True)):
            for j, prompt in enumerate(prompts[:k]):
                token = self.tokens[(n * 31 + j) % len(self.tokens)]
                rows.append((user.pk, prompt.pk, prompt.text, token, 1 + (n + j) % 3, stamp, stamp))
        self.raw_insert(Reflection, columns, rows, "encrypted reflections")

    def clinic_for(self, links: list[CareLink], shares_per_client: int = 3) -> None:
        """Assignments (some overdue, some due soon), shares and an access-log history."""
        modules = []
        for lesson in self.lessons:
            if lesson.module not in modules:
                modules.append(lesson.module)
        today = timezone.localdate()
        assignments = []
        for i, link in enumerate(links):
            due = today + timedelta(days=(i % 9) - 3)  # from three days ago to five days ahead
            assignments.append(
                Assignment(link_id=link.pk, module_id=modules[i % len(modules)].pk, due_date=due)
            )
            if i % 2:
                lesson = self.lessons[(i * 7) % len(self.lessons)]
                assignments.append(
                    Assignment(link_id=link.pk, lesson_id=lesson.pk, note="When you are ready.")
                )
        self.bulk(Assignment, assignments, "assignments")
        by_client = {link.client_id: link for link in links}
        shares = []
        for start in range(0, len(links), 500):
            chunk = [link.client_id for link in links[start : start + 500]]
            seen: dict[int, int] = {}
            for reflection_id, user_id in (
                Reflection.objects.filter(user_id__in=chunk, prompt__is_live=True)
                .order_by("user_id", "id")
                .values_list("id", "user_id")
            ):
                if seen.get(user_id, 0) < shares_per_client:
                    seen[user_id] = seen.get(user_id, 0) + 1
                    shares.append(Share(reflection_id=reflection_id, link_id=by_client[user_id].pk))
        self.bulk(Share, shares, "shares")
        logs = [
            AccessLog(
                therapist_id=link.therapist_id,
                therapist_name="Dr Bench",
                client_id=link.client_id,
                what=AccessLog.What.CLIENT_PAGE,
            )
            for link in links
            for _ in range(4)
        ]
        self.bulk(AccessLog, logs, "access-log rows")

    # The two data sets --------------------------------------------------------------------------

    def endpoint_users(self) -> None:
        """The accounts the benchmarked pages use, identical in the minimal and the scale set."""
        named = self.users(list(ENDPOINT_USERS.values()))
        reader, journal, therapist_user = named[0], named[1], named[2]
        (therapist,) = self.therapists([therapist_user])
        others = self.users([f"client-{i:02d}@{DOMAIN}" for i in range(1, 49)])
        self.users([f"autosave-{i:02d}@{DOMAIN}" for i in range(1, AUTOSAVE_USERS + 1)])
        links = self.links(therapist, [reader, journal, *others])

        # The reader: modules before the chosen one finished, the chosen module under way, and
        # answers to the three prompts of its first three lessons, one on the lesson page.
        module_ids = []
        for lesson in self.lessons:
            if lesson.module_id not in module_ids:
                module_ids.append(lesson.module_id)
        chosen_module = module_ids[CHOSEN_MODULE - 1]
        before = sum(1 for lesson in self.lessons if module_ids.index(lesson.module_id) < 2)
        self.progress([reader], [before + CHOSEN_LESSON])
        chosen_prompts = [p for p in self.prompts if p.lesson.module_id == chosen_module][:3]
        self.reflections([reader], [3], chosen_prompts)
        # The journal user: every live prompt, and the retired ones, 100 answers in all.
        self.progress([journal], [len(self.lessons)])
        self.reflections([journal], [100], self.prompts + self.retired)
        # The therapist's other clients read and write like everyone else.
        self.progress(others, _spread(25 * len(others), len(others), len(self.lessons)))
        self.reflections(others, _spread(12 * len(others), len(others), len(self.prompts)))
        self.clinic_for(links)

    def scale(self, scale: Scale) -> None:
        emails = [f"partner-{i:05d}@{DOMAIN}" for i in range(1, scale.partners + 1)]
        people = []
        for start in range(0, len(emails), self.batch):
            people += self.users(emails[start : start + self.batch])
        self.progress(people, _spread(scale.progress, len(people), len(self.lessons)))
        self.reflections(people, _spread(scale.reflections, len(people), len(self.prompts)))
        therapist_users = self.users(
            [f"therapist-{i:03d}@{DOMAIN}" for i in range(1, scale.therapists)]
        )
        profiles = self.therapists(therapist_users)
        per_therapist = scale.clients_per_therapist
        links = []
        for t, profile in enumerate(profiles):
            clients = people[t * per_therapist : (t + 1) * per_therapist]
            links += self.links(profile, clients)
        self.clinic_for(links)


def wipe_bench_rows() -> None:
    """Remove earlier bench accounts and what hangs off them; nothing else."""
    bench = User.objects.filter(email__endswith=f"@{DOMAIN}")
    Share.objects.filter(link__client__in=bench).delete()
    AccessLog.objects.filter(client__in=bench).delete()
    Assignment.objects.filter(link__client__in=bench).delete()
    CareLink.objects.filter(client__in=bench).delete()
    CareLink.objects.filter(therapist__user__in=bench).delete()
    Reflection.objects.filter(user__in=bench).delete()
    Progress.objects.filter(user__in=bench).delete()
    Prompt.objects.filter(key__startswith=RETIRED_PREFIX).delete()
    bench.delete()


def refuse_unsafe(*, bench_db: bool, force: bool, scale: Scale | None) -> None:
    """Raise ``Refused`` unless this is a database to build on (``scale`` None: the minimal set).

    ``bench_db``: the caller was told this is a bench database; needed when DEBUG is off.
    ``force``: a database with accounts is built on (earlier bench accounts are replaced).
    """
    if not settings.DEBUG and not bench_db:
        raise Refused(
            "DEBUG is off, so this may be a real database: bench_data adds thousands of "
            "accounts with a known password. On a throwaway bench database, pass "
            "--yes-this-is-a-bench-db (bench/run.py does)."
        )
    if User.objects.exists() and not force:
        raise Refused(
            "This database already has accounts; bench_data runs on an empty one. "
            f"--force deletes earlier @{DOMAIN} accounts and adds the data set beside the rest."
        )
    if scale is not None:
        needed = scale.clients_per_therapist * max(0, scale.therapists - 1)
        if scale.partners < needed:
            raise Refused(f"{needed} partners are needed for that many therapists' clients.")


def build(scale: Scale | None, *, batch_size: int, force: bool, out) -> dict[str, int]:
    """Build the data set in one transaction (``scale`` None: the minimal set), then refresh
    the planner's statistics. Returns how many rows of each kind were written."""
    builder = Builder(batch_size, out)
    with transaction.atomic():
        if force:
            wipe_bench_rows()
        builder.curriculum()
        builder.endpoint_users()
        if scale is not None:
            builder.scale(scale)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as a live database would have
    return builder.counts


def database_totals() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "therapists": TherapistProfile.objects.count(),
        "progress": Progress.objects.count(),
        "reflections": Reflection.objects.count(),
    }
