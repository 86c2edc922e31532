"""Check HTML against caniemail's support tables (test helper, not part of the package).

caniemail (https://www.caniemail.com) records, per feature, which mail
clients show it. This module reads a copy of its ``_features/`` folder, maps
what an HTML email uses (elements, attributes, CSS properties and values in
style attributes and ``<style>`` blocks, selectors, ``@media`` features) to
caniemail's feature slugs, and reports the features the clients we care
about do not support, judged by the latest test of each platform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from lxml import etree
from lxml import html as lxml_html

#: The clients a digest must read well in: (family, platform) → display name.
TARGETS: dict[tuple[str, str], str] = {
    ("gmail", "desktop-webmail"): "Gmail (web)",
    ("outlook", "windows"): "Outlook (Windows)",
    ("apple-mail", "macos"): "Apple Mail (macOS)",
    ("apple-mail", "ios"): "Apple Mail (iOS)",
}

# The C build of PyYAML's safe loader when present: the same rules, ten times faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_UNIT = re.compile(r"(?<![\w#.-])-?\d*\.?\d+(px|em|rem|%|vh|vw|vmin|vmax|pt|pc|cm|mm|in|ch|ex)\b")
_FUNCTIONS = {
    "calc(": "css-unit-calc",
    "rgb(": "css-rgb",
    "rgba(": "css-rgba",
    "var(": "css-variables",
    "linear-gradient(": "css-linear-gradient",
    "radial-gradient(": "css-radial-gradient",
    "conic-gradient(": "css-conic-gradient",
    "min(": "css-function-min",
    "max(": "css-function-max",
    "clamp(": "css-function-clamp",
    "light-dark(": "css-function-light-dark",
    "system-ui": "css-sytem-ui",
    "initial": "css-unit-initial",
}
_MEDIA_FEATURES = {
    "prefers-color-scheme": "css-at-media-prefers-color-scheme",
    "prefers-reduced-motion": "css-at-media-prefers-reduced-motion",
    "orientation": "css-at-media-orientation",
    "hover": "css-at-media-hover",
    "device-pixel-ratio": "css-at-media-device-pixel-ratio",
}
_AT_RULES = {
    "import": "css-at-import",
    "font-face": "css-at-font-face",
    "keyframes": "css-at-keyframes",
    "supports": "css-at-supports",
}
_TAGS = {
    **{f"h{n}": "html-h1-h6" for n in range(1, 7)},
    **{t: "html-lists" for t in ("ul", "ol", "li", "dl", "dt", "dd")},
    **{
        t: "html-semantics"
        for t in ("article", "aside", "details", "figcaption", "figure", "footer", "header")
    },
    **{t: "html-semantics" for t in ("main", "mark", "nav", "section", "summary", "time")},
}
# caniemail tests every longhand of these under the shorthand's page (css-border.md…).
_FAMILIES = ("border", "padding", "margin")


@dataclass(frozen=True)
class Feature:
    slug: str
    title: str
    stats: dict


@dataclass
class Finding:
    """A feature the HTML uses that a target client does not support."""

    slug: str
    title: str
    clients: list[str]
    evidence: set[str] = field(default_factory=set)


def load_features(folder: Path) -> dict[str, Feature]:
    """Every feature page in ``folder`` (caniemail's ``_features``), by slug."""
    features = {}
    for path in sorted(folder.glob("*.md")):
        if path.name.startswith("_"):
            continue
        match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        if not match:
            continue
        # Tabs indent some stats blocks, which YAML forbids: spaces instead (see SOURCE.md).
        data = yaml.load(match.group(1).replace("\t", "    "), Loader=_SAFE_LOADER)
        title = str(data.get("title", ""))
        features[path.stem] = Feature(path.stem, title, data.get("stats") or {})
    return features


def _version_key(version: str) -> tuple[int, ...]:
    """ "2019-08" < "2020-01", "10.3" < "12.2", "2016" < "2019": numeric parts, in order."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


def latest_support(feature: Feature, family: str, platform: str) -> str | None:
    """The support value ("y", "n", "a", "u", maybe with note refs) of the newest test."""
    versions = (feature.stats.get(family) or {}).get(platform) or {}
    if not versions:
        return None
    newest = max(versions, key=lambda v: _version_key(str(v)))
    return str(versions[newest]).strip()


def unsupported(features: dict[str, Feature], used: dict[str, set[str]]) -> list[Finding]:
    """Used features marked "n" for a target client in its latest test."""
    findings = []
    for slug in sorted(used):
        feature = features.get(slug)
        if feature is None:
            continue
        clients = [
            name
            for (family, platform), name in TARGETS.items()
            if (latest_support(feature, family, platform) or "").split(" ")[0] == "n"
        ]
        if clients:
            findings.append(Finding(slug, feature.title, clients, used[slug]))
    return findings


@dataclass
class Usage:
    """What an HTML document uses, as caniemail slugs with the text that gave them away."""

    features: set[str]
    slugs: dict[str, set[str]] = field(default_factory=dict)
    unmapped: set[str] = field(default_factory=set)

    def add(self, name: str, evidence: str) -> bool:
        if name in self.features:
            self.slugs.setdefault(name, set()).add(evidence)
            return True
        return False


def features_used(html: str, features: dict[str, Feature]) -> Usage:
    """Map the HTML's elements, attributes and CSS to caniemail slugs."""
    usage = Usage(set(features))
    if html.lstrip().lower().startswith("<!doctype"):
        usage.add("html-doctype", "<!DOCTYPE>")
    if "<!--" in html:
        usage.add("html-comments", "<!-- -->")
    doc = lxml_html.document_fromstring(html)
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        _element(element, usage)
        style = element.get("style")
        if style:
            _declarations(style, usage)
    for block in _STYLE_BLOCK.findall(html):
        _stylesheet(block, usage)
    return usage


def _element(element: etree._Element, usage: Usage) -> None:
    tag = element.tag.lower()
    usage.add(_TAGS.get(tag, f"html-{tag}"), f"<{tag}>")
    if tag == "meta" and element.get("name") in ("color-scheme", "supported-color-schemes"):
        usage.add("html-meta-color-scheme", f'<meta name="{element.get("name")}">')
    if tag == "a":
        href = (element.get("href") or "").strip().lower()
        if href.startswith("#"):
            usage.add("html-anchor-links", '<a href="#…">')
        elif href.startswith("mailto:"):
            usage.add("html-mailto-links", '<a href="mailto:…">')
    for attribute in element.attrib:
        name = attribute.lower()
        if name in ("style", "class", "href", "id", "name", "content", "charset"):
            continue
        slug = "html-loading-attribute" if name == "loading" else f"html-{name}"
        if not usage.add(slug, f"{name}="):
            usage.unmapped.add(f"attribute {name}")


def _stylesheet(css: str, usage: Usage) -> None:
    if "/*" in css:
        usage.add("css-comments", "/* */")
        css = _CSS_COMMENT.sub(" ", css)
    for at_rule in re.findall(r"@([\w-]+)", css):
        if at_rule == "media":
            usage.add("css-at-media", "@media")
        elif not usage.add(_AT_RULES.get(at_rule, f"css-at-{at_rule}"), f"@{at_rule}"):
            usage.unmapped.add(f"@{at_rule}")
    for condition in re.findall(r"@media([^{]*)\{", css):
        for name, slug in _MEDIA_FEATURES.items():
            if name in condition:
                usage.add(slug, f"@media ({name})")
    for selectors, body in re.findall(r"([^{}@]+)\{([^{}]*)\}", css):
        _selectors(selectors.strip(), usage)
        _declarations(body, usage)


def _selectors(text: str, usage: Usage) -> None:
    if not text or text.startswith(("(", "screen", "all")):
        return
    if "," in text:
        usage.add("css-selector-grouping", text)
    for selector in (s.strip() for s in text.split(",")):
        if ">" in selector:
            usage.add("css-selector-child", selector)
        if "+" in selector:
            usage.add("css-selector-adjacent-sibling", selector)
        if "~" in selector:
            usage.add("css-selector-general-sibling", selector)
        if "[" in selector:
            usage.add("css-selector-attribute", selector)
        parts = [p for p in re.split(r"\s*[>+~]\s*|\s+", selector) if p]
        if len(parts) > 1 and not re.search(r"[>+~]", selector):
            usage.add("css-selector-descendant", selector)
        for part in parts:
            if part.startswith("."):
                usage.add("css-selector-class", selector)
            if part.startswith("#"):
                usage.add("css-selector-id", selector)
            if part == "*":
                usage.add("css-selector-universal", selector)
            if re.match(r"[a-zA-Z]", part):
                usage.add("css-selector-type", selector)
            if len(re.findall(r"[.#\[]", part)) + bool(re.match(r"[a-zA-Z]", part)) > 1:
                usage.add("css-selector-chaining", selector)
            for pseudo in re.findall(r"::?([\w-]+)", part):
                kind = "element" if f"::{pseudo}" in part else "class"
                usage.add(f"css-pseudo-{kind}-{pseudo}", f":{pseudo}")


def _declarations(text: str, usage: Usage) -> None:
    for declaration in text.split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if not colon or not name:
            continue
        if "!important" in value:
            usage.add("css-important", f"{name}: … !important")
            value = value.replace("!important", "").strip()
        evidence = f"{name}: {value}"
        _property(name, value, evidence, usage)
        for unit in set(_UNIT.findall(value)):
            usage.add("css-unit-percent" if unit == "%" else f"css-unit-{unit}", evidence)
        for needle, slug in _FUNCTIONS.items():
            if re.search(rf"(?<![\w-]){re.escape(needle)}", value):
                usage.add(slug, evidence)


def _property(name: str, value: str, evidence: str, usage: Usage) -> None:
    if name == "display":
        slug = {"none": "css-display-none", "flex": "css-display-flex"}.get(value, "css-display")
        usage.add("css-display-grid" if "grid" in value else slug, evidence)
        return
    if usage.add(f"css-{name}", evidence):
        return
    family = next((f for f in _FAMILIES if name.startswith(f"{f}-")), None)
    if family and usage.add(f"css-{family}", evidence):
        return
    usage.unmapped.add(name)
