"""click's own words (``Usage:``, ``Try ... for help.``, ``No such option``...) in the user's language.

click renders its messages through :func:`gettext.gettext`, bound in each of its modules as ``_`` (and
``ngettext`` for plurals). :func:`activate` replaces those names with look-ups in the message catalogue
(:data:`reconcile.messages.MESSAGES`, keys ``click:<click's English text>``); a text the catalogue does
not hold stays in English, so a newer click never shows a key.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from .messages import MESSAGES

#: click's modules that translate their messages.
_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)

_active = {"lang": "vi"}


def active_lang() -> str:
    """The language click's messages are shown in."""
    return _active["lang"]


def gettext(message: str) -> str:
    """``message`` (click's English text) in the active language."""
    entry = MESSAGES.get("click:" + message)
    if entry is None:
        return message
    return entry.get(_active["lang"]) or message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of one of click's messages, in the active language."""
    return gettext(singular if n == 1 else plural)


def activate(lang: str) -> None:
    """Show click's messages in ``lang`` from now on."""
    _active["lang"] = lang
    for name in _CLICK_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


def lang_from_args(args: Sequence[str], default: str = "vi") -> str:
    """The language asked for on a command line (``--lang en`` or ``--lang=en``), before click has
    parsed it: an error in the command line is then told in that language too."""
    lang = default
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
    return lang if lang in ("vi", "en") else default
