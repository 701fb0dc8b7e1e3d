"""The staff face's forms (Flask-WTF, so each carries its CSRF token). The
merchant form's labels and checks come from the merchant schema, the ones
the CSV import uses; the support service form's from the support fields;
account checks from the accounts service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from angela.core import phones, schema, support, territory
from angela.core.hours import paris_today
from angela.core.merchant_csv import MerchantRecord
from angela.core.vocab import Category, Role, TrainingStatus, Vocabulary
from angela.services import accounts, report_queue
from angela.services.accounts import MAX_PASSWORD_LENGTH
from angela.staff.hours import HoursRowsField, source_field

Validator = Callable[[FlaskForm, Field], None]

HOURS_EXAMPLES = (
    "Mo-Sa 09:00-19:00; PH off",
    "Mo-Fr 08:00-12:30,14:00-19:00; Sa 09:00-12:00",
    "Tu-Su 11:00-02:00",
    "24/7",
)


class StaffForm(FlaskForm):  # type: ignore[misc]
    class Meta:
        locales = ("fr_FR", "fr")  # WTForms' own messages, in French


class LoginForm(StaffForm):
    email = EmailField(
        "Adresse e-mail",
        validators=[DataRequired("Saisissez votre adresse e-mail."), Length(max=254)],
    )
    password = PasswordField(
        "Mot de passe",
        validators=[
            DataRequired("Saisissez votre mot de passe."),
            Length(max=MAX_PASSWORD_LENGTH),
        ],
    )


def _choices(vocabulary: type[Vocabulary]) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in vocabulary.choices()]


# The empty first choice of a list nothing should be picked in for the person.
CHOOSE = SelectChoice("", "Choisissez…")


class OptionalUnless(Optional):  # type: ignore[misc]
    """Empty is accepted here, but another field's value may require it (a
    rule the form checks as a whole): the label does not say « facultatif »."""

    def __init__(self) -> None:
        super().__init__()
        self.field_flags: dict[str, bool] = {}


def _sentence(message: str, capital: bool = False) -> str:
    start = message[0].upper() if capital else message[0]
    return start + message[1:] + ("" if message.endswith(")") else ".")


def _merchant_field(name: str) -> Validator:
    """Check a field with the merchant schema's reader, as the CSV import does."""

    def check(_form: FlaskForm, field: Field) -> None:
        text = _as_text(field.data)
        try:
            schema.FIELDS[name].parse(text, paris_today())
        except schema.Invalid as error:
            raise ValidationError(_sentence(str(error))) from None

    return check


def _new_password(_form: FlaskForm, field: Field) -> None:
    # The accounts module's rule, so that the form and the CLI say the same.
    try:
        accounts.check_password(field.data or "")
    except accounts.AccountError as error:
        raise ValidationError(str(error)) from None


def _email(_form: FlaskForm, field: Field) -> None:
    try:
        accounts.normalise_email(field.data or "")
    except accounts.AccountError as error:
        raise ValidationError(str(error)) from None


def _label(name: str) -> str:
    return schema.FIELDS[name].label


def _as_text(data: Any) -> str:
    """A field's data as the schema reads it: dates in ISO form, nothing as ""."""
    return data.isoformat() if hasattr(data, "isoformat") else data or ""


def _text(field: Field) -> str | None:
    value = (field.data or "").strip()
    return value or None


def _optional(name: str) -> list[Validator]:
    return [Optional(), _merchant_field(name)]


def _required(name: str, message: str) -> list[Validator]:
    return [DataRequired(message), _merchant_field(name)]


class MerchantForm(StaffForm):
    ref = StringField(_label("ref"), validators=_optional("ref"))
    name = StringField(_label("name"), validators=_required("name", "Saisissez le nom du lieu."))
    category = SelectField(
        _label("category"),
        choices=[CHOOSE, *_choices(Category)],
        validators=[InputRequired("Choisissez le type de lieu.")],
    )
    address = StringField(
        _label("address"), validators=_required("address", "Saisissez l'adresse du lieu.")
    )
    postcode = StringField(
        _label("postcode"), validators=_required("postcode", "Saisissez le code postal.")
    )
    lat = StringField(
        _label("lat"), validators=_required("lat", "Localisez l'adresse ou saisissez la latitude.")
    )
    lon = StringField(
        _label("lon"), validators=_required("lon", "Localisez l'adresse ou saisissez la longitude.")
    )
    citycode = HiddenField()
    phone = StringField(_label("phone"), validators=_optional("phone"))
    # The hours editor: the source says which input wins; the rows, when
    # chosen, write the free text before it is checked (hence this order).
    hours_source = source_field()
    hours = HoursRowsField(
        "Horaires, jour par jour", text_field="opening_hours", source_field="hours_source"
    )
    opening_hours = TextAreaField(_label("opening_hours"), validators=_optional("opening_hours"))
    training_status = SelectField(
        _label("training_status"),
        choices=_choices(TrainingStatus),
        validators=[InputRequired("Choisissez le statut de formation.")],
    )
    # Required for a trained merchant: `validate` says so (schema.cross_field_errors).
    trained_on = DateField(
        _label("trained_on"), validators=[OptionalUnless(), _merchant_field("trained_on")]
    )
    trainer = StringField(_label("trainer"), validators=_optional("trainer"))
    contact_name = StringField(_label("contact_name"), validators=_optional("contact_name"))
    contact_email = EmailField(_label("contact_email"), validators=_optional("contact_email"))
    contact_phone = StringField(_label("contact_phone"), validators=_optional("contact_phone"))
    notes = TextAreaField(_label("notes"), validators=_optional("notes"))
    version = HiddenField()
    confirm_duplicate = BooleanField("Je confirme : c'est un autre lieu, enregistrer quand même")

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        values = {"training_status": self.training_status.data, "trained_on": self.trained_on.data}
        for name, message in schema.cross_field_errors(values):
            field = getattr(self, name)
            if not field.errors:  # an unreadable value already says why
                field.errors = [*field.errors, _sentence(message, capital=True)]
            valid = False
        return valid

    def to_record(self) -> MerchantRecord:
        """Return the record the form describes, read by the schema (call
        after `validate`): an empty `ref` is to be generated, and the commune
        code is the address service's hint, or empty."""
        today = paris_today()
        values: dict[str, Any] = {}
        # The check date is not on the form: "Coordonnées vérifiées" sets it.
        for name in (name for name in schema.CSV_COLUMNS if name != "last_checked_on"):
            text = _as_text(getattr(self, name).data)
            # Empty optional fields (a reference to generate) are None.
            values[name] = schema.FIELDS[name].parse(text, today) if text else None
        hint = self.citycode.data if self.citycode.data in territory.communes_by_code() else ""
        return MerchantRecord(**{**values, "ref": values["ref"] or "", "commune_code": hint})

    def fill(self, data: MerchantRecord, version: int | None) -> None:
        """Put stored values in the form, as people write them."""
        for name in ("ref", "name", "category", "address", "postcode", "opening_hours",
                     "training_status", "trained_on", "trainer", "contact_name",
                     "contact_email", "notes"):  # fmt: skip
            getattr(self, name).data = getattr(data, name)
        self.citycode.data = data.commune_code
        self.phone.data = phones.for_display(data.phone) if data.phone else ""
        self.contact_phone.data = (
            phones.for_display(data.contact_phone) if data.contact_phone else ""
        )
        self.lat.data, self.lon.data = f"{data.lat:.6f}", f"{data.lon:.6f}"
        self.version.data = str(version) if version is not None else ""


class TrainingForm(StaffForm):
    trained_on = DateField(
        "Date de la formation",
        validators=[
            InputRequired("Saisissez la date de la formation."),
            _merchant_field("trained_on"),
        ],
    )
    trainer = StringField(_label("trainer"), validators=_optional("trainer"))
    version = HiddenField()  # the merchant's version the person saw

    def trainer_text(self) -> str | None:
        return _text(self.trainer)


class StatusForm(StaffForm):
    reason = TextAreaField(
        "Motif", validators=[DataRequired("Saisissez le motif."), Length(max=1000)]
    )
    version = HiddenField()  # the merchant's version the person saw


class ReportStepForm(StaffForm):
    """A step on a street report: the staff note (required to dismiss,
    which the report queue checks) and the report's version the person saw."""

    note = TextAreaField(
        "Note de l'équipe",
        validators=[
            Length(
                max=report_queue.NOTE_MAX_LENGTH,
                message=f"La note fait au plus {report_queue.NOTE_MAX_LENGTH} caractères.",
            )
        ],
    )
    version = HiddenField()


class ActionForm(StaffForm):
    """A button that changes something: only the CSRF token."""


class CheckForm(StaffForm):
    """The "Coordonnées vérifiées" button: the CSRF token and the version."""

    version = HiddenField()  # the merchant's version the person saw


class ImportForm(StaffForm):
    file = FileField(
        "Fichier CSV (2 Mo au plus)", validators=[FileRequired("Choisissez un fichier.")]
    )


class ImportConfirmForm(StaffForm):
    upload = IntegerField(validators=[InputRequired()])
    created = IntegerField(validators=[InputRequired()])
    updated = IntegerField(validators=[InputRequired()])


PROVISIONAL_LABEL = f"Mot de passe provisoire ({accounts.MIN_PASSWORD_LENGTH} caractères au moins)"


class UserCreateForm(StaffForm):
    email = EmailField(
        "Adresse e-mail",
        validators=[
            DataRequired("Saisissez l'adresse e-mail de la personne."),
            Length(max=254),
            _email,
        ],
    )
    role = SelectField("Rôle", choices=_choices(Role), default=Role.VIEWER.value)
    password = PasswordField(
        PROVISIONAL_LABEL,
        validators=[DataRequired("Saisissez un mot de passe provisoire."), _new_password],
    )


class PasswordResetForm(StaffForm):
    password = PasswordField(
        "Nouveau mot de passe provisoire",
        validators=[DataRequired("Saisissez un mot de passe provisoire."), _new_password],
    )


class PasswordChangeForm(StaffForm):
    current_password = PasswordField(
        "Mot de passe actuel",
        validators=[
            DataRequired("Saisissez votre mot de passe actuel."),
            Length(max=MAX_PASSWORD_LENGTH),
        ],
    )
    new_password = PasswordField(
        f"Nouveau mot de passe ({accounts.MIN_PASSWORD_LENGTH} caractères au moins)",
        validators=[DataRequired("Saisissez un nouveau mot de passe."), _new_password],
    )
    new_password_again = PasswordField(
        "Nouveau mot de passe, une seconde fois",
        validators=[
            DataRequired("Saisissez de nouveau le nouveau mot de passe."),
            EqualTo("new_password", "Les deux nouveaux mots de passe ne sont pas identiques."),
        ],
    )


class SecondStepForm(StaffForm):
    """The code that completes a login or turns the second step off: one
    from the authenticator app, or a recovery code."""

    code = StringField(
        "Code à 6 chiffres, ou code de secours",
        validators=[DataRequired("Saisissez le code."), Length(max=64)],
    )


class EnrolmentForm(StaffForm):
    """The first code of a newly set-up app, which turns the second step on."""

    code = StringField(
        "Code à 6 chiffres affiché par l'application",
        validators=[DataRequired("Saisissez le code."), Length(max=64)],
    )


class UserEditForm(StaffForm):
    role = SelectField("Rôle", choices=_choices(Role))
    active = BooleanField("Compte actif")


def _support_field(name: str) -> Validator:
    """Check a field with the support fields' reader."""

    def check(_form: FlaskForm, field: Field) -> None:
        try:
            support.FIELDS[name].parse(_as_text(field.data), paris_today())
        except schema.Invalid as error:
            raise ValidationError(_sentence(str(error), capital=True)) from None

    return check


# What an empty required support field says (only the name is required).
_SUPPORT_MISSING = {"name": "Saisissez le nom du service."}


def _support(name: str) -> list[Validator]:
    if support.FIELDS[name].required:
        return [DataRequired(_SUPPORT_MISSING.get(name)), _support_field(name)]
    return [Optional(), _support_field(name)]


def _support_label(name: str) -> str:
    return support.FIELDS[name].label


class SupportServiceForm(StaffForm):
    """A support service: every public field must be filled for the public
    to see it, but each may be left empty until the staff know it."""

    name = StringField(_support_label("name"), validators=_support("name"))
    services = TextAreaField(_support_label("services"), validators=_support("services"))
    phone = StringField(_support_label("phone"), validators=_support("phone"))
    address = StringField(_support_label("address"), validators=_support("address"))
    postcode = StringField(_support_label("postcode"), validators=_support("postcode"))
    hours = StringField(_support_label("hours"), validators=_support("hours"))
    languages = StringField(_support_label("languages"), validators=_support("languages"))
    position = StringField(_support_label("position"), validators=_support("position"))
    notes = TextAreaField(_support_label("notes"), validators=_support("notes"))
    version = HiddenField()

    def to_record(self) -> support.SupportRecord:
        """Return the record the form describes, read by the fields' readers
        (call after `validate`)."""
        today = paris_today()
        values = {
            name: support.FIELDS[name].parse(_as_text(getattr(self, name).data), today)
            for name in support.FIELD_NAMES
        }
        return support.SupportRecord(**{**values, "position": values["position"] or 0})

    def fill(self, service: object, version: int | None) -> None:
        """Put stored values in the form, as people write them."""
        for name in support.FIELD_NAMES:
            getattr(self, name).data = getattr(service, name) or ""
        phone = getattr(service, "phone", None)
        self.phone.data = phones.for_display(phone) if phone else ""
        self.position.data = str(getattr(service, "position", 0) or 0)
        self.version.data = str(version) if version is not None else ""


class VersionForm(StaffForm):
    """A button that acts on one version of a record (deleting): the CSRF
    token and the version the person saw."""

    version = HiddenField(validators=[InputRequired()])
