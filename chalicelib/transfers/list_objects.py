"""Making sure QuickBooks list objects exist (customers, items): query by full name, create what is missing.

Shared by the customer and item steps. Sub-levels (``Parent:Child``) are created parent first; a name taken
meanwhile (3100) is looked up again and used; a failed parent fails its children with the same reason.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from chalicelib.qbxml.responses import QbResponse, child_text
from chalicelib.steps.base import StepContext
from chalicelib.transfers.outcomes import error_from_status


def _failure(response: QbResponse) -> dict[str, Any]:
    return error_from_status(response.status_code, response.status_message).model_dump()


NAME_IN_USE = 3100
NOTHING_FOUND = 1


def with_ancestors(full_names: list[str]) -> list[str]:
    """The names and every level above them, parents first, without duplicates (case-insensitive)."""
    seen: dict[str, str] = {}
    for name in full_names:
        parts = name.split(":")
        for depth in range(1, len(parts) + 1):
            prefix = ":".join(parts[:depth])
            seen.setdefault(prefix.lower(), prefix)
    return sorted(seen.values(), key=lambda n: (n.count(":"), n.lower()))


def parent_of(full_name: str) -> str | None:
    return full_name.rsplit(":", 1)[0] if ":" in full_name else None


class EnsureListObjects:
    """Base of a step that ensures ``wanted`` names exist. Subclasses say what is wanted and how to ask.

    State: ``wanted`` (names, parents first), ``known`` (lower name -> ListID), ``queried``, ``requery``
    (names QuickBooks said were taken), ``failed`` (lower name -> error dict), ``asked`` (names sent to add).
    """

    key = ""
    depends_on: tuple[str, ...] = ()
    # The other lists of QuickBooks' one name space, for the failure of a name taken there (3100, not found).
    other_lists = "a vendor, an employee or another name"
    # False: names are only matched, never created (a journal entry's customers and vendors).
    creates = True
    list_label = "list object"

    def wanted(self, ctx: StepContext) -> list[str]:
        raise NotImplementedError

    def build_query(self, request_id: str, names: list[str]) -> etree._Element:
        raise NotImplementedError

    def build_add(self, ctx: StepContext, request_id: str, full_name: str) -> etree._Element:
        raise NotImplementedError

    def resolved(self, ctx: StepContext, state: dict[str, Any]) -> None:
        """Called once when every name is known or failed."""

    def remember(self, state: dict[str, Any], full_name: str, ret: etree._Element) -> None:
        """Keep more of what QuickBooks said about a found or created object (nothing by default)."""

    # -- Step protocol ------------------------------------------------------------------------------------

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return all(states.get(key, {}).get("done") for key in self.depends_on)

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if "wanted" not in state:
            state.update(wanted=with_ancestors(self.wanted(ctx)), known={}, failed={}, asked=[], requery=[])
            state["queried"] = not state["wanted"]
        if not state.get("done") and self._settled(state):
            state["done"] = True
            self.resolved(ctx, state)

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        if not state["queried"]:
            return [("q", self.build_query("q", state["wanted"]))]
        if state["requery"]:
            return [("r", self.build_query("r", state["requery"]))]
        wanted = []
        for index, name in enumerate(state["wanted"]):
            lower = name.lower()
            if lower in state["known"] or lower in state["failed"] or name in state["asked"]:
                continue
            parent = parent_of(name)
            if parent is not None and parent.lower() not in state["known"]:
                continue  # the parent is created first, in an earlier message
            wanted.append((f"c{index}", self.build_add(ctx, f"c{index}", name)))
        return wanted

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        for tag in tags:
            if tag.startswith("c"):
                state["asked"].append(state["wanted"][int(tag[1:])])

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        if tag in ("q", "r"):
            self._apply_query(state, tag, response)
            if tag == "q" and not self.creates:
                for name in state["wanted"]:
                    if name.lower() not in state["known"]:
                        state["failed"].setdefault(
                            name.lower(),
                            {
                                "code": f"{self.list_label}_missing",
                                "message": f'QuickBooks has no {self.list_label} "{name}".',
                                "explanation": f'The document names the {self.list_label} "{name}", which is '
                                "matched in QuickBooks and never created for it.",
                                "fix": f'Create the {self.list_label} "{name}" in QuickBooks (or correct the name in '
                                "the source application), then requeue.",
                            },
                        )
        else:
            name = state["wanted"][int(tag[1:])]
            if response.status_code == NAME_IN_USE:
                state["requery"].append(name)
            elif response.is_error:
                state["failed"][name.lower()] = _failure(response)
            else:
                created = response.rets[0] if response.rets else None
                state["known"][name.lower()] = (
                    child_text(created, "ListID") if created is not None else None
                ) or ""
        self._fail_orphans(state)

    def _apply_query(self, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        names = state["wanted"] if tag == "q" else state["requery"]
        if response.is_error:
            for name in names:
                state["failed"].setdefault(name.lower(), _failure(response))
        for ret in response.rets:
            full_name = child_text(ret, "FullName") or child_text(ret, "Name") or ""
            state["known"][full_name.lower()] = child_text(ret, "ListID") or ""
            self.remember(state, full_name, ret)
        state["queried"] = True
        if tag == "r":
            for name in names:
                if name.lower() in state["known"]:
                    continue
                if name in state.get("lost", []):
                    # The add whose answer was lost never happened: add it again.
                    state["asked"].remove(name)
                    state["lost"].remove(name)
                else:  # taken (3100), yet not found by name: another kind of list object has it
                    state["failed"].setdefault(
                        name.lower(),
                        {
                            "code": "qb_name_in_use",
                            "message": f'The name "{name}" is in use in QuickBooks by another kind of list object '
                            f"({self.other_lists}).",
                            "explanation": "QuickBooks keeps one list of names for customers, vendors, employees "
                            "and other names; the name is taken there.",
                            "fix": "Rename the other object in QuickBooks, or change the naming convention (or "
                            "the name in the source application) so the names differ.",
                            "status_code": NAME_IN_USE,
                        },
                    )
            state["requery"] = []

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        if tag in ("q", "r"):
            return  # asked again in the next message
        # The add may or may not have happened: look the name up before adding it again.
        name = state["wanted"][int(tag[1:])]
        state["requery"].append(name)
        state.setdefault("lost", []).append(name)

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        if state.get("done"):
            return 0
        if "wanted" not in state:
            return 2
        depth = max((n.count(":") for n in state["wanted"]), default=0)
        return (0 if state["queried"] else 1) + 1 + depth

    # -- helpers --------------------------------------------------------------------------------------------

    @staticmethod
    def _settled(state: dict[str, Any]) -> bool:
        if not state["queried"] or state["requery"]:
            return False
        return all(n.lower() in state["known"] or n.lower() in state["failed"] for n in state["wanted"])

    @staticmethod
    def _fail_orphans(state: dict[str, Any]) -> None:
        for name in state["wanted"]:
            parent = parent_of(name)
            lower = name.lower()
            if parent and parent.lower() in state["failed"] and lower not in state["known"]:
                state["failed"].setdefault(lower, state["failed"][parent.lower()])

    @staticmethod
    def failure_for(state: dict[str, Any], full_name: str) -> dict[str, Any] | None:
        return state["failed"].get(full_name.lower()) if state.get("failed") else None
