"""The console's words: English message ids in the code and templates, a Simplified Chinese
catalog (zh_CN.json beside this file, the default language) and English as written.

`tests/headoffice/console/test_console_i18n.py` fails when a message used in a template or
module has no zh_CN entry, so nothing reaches a page untranslated."""
from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

LANGUAGES = ("zh_CN", "en")
DEFAULT = "zh_CN"
CATALOG = Path(__file__).resolve().parent / "zh_CN.json"


@cache
def _zh() -> dict[str, str]:
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def translator(lang: str) -> Callable[..., str]:
    table = _zh() if lang == "zh_CN" else {}

    def _(message: str, **params: object) -> str:
        text = table.get(message, message)
        return text.format(**params) if params else text
    return _


def pick(cookie: str | None, accept: str | None) -> str:
    if cookie in LANGUAGES:
        return cookie
    if accept and accept.lower().startswith("en"):
        return "en"
    return DEFAULT


# Adjacent literals split over lines count as one message; BadUserInput carries a message id.
_PATTERNS = (r'BadUserInput\(\s*[^,()]+(?:\([^()]*\))?,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)',
             r'_\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)', r"_\(\s*((?:'(?:[^'\\]|\\.)*'\s*)+)")


def used_messages() -> set[str]:
    """Every message id written as _("...") in the console's templates and modules, the menu
    labels and the role names."""
    import importlib
    import re

    here = Path(__file__).resolve().parent
    found: set[str] = set()
    files = [*here.glob("templates/*.html"), *here.glob("*.py"), *here.glob("pages/*.py")]
    for f in files:
        text = f.read_text(encoding="utf-8")
        for pattern in _PATTERNS:
            for m in re.findall(pattern, text):
                q = m.strip()[0]
                parts = re.findall(q + r"((?:[^" + q + r"\\]|\\.)*)" + q, m)
                found.add("".join(parts).replace("\\" + q, q))
    found = {m for m in found if m != "..." and not m.endswith(":")}
    from headoffice.console.auth import ROLES
    from headoffice.console.pages import PAGES
    found |= {f"role:{r}" for r in ROLES}
    for name in PAGES:
        module = importlib.import_module(f"headoffice.console.pages.{name}")
        found |= {label for _p, _h, label in getattr(module, "NAV", ())}
        found |= set(getattr(module, "MESSAGES", ()))
    return found


def missing(include_rule_fields: bool = False) -> list[str]:
    """Messages without Chinese. Rule-set field labels (`rule:...`) fall back to the field's
    name, so a field added to RuleSet elsewhere does not fail the console's tests; run
    `python -m headoffice.console.i18n` to see those too."""
    return sorted(m for m in used_messages() if not _zh().get(m)
                  and (include_rule_fields or not m.startswith("rule:")))


if __name__ == "__main__":
    print("\n".join(missing(include_rule_fields=True)))
