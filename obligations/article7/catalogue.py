"""The forms of the agreed CCM Article 7 reporting format, and which of them this product fills."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import Article, Indicator


@dataclass(frozen=True)
class FormSpec:
    letter: str
    title: Promise
    # Paragraphs of Article 7(1) the form answers.
    paragraphs: str
    # Indicator kinds whose validated figures fill the form; an empty tuple with `filled` False:
    # a form this product does not track, shown with its heading and a text only.
    kinds: tuple[str, ...] = ()
    # Obligations whose deadlines and completion the form states.
    articles: tuple[int, ...] = ()
    filled: bool = False


FORMS = (
    FormSpec("A", _("National implementation measures"), "7(1)(a)"),
    FormSpec(
        "B",
        _("Stockpiles of cluster munitions and their destruction"),
        "7(1)(b), 7(1)(e)",
        kinds=(Indicator.Kind.MUNITIONS_DESTROYED, Indicator.Kind.SUBMUNITIONS_DESTROYED),
        articles=(Article.STOCKPILE,),
        filled=True,
    ),
    FormSpec("C", _("Technical characteristics of cluster munitions produced or owned"), "7(1)(c)"),
    FormSpec(
        "D",
        _("Conversion or decommissioning of production facilities"),
        "7(1)(d)",
    ),
    FormSpec("E", _("Cluster munitions retained or transferred"), "7(1)(g)"),
    FormSpec(
        "F",
        _("Areas contaminated by cluster munition remnants, and their clearance"),
        "7(1)(f), 7(1)(h)",
        kinds=(Indicator.Kind.AREA_RELEASED, Indicator.Kind.REMNANTS_DESTROYED),
        articles=(Article.CLEARANCE,),
        filled=True,
    ),
    FormSpec(
        "G",
        _("Risk reduction education and warnings to the civilian population"),
        "7(1)(i), 7(1)(j)",
        kinds=(Indicator.Kind.PEOPLE_REACHED,),
        filled=True,
    ),
    FormSpec(
        "H",
        _("Victim assistance"),
        "7(1)(k)",
        kinds=(Indicator.Kind.VICTIMS_ASSISTED,),
        articles=(Article.VICTIM_ASSISTANCE,),
        filled=True,
    ),
    FormSpec(
        "I",
        _("National resources, and international cooperation and assistance"),
        "7(1)(l), 7(1)(m)",
        filled=True,
    ),
    FormSpec(
        "J",
        _("Other relevant matters: deadlines, extensions and completion"),
        "7(1)",
        filled=True,
    ),
)

BY_LETTER = {spec.letter: spec for spec in FORMS}
LETTERS = tuple(BY_LETTER)
