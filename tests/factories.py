"""factory-boy factories for every app. Domain records are made through services where history matters."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from casework import roles, services
from casework.models import Agency, AgencyKind, Case, CaseCategory, Ward

PASSWORD = "Correct-horse-battery-1"


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Ward {n}")
    code = factory.Sequence(lambda n: f"ward-{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("short_name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"agency-{n}")
    kind = AgencyKind.COUNCIL
    group = factory.LazyAttribute(lambda o: Group.objects.get_or_create(name=f"Agency: {o.name}")[0])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def membership(self, create, extracted, **kwargs):
        """UserFactory(membership=(agency, role)) makes the user a member of an agency with a role."""
        if create:
            self.save()
        if extracted:
            agency, role = extracted
            services.add_member(user=self, agency=agency, roles=(role,))


def make_member(agency: Agency, role: str, username: str | None = None, **kwargs):
    extra = {"username": username} if username else {}
    return UserFactory(membership=(agency, role), is_staff=role == roles.ADMINISTRATOR, **extra, **kwargs)


class CaseFactory(factory.Factory):
    """Cases are opened through services.create_case so the lead agency gets its object permissions."""

    class Meta:
        model = Case

    by = None
    title = factory.Sequence(lambda n: f"Noise nuisance {n}")
    category = CaseCategory.NOISE
    description = "Loud music late at night."
    ward = factory.SubFactory(WardFactory)

    @classmethod
    def _create(cls, model_class, *, by, **kwargs):
        kwargs.setdefault("opened_at", timezone.now())
        return services.create_case(by=by, **kwargs)
