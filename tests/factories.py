import factory
from django.utils import timezone

from programmes.models import Programme, ProgrammeVersion, Section, SectionItem
from responsibilities.models import Assignment, Municipality, OrganisationUnit, Role, User


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Testkommun {n}")
    slug = factory.Sequence(lambda n: f"testkommun-{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationUnit

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = OrganisationUnit.Kind.SECTOR
    name = factory.Sequence(lambda n: f"Sektor {n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ("municipality", "kind")

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = "sector_chief"
    name = factory.LazyAttribute(lambda role: role.kind.replace("_", " ").capitalize())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person-{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "demo")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    person = factory.SubFactory(UserFactory)
    role = factory.SubFactory(RoleFactory)
    unit = None
    starts_on = factory.LazyFunction(lambda: timezone.localdate().replace(year=2020))


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = Programme.Kind.PROGRAMME
    slug = factory.Sequence(lambda n: f"program-{n}")


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeVersion

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Program {n}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    version = factory.SubFactory(VersionFactory)
    kind = Section.Kind.PURPOSES
    position = factory.Sequence(lambda n: n + 1)
    heading = "Syfte"


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SectionItem

    section = factory.SubFactory(SectionFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Punkt {n}")
