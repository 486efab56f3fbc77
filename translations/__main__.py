"""`python -m translations [extract|update|compile|all]` (make messages): pybabel with the project's
keywords. extract writes translations/messages.pot from the code; update merges it into the English
catalog (new texts arrive untranslated, never guessed: no fuzzy matching); compile writes the .mo
the app reads. `all` does the three in order."""

from __future__ import annotations

import sys

from babel.messages.frontend import CommandLineInterface

from translations import DOMAIN, HERE, KEYWORDS, catalog_file

ROOT = HERE.parent


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    keywords = [a for k in KEYWORDS for a in ("-k", k)]
    _pybabel(
        "extract", "-F", str(ROOT / "babel.cfg"), *keywords, "--no-location", "--sort-output",
        "--project", "Overblik", "--copyright-holder", "Overblik", "-w", "100",
        "-o", str(HERE / f"{DOMAIN}.pot"), str(ROOT),
    )  # fmt: skip


def update() -> None:
    _pybabel(
        "update", "-i", str(HERE / f"{DOMAIN}.pot"), "-d", str(HERE), "-D", DOMAIN, "-l", "en",
        "--no-fuzzy-matching", "--ignore-obsolete", "-w", "100",
    )  # fmt: skip


def compile_() -> None:
    _pybabel("compile", "-d", str(HERE), "-D", DOMAIN, "-l", "en", "--statistics")
    print(catalog_file("en", ".mo"))


def main(argv: list[str]) -> int:
    steps = {
        "extract": [extract],
        "update": [update],
        "compile": [compile_],
        "all": [extract, update, compile_],
    }
    what = argv[0] if argv else "all"
    if what not in steps:
        print(__doc__, file=sys.stderr)
        return 2
    for step in steps[what]:
        step()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
