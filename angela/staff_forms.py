"""The staff face's forms (Flask-WTF, so each carries its CSRF token). Field
checks reuse the CSV contract's rules: one rule, one place."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
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

from angela import accounts, hours, merchants, phones, territory
from angela.catalog import CATEGORIES, TRAINING_STATUSES
from angela.merchant_csv import MAX_LENGTHS, POSTCODE_PATTERN, REF_PATTERN
from angela.models import ROLES
from angela.refuges import paris_today

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
    email = EmailField("Adresse e-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Mot de passe", validators=[DataRequired(), Length(max=1024)])


# The words people read for each field, in forms, the audit log and conflicts.
FIELD_LABELS = {
    "ref": "Référence", "name": "Nom", "category": "Type de lieu", "address": "Adresse",
    "postcode": "Code postal", "commune_code": "Commune (INSEE)", "lat": "Latitude",
    "lon": "Longitude", "phone": "Téléphone", "opening_hours": "Horaires",
    "training_status": "Statut", "trained_on": "Date de formation", "trainer": "Formateur",
    "contact_name": "Nom du contact", "contact_email": "E-mail du contact",
    "contact_phone": "Téléphone du contact", "notes": "Notes", "email": "E-mail",
    "role": "Rôle", "active": "Actif", "must_change_password": "Mot de passe provisoire",
}  # fmt: skip


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _phone(_form: FlaskForm, field: Field) -> None:
    if field.data:
        try:
            phones.to_e164(field.data)
        except phones.PhoneError as error:
            raise ValidationError(f"{error} (ex. 01 64 52 10 00).") from None


def _hours(_form: FlaskForm, field: Field) -> None:
    if field.data and field.data.strip():
        try:
            hours.parse(field.data.strip())
        except hours.HoursError as error:
            raise ValidationError(str(error)) from None


def _email(_form: FlaskForm, field: Field) -> None:
    if field.data:
        try:
            validate_email(field.data.strip(), check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError("Adresse e-mail invalide (ex. nom@exemple.fr).") from None


def _new_password(_form: FlaskForm, field: Field) -> None:
    # The accounts module's rule, so that the form and the CLI say the same.
    try:
        accounts.check_password(field.data or "")
    except accounts.AccountError as error:
        raise ValidationError(str(error)) from None


def _pattern(pattern: Any, message: str) -> Any:
    def check(_form: FlaskForm, field: Field) -> None:
        if field.data and not pattern.fullmatch(field.data.strip()):
            raise ValidationError(message)

    return check


def _degrees(bound: float) -> Any:
    def check(_form: FlaskForm, field: Field) -> None:
        try:
            value = float((field.data or "").strip().replace(",", "."))
        except ValueError:
            raise ValidationError("Un nombre décimal est attendu (ex. 48.539343).") from None
        if not -bound <= value <= bound:
            raise ValidationError(f"Doit être entre -{bound:g} et {bound:g}.")

    return check


def _not_in_future(_form: FlaskForm, field: Field) -> None:
    if field.data and field.data > paris_today():
        raise ValidationError("La date de formation ne peut pas être dans le futur.")


def _text(field: Field) -> str | None:
    value = (field.data or "").strip()
    return value or None


class MerchantForm(StaffForm):
    ref = StringField(
        "Référence",
        validators=[
            Optional(),
            Length(max=32),
            _pattern(REF_PATTERN, "Lettres, chiffres, . _ - (ex. ANG-0042)."),
        ],
    )
    name = StringField("Nom du lieu", validators=[DataRequired(), Length(max=MAX_LENGTHS["name"])])
    category = SelectField(
        "Type de lieu", choices=_choices(CATEGORIES), validators=[InputRequired()]
    )
    address = StringField(
        "Adresse", validators=[DataRequired(), Length(max=MAX_LENGTHS["address"])]
    )
    postcode = StringField(
        "Code postal",
        validators=[DataRequired(), _pattern(POSTCODE_PATTERN, "5 chiffres (ex. 77000).")],
    )
    lat = StringField(
        "Latitude",
        validators=[DataRequired("Localisez l'adresse ou saisissez la latitude."), _degrees(90)],
    )
    lon = StringField(
        "Longitude",
        validators=[DataRequired("Localisez l'adresse ou saisissez la longitude."), _degrees(180)],
    )
    citycode = HiddenField()
    phone = StringField("Téléphone (public)", validators=[Optional(), _phone])
    opening_hours = TextAreaField(
        "Horaires d'ouverture", validators=[Optional(), Length(max=500), _hours]
    )
    training_status = SelectField(
        "Statut de formation", choices=_choices(TRAINING_STATUSES), validators=[InputRequired()]
    )
    trained_on = DateField("Date de formation", validators=[Optional(), _not_in_future])
    trainer = StringField("Formateur ou formatrice", validators=[Optional(), Length(max=200)])
    contact_name = StringField("Nom du contact", validators=[Optional(), Length(max=200)])
    contact_email = EmailField(
        "E-mail du contact", validators=[Optional(), Length(max=254), _email]
    )
    contact_phone = StringField("Téléphone du contact", validators=[Optional(), _phone])
    notes = TextAreaField("Notes internes", validators=[Optional(), Length(max=5000)])
    version = HiddenField()
    confirm_duplicate = BooleanField("Je confirme : c'est un autre lieu, enregistrer quand même")

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if self.training_status.data == "trained" and not self.trained_on.data:
            if not self.trained_on.errors:  # an unreadable date already says so
                self.trained_on.errors = [
                    *self.trained_on.errors,
                    "Obligatoire pour un lieu formé.",
                ]
            return False
        return valid

    def to_input(self) -> merchants.MerchantInput:
        """Return the checked values (call after `validate`)."""
        return merchants.MerchantInput(
            ref=_text(self.ref),
            name=(self.name.data or "").strip(),
            category=self.category.data or "",
            address=(self.address.data or "").strip(),
            postcode=(self.postcode.data or "").strip(),
            lat=float((self.lat.data or "").strip().replace(",", ".")),
            lon=float((self.lon.data or "").strip().replace(",", ".")),
            phone=phones.to_e164(self.phone.data) if self.phone.data else None,
            opening_hours=_text(self.opening_hours),
            training_status=self.training_status.data or "",
            trained_on=self.trained_on.data,
            trainer=_text(self.trainer),
            contact_name=_text(self.contact_name),
            contact_email=_normal_email(self.contact_email.data),
            contact_phone=phones.to_e164(self.contact_phone.data)
            if self.contact_phone.data
            else None,
            notes=_text(self.notes),
            citycode=_text(self.citycode)
            if self.citycode.data in territory.communes_by_code()
            else None,
        )

    def fill(self, data: merchants.MerchantInput, version: int | None) -> None:
        """Put stored values in the form, as people write them."""
        for name in ("ref", "name", "category", "address", "postcode", "opening_hours",
                     "training_status", "trained_on", "trainer", "contact_name",
                     "contact_email", "notes", "citycode"):  # fmt: skip
            getattr(self, name).data = getattr(data, name)
        self.phone.data = phones.for_display(data.phone) if data.phone else ""
        self.contact_phone.data = (
            phones.for_display(data.contact_phone) if data.contact_phone else ""
        )
        self.lat.data, self.lon.data = f"{data.lat:.6f}", f"{data.lon:.6f}"
        self.version.data = str(version) if version is not None else ""


class TrainingForm(StaffForm):
    trained_on = DateField("Date de la formation", validators=[InputRequired(), _not_in_future])
    trainer = StringField("Formateur ou formatrice", validators=[Optional(), Length(max=200)])

    def trainer_text(self) -> str | None:
        return _text(self.trainer)


class StatusForm(StaffForm):
    reason = TextAreaField(
        "Motif", validators=[DataRequired("Le motif est obligatoire."), Length(max=1000)]
    )


class ActionForm(StaffForm):
    """A button that changes something: only the CSRF token."""


class ImportForm(StaffForm):
    file = FileField(
        "Fichier CSV (UTF-8, 2 Mo au plus)", validators=[FileRequired("Choisissez un fichier.")]
    )


class ImportConfirmForm(StaffForm):
    upload = IntegerField(validators=[InputRequired()])
    created = IntegerField(validators=[InputRequired()])
    updated = IntegerField(validators=[InputRequired()])


PROVISIONAL_LABEL = f"Mot de passe provisoire ({accounts.MIN_PASSWORD_LENGTH} caractères au moins)"


class UserCreateForm(StaffForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(), Length(max=254), _email])
    role = SelectField("Rôle", choices=_choices(ROLES), default="viewer")
    password = PasswordField(PROVISIONAL_LABEL, validators=[DataRequired(), _new_password])


class PasswordResetForm(StaffForm):
    password = PasswordField(
        "Nouveau mot de passe provisoire", validators=[DataRequired(), _new_password]
    )


class PasswordChangeForm(StaffForm):
    current_password = PasswordField(
        "Mot de passe actuel", validators=[DataRequired(), Length(max=1024)]
    )
    new_password = PasswordField(
        f"Nouveau mot de passe ({accounts.MIN_PASSWORD_LENGTH} caractères au moins)",
        validators=[DataRequired(), _new_password],
    )
    new_password_again = PasswordField(
        "Nouveau mot de passe, une seconde fois",
        validators=[
            DataRequired(),
            EqualTo("new_password", "Les deux nouveaux mots de passe ne sont pas identiques."),
        ],
    )


class UserEditForm(StaffForm):
    role = SelectField("Rôle", choices=_choices(ROLES))
    active = BooleanField("Compte actif")


def _normal_email(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    return validate_email(value.strip(), check_deliverability=False).normalized
