"""The source documents, read independently of the demo loader: the oracle for completeness."""

import re
from pathlib import Path

SOURCES = Path(__file__).resolve().parent.parent / "docs" / "sources"

# Scraping artefacts in the sources and the words the product must carry instead.
CORRECTIONS = {
    "känlsa": "känsla",
    "kunskapsabaserat": "kunskapsbaserat",
    "ansvararför": "ansvarar för",
    "behovfram": "behov fram",
    "hurarbetet": "hur arbetet",
    "efterlevnadoch": "efterlevnad och",
    "trygghets,säkerhets-": "trygghets-, säkerhets-",
    "Trygghets, krisberedskaps-": "Trygghets-, krisberedskaps-",
    "trygghets, säkerhets- och beredskapsarbetet": "trygghets-, säkerhets- och beredskapsarbetet",
    "2021 - 2024": "2021–2024",
}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _lines(text: str) -> list[str]:
    """Lines of body text and list items, with wrapped bullet lines joined."""
    lines: list[str] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        if raw.startswith("  ") and not raw.lstrip().startswith(("•", "-", "□")) and lines:
            lines[-1] += " " + raw.strip()
            continue
        lines.append(re.sub(r"^\s*(?:•|-|□)\s*(?:□\s*)?", "", raw).strip())
    fixed = []
    for line in lines:
        for wrong, right in CORRECTIONS.items():
            line = line.replace(wrong, right)
        fixed.append(normalise(line))
    return fixed


def ale_lines() -> list[str]:
    text = (SOURCES / "ale-program-trygghet-sakerhet-2021-2024.txt").read_text()
    body = text[text.index("Program för trygghet") :].split("Relaterad information", 1)[0]
    return _lines(body)


def kalix_lines() -> list[str]:
    text = (SOURCES / "kalix-sakerhetspolicy-2007.txt").read_text()
    return _lines(text.split("A. Säkerhetspolicy – anger de övergripande målen", 1)[1])
