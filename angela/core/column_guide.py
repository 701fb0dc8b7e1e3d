"""The column guide of the merchant CSV: for each column, the French header
the "pour Excel" export writes, the canonical name, whether it is required,
what it accepts and an example. Derived from the schema, the vocabularies
and the spreadsheet reader, so that the guide cannot drift from the rules;
only the descriptions and examples are written here. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from angela.core import schema, spreadsheet
from angela.core.vocab import Category, TrainingStatus

_DEGREES = "degrés décimaux, virgule ou point ; le point doit être dans l'une des 20 communes"
# column → (what it accepts, an example); the examples are made up.
_ACCEPTS: dict[str, tuple[str, str]] = {
    "ref": (
        "lettres, chiffres, point, tiret, souligné (32 au plus) ; une référence connue met à "
        "jour le lieu, une nouvelle le crée",
        "ANG-0001",
    ),
    "name": ("texte, 200 caractères au plus", "Boulangerie du Marché"),
    "category": (", ".join(member.label for member in Category), "Boulangerie"),
    "address": ("numéro et voie, 300 caractères au plus", "16 rue Paul Doumer"),
    "postcode": ("5 chiffres", "77000"),
    "lat": (_DEGREES, "48,539343"),
    "lon": (_DEGREES, "2,66029"),
    "phone": ("numéro français, avec ou sans espaces", "01 64 52 00 00"),
    "opening_hours": (
        "syntaxe OpenStreetMap, comme dans la fiche d'un lieu",
        "Tu-Sa 07:00-19:30; PH off",
    ),
    "training_status": (", ".join(member.label for member in TrainingStatus), "Formé"),
    "trained_on": (
        "date JJ/MM/AAAA (ou AAAA-MM-JJ), pas dans le futur ; obligatoire pour le statut "
        f"« {TrainingStatus.TRAINED.label} »",
        "22/11/2026",
    ),
    "trainer": ("texte, 200 caractères au plus", "CIDFF 77"),
    "contact_name": ("texte, 200 caractères au plus", "Camille Martin"),
    "contact_email": ("adresse e-mail", "camille@exemple.fr"),
    "contact_phone": ("numéro français, avec ou sans espaces", "06 12 34 56 78"),
    "notes": ("texte libre, retours à la ligne permis ; jamais public", "Sonner à l'interphone"),
    "last_checked_on": (
        "date JJ/MM/AAAA (ou AAAA-MM-JJ), pas dans le futur : le dernier jour où l'équipe a "
        "confirmé avec le lieu son adresse, ses horaires et son téléphone ; montrée au public "
        "« Vérifié le … » ; sans cette colonne, les dates déjà enregistrées restent",
        "12/10/2026",
    ),
}
if tuple(_ACCEPTS) != schema.CSV_COLUMNS:
    raise RuntimeError("the column guide must describe every CSV column, in order")


@dataclass(frozen=True)
class GuideRow:
    header: str  # the French header of the "pour Excel" export
    column: str  # the canonical name (DESIGN.md)
    required: bool
    also: tuple[str, ...]  # other headers accepted besides these two
    accepts: str
    example: str


def column_guide() -> list[GuideRow]:
    """Return one row per CSV column, in the canonical order."""
    return [
        GuideRow(
            header=schema.LABELS[column],
            column=column,
            required=schema.FIELDS[column].required,
            also=spreadsheet.HEADER_ALIASES.get(column, ()),
            accepts=_ACCEPTS[column][0],
            example=_ACCEPTS[column][1],
        )
        for column in schema.CSV_COLUMNS
    ]
