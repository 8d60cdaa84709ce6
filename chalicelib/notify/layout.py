"""One description of a notice's body, rendered twice: plain text and HTML (every value HTML-escaped).

Notices describe what they say with a ``Body`` (paragraphs, headed sections of entries, a link); the two
renderings cannot drift apart, and no notice builds HTML by hand.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from chalicelib.clock import parse_iso


@dataclass(frozen=True)
class Entry:
    """One thing in a section (a failed document, an issue): a title and labelled lines."""

    title: str
    lines: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Paragraph:
    text: str


@dataclass(frozen=True)
class _Section:
    heading: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class _Link:
    label: str
    url: str


@dataclass
class Body:
    """The content of a notice, in order."""

    blocks: list[_Paragraph | _Section | _Link] = field(default_factory=list)

    def paragraph(self, text: str) -> Body:
        self.blocks.append(_Paragraph(text))
        return self

    def section(self, heading: str, entries: list[Entry]) -> Body:
        """A heading and its entries; an empty section is left out."""
        if entries:
            self.blocks.append(_Section(heading, tuple(entries)))
        return self

    def link(self, label: str, url: str) -> Body:
        self.blocks.append(_Link(label, url))
        return self

    def text(self) -> str:
        """The plain-text part."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, _Paragraph):
                out.append(f"{block.text}\n")
            elif isinstance(block, _Section):
                out.append(f"{block.heading}\n{'-' * len(block.heading)}")
                for entry in block.entries:
                    out.append(f"* {entry.title}")
                    out.extend(f"    {label}: {text}" for label, text in entry.lines)
                out.append("")
            else:
                out.append(f"{block.label}: {block.url}\n")
        return "\n".join(out).rstrip() + "\n"

    def html(self) -> str:
        """The HTML part (a simple, mail-client-safe document)."""
        esc = html.escape
        out = ['<html><body style="font-family: sans-serif; font-size: 14px">']
        for block in self.blocks:
            if isinstance(block, _Paragraph):
                out.append(f"<p>{esc(block.text)}</p>")
            elif isinstance(block, _Section):
                out.append(f"<h3>{esc(block.heading)}</h3><ul>")
                for entry in block.entries:
                    details = "".join(
                        f"<li><b>{esc(label)}:</b> {esc(text)}</li>" for label, text in entry.lines
                    )
                    out.append(
                        f"<li>{esc(entry.title)}" + (f"<ul>{details}</ul>" if details else "") + "</li>"
                    )
                out.append("</ul>")
            else:
                out.append(f'<p><a href="{esc(block.url, quote=True)}">{esc(block.label)}</a></p>')
        out.append("</body></html>")
        return "\n".join(out)


def connector_link(public_url: str, connector_id: str) -> str:
    """The connector's page in the admin app."""
    return f"{public_url.rstrip('/')}/#connectors/{connector_id}"


def when(moment: str | None) -> str:
    """A stored ISO time as people read it: ``2026-11-20 09:00 UTC``."""
    if not moment:
        return "never"
    try:
        return parse_iso(moment).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return moment


# Whitespace (line breaks, tabs, Unicode line separators) and control characters: the email package refuses a
# header holding a line break of any kind, so one such character in a connector name would drop the whole notice.
_UNSAFE_IN_HEADER = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def one_line(text: str, limit: int = 160) -> str:
    """``text`` fit for a header: every run of whitespace or control characters one space, ``limit`` at most."""
    # A lone surrogate (from a broken "\ud800" escape in JSON) cannot be encoded: it becomes "?" instead.
    text = text.encode("utf-8", "replace").decode("utf-8")
    flat = _UNSAFE_IN_HEADER.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
