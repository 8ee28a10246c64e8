"""The French and Spanish catalogues are complete, compiled, and used for signed-in people."""

import ast
import gettext
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["fr", "es"]


def read_po(path):
    """Entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr (list), fuzzy.

    A small reader for what makemessages writes; the header and obsolete entries are left out.
    """
    entries, entry, field = [], None, None

    def close():
        if entry is not None and entry.get("msgid"):
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and "msgid" in entry:
                close()
                entry = None
            if entry is None:
                entry = {"msgstr": {}, "fuzzy": False}
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += value
            else:
                entry[field] += value
            continue
        value = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid") and entry is not None and "msgid" in entry:
            close()
            entry = None
        if entry is None:
            entry = {"msgstr": {}, "fuzzy": False}
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if "[" in keyword else 0
            entry["msgstr"][index] = value
            field = ("msgstr", index)
        else:
            entry[keyword] = value
            field = keyword
    close()
    return entries


def catalog_key(entry):
    msgid = entry["msgid"]
    if "msgctxt" in entry:
        msgid = f"{entry['msgctxt']}\x04{msgid}"
    return msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    entries = read_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    fuzzy = [e["msgid"] for e in entries if e["fuzzy"]]
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    assert fuzzy == []
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    entries = read_po(folder / "django.po")
    with open(folder / "django.mo", "rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    compiled = {key if isinstance(key, str) else key[0] for key in catalog} - {""}
    assert len(compiled) == len(entries)
    for entry in entries:
        key = catalog_key(entry)
        if "msgid_plural" in entry:
            for index, text in entry["msgstr"].items():
                assert catalog[(key, index)] == text, entry["msgid"]
        else:
            assert catalog[key] == entry["msgstr"][0], entry["msgid"]


@pytest.mark.parametrize(
    ("language", "members_word", "english_only"),
    [("fr", "Membres", "Sign out"), ("es", "Miembros", "Sign out")],
)
def test_coalition_home_is_shown_in_the_chosen_language(
    client, coalition, members, language, members_word, english_only
):
    client.force_login(members["national_authority"])
    client.cookies["django_language"] = language
    response = client.get(reverse("coalitions:detail", args=[coalition.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'lang="{language}"' in page
    assert members_word in page
    assert english_only not in page


def test_coalition_home_stays_in_english_without_a_choice(client, coalition, members):
    client.force_login(members["national_authority"])
    page = client.get(reverse("coalitions:detail", args=[coalition.slug])).content.decode()
    assert "Members" in page
    assert "Membres" not in page


def test_every_marked_string_of_the_source_is_in_the_catalogues(tmp_path):
    """Regenerates the French catalogue in a scratch copy of the source: no msgid may be missing
    from the committed one (run `make messages` and translate when this fails)."""
    import shutil
    import subprocess
    import sys

    from tests.fixtures import require_service

    require_service("gettext", shutil.which("xgettext") is not None, "apt-get install gettext")
    base = Path(settings.BASE_DIR)
    skip = shutil.ignore_patterns(
        ".venv", ".git", "build", "test-artifacts", "media", "*.pyc", "*.mo"
    )
    for name in ("manage.py", "pyproject.toml"):
        shutil.copy(base / name, tmp_path / name)
    # Every app (a folder with an __init__.py), the templates and the catalogues.
    folders = [p.name for p in base.iterdir() if (p / "__init__.py").exists() and p.name != "tests"]
    for folder in [*folders, "templates", "locale"]:
        shutil.copytree(base / folder, tmp_path / folder, ignore=skip)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr",
            "--no-obsolete",
            "--ignore=locale",
        ],
        cwd=tmp_path,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    po = "fr/LC_MESSAGES/django.po"
    key = lambda e: (e.get("msgctxt"), e["msgid"])  # noqa: E731
    committed = {key(e) for e in read_po(LOCALE_DIR / po)}
    fresh = {key(e) for e in read_po(tmp_path / "locale" / po)}
    assert fresh - committed == set()
