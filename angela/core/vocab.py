"""The closed vocabularies of the scheme, each defined once: kinds of place,
training statuses, staff roles, audit actions and the reasons and states
of street reports, with the French word
people read for each code; the words the public reads (kinds of place,
report reasons) are also in the catalogues of the other languages."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from angela.core.i18n import N_, gettext


class Vocabulary(StrEnum):
    """A code stored and exchanged as text, with its French label."""

    label: str

    def __new__(cls, code: str, label: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def of(cls, code: str) -> Self:
        """Return the member for a stored code; raise ValueError for an unknown one."""
        return cls(code)  # type: ignore[call-arg]  # a lookup by value, not a new member

    @property
    def spoken(self) -> str:
        """The label in the language being spoken (French for the staff)."""
        return gettext(self.label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """Return (code, label) pairs in the declared order, for forms."""
        return [(member.value, member.spoken) for member in cls]

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Return {code: label}, for templates and scripts."""
        return {member.value: member.spoken for member in cls}


class Category(Vocabulary):
    BAR = "bar", N_("Bar")
    RESTAURANT = "restaurant", N_("Restaurant")
    CAFE = "cafe", N_("Café")
    PHARMACY = "pharmacy", N_("Pharmacie")
    BAKERY = "bakery", N_("Boulangerie")
    TOBACCONIST = "tobacconist", N_("Bureau de tabac")
    SUPERMARKET = "supermarket", N_("Supermarché")
    SHOP = "shop", N_("Commerce")
    HOTEL = "hotel", N_("Hôtel")
    CINEMA = "cinema", N_("Cinéma")
    PUBLIC_SERVICE = "public_service", N_("Service public")
    OTHER = "other", N_("Autre lieu")


class TrainingStatus(Vocabulary):
    PENDING = "pending", "Formation à venir"
    TRAINED = "trained", "Formé"
    SUSPENDED = "suspended", "Suspendu"
    WITHDRAWN = "withdrawn", "Retiré"


class Role(Vocabulary):
    """Staff roles, from the most to the least powerful; each may do what
    the ones after it may."""

    ADMIN = "admin", "Administrateur"
    AGENT = "agent", "Agent"
    VIEWER = "viewer", "Lecture seule"

    def may(self, needed: Role) -> bool:
        """Return whether this role may do what `needed` may."""
        order = list(Role)
        return order.index(self) <= order.index(needed)


class AuditAction(Vocabulary):
    MERCHANT_CREATE = "merchant_create", "Enregistrement"
    MERCHANT_UPDATE = "merchant_update", "Modification"
    TRAINING_RECORD = "training_record", "Formation enregistrée"
    MERCHANT_SUSPEND = "merchant_suspend", "Suspension"
    MERCHANT_WITHDRAW = "merchant_withdraw", "Retrait"
    MERCHANT_REINSTATE = "merchant_reinstate", "Rétablissement"
    IMPORT_CREATE = "import_create", "Création par import CSV"
    IMPORT_UPDATE = "import_update", "Modification par import CSV"
    USER_CREATE = "user_create", "Compte créé"
    USER_UPDATE = "user_update", "Compte modifié"
    PASSWORD_CHANGE = "password_change", "Mot de passe changé"
    PASSWORD_RESET = "password_reset", "Mot de passe provisoire donné"
    SUPPORT_CREATE = "support_create", "Accompagnement ajouté"
    SUPPORT_UPDATE = "support_update", "Accompagnement modifié"
    SUPPORT_DELETE = "support_delete", "Accompagnement supprimé"
    MFA_ENABLE = "mfa_enable", "Double authentification activée"
    MFA_DISABLE = "mfa_disable", "Double authentification désactivée"
    MFA_RECOVERY_USED = "mfa_recovery_used", "Code de secours utilisé"
    MFA_RESET = "mfa_reset", "Double authentification réinitialisée"
    MERCHANT_CHECK = "merchant_check", "Coordonnées vérifiées"
    REPORT_PROGRESS = "report_progress", "Signalement pris en charge"
    REPORT_RESOLVE = "report_resolve", "Signalement résolu"
    REPORT_DISMISS = "report_dismiss", "Signalement écarté"
    REPORTS_PURGE = "reports_purge", "Textes de signalements effacés"


class ReportReason(Vocabulary):
    """Why a person in the street reports a refuge; refused help comes
    first, as it is a safeguarding signal (`core.reports`)."""

    HELP_REFUSED = "help_refused", N_("Aide refusée ou mal accueillie")
    CLOSED = "closed", N_("Fermé définitivement ou plus partenaire")
    WRONG_HOURS = "wrong_hours", N_("Horaires faux")
    WRONG_PLACE = "wrong_place", N_("Adresse ou position fausse")
    OTHER = "other", N_("Autre problème")


class ReportStatus(Vocabulary):
    """Where a report stands in the staff queue."""

    NEW = "new", "Nouveau"
    IN_PROGRESS = "in_progress", "En cours"
    RESOLVED = "resolved", "Résolu"
    DISMISSED = "dismissed", "Écarté"

    @property
    def closed(self) -> bool:
        """Whether the report is done with (its text and e-mail are then
        kept for a limited time only)."""
        return self in (ReportStatus.RESOLVED, ReportStatus.DISMISSED)
