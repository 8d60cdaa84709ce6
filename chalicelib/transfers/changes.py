"""Changes after transfer, for every kind that declares them: updates (the kind's ``...Mod``) and voids
(``TxnVoid``, or ``TxnDel`` for what QuickBooks only deletes) of documents QuickBooks has.

Never silently overwrite a person's edit, never apply a change twice:

- An update first reads the transaction as QuickBooks has it now (its EditSequence, its lines' TxnLineIDs, the
  fingerprint of its lines and totals). If the fingerprint is not the one the bridge last wrote, a person
  changed it: the update waits for an admin (``changed_in_quickbooks``; a requeue with ``force`` overwrites).
  A Mod is written ``in_flight`` with the EditSequence it carries before the message leaves; if its answer is
  lost, the next conversation reads the transaction again: a moved EditSequence means the Mod was applied (the
  only writer in those seconds), an unmoved one that it never arrived, and it is sent again. QuickBooks'
  3200 (the EditSequence moved between the read and the Mod) sends it back to the queue, read again next time.
- A void or delete of a transaction whose answer was lost is checked by reading it back: deleted (not found),
  or voided (zero total), means done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

from lxml import etree

from chalicelib.domain.transfer import MAX_ATTEMPTS, Transfer, TransferError
from chalicelib.qbxml.catalogue import RETRYABLE_STATUS_CODES
from chalicelib.qbxml.changes import (
    build_txn_del,
    build_txn_read,
    build_txn_void,
    edit_sequence,
    is_zero_total,
    line_ids,
    txn_fingerprint,
)
from chalicelib.qbxml.responses import QbResponse, child_text
from chalicelib.steps.base import StepContext
from chalicelib.transfers.outcomes import error_from_status, mark_failed, mark_transferred, requeue_quietly

if TYPE_CHECKING:  # the shared pipeline and the kinds' declarations import this module: types only here
    from chalicelib.transfers.kind import QbNames
    from chalicelib.transfers.pipeline import Pipeline

EDIT_SEQUENCE_OUT_OF_DATE = 3200
OBJECT_NOT_FOUND = 500  # a TxnID filter that finds nothing
# What QuickBooks answers about a TxnID it does not have (a query finding nothing; a void or delete of it).
NOT_THERE = frozenset({OBJECT_NOT_FOUND, 3120})
READS_PER_REQUEST = 100


class Updatable(Protocol):
    """The hooks of a kind whose documents can be updated in QuickBooks (besides the ``Pipeline`` ones)."""

    slug: str
    label: str

    def blocked(self, ctx: StepContext, transfer: Transfer) -> TransferError | None:
        """As ``Pipeline.blocked``: why an update cannot be sent now (a new line's item could not be had)."""

    def line_keys(self, transfer: Transfer) -> list[str | None]:
        """The source's id of each line, in the order the Mod (and QuickBooks' answer) lists them."""

    def build_mod(
        self,
        ctx: StepContext,
        transfer: Transfer,
        request_id: str,
        *,
        txn_id: str,
        edit_sequence: str,
        line_ids: list[str],
    ) -> etree._Element:
        """The kind's Mod of ``transfer`` (``line_ids``: each line's TxnLineID, ``-1`` for a new one)."""


def remember_written(pipeline: Updatable, transfer: Transfer, ret: etree._Element) -> None:
    """Keep what QuickBooks holds after the bridge wrote it (from the Add's or Mod's answer): the EditSequence,
    the fingerprint of its lines and totals, and each source line's TxnLineID. The shared send step calls it
    for the adds of every kind that can be updated."""
    transfer.qb_edit_sequence = edit_sequence(ret)
    transfer.qb_fingerprint = txn_fingerprint(ret)
    ids = line_ids(ret)
    keys = pipeline.line_keys(transfer)
    transfer.qb_line_ids = {key: ids[i] for i, key in enumerate(keys) if key and i < len(ids)}
    transfer.changed_in_quickbooks_at = None
    transfer.force = False


def _reads(qb: QbNames, txn_ids: list[str]) -> list[etree._Element]:
    return [
        build_txn_read(f"r{i}", f"{qb.query}Rq", txn_ids[i : i + READS_PER_REQUEST], lines=qb.lines)
        for i in range(0, len(txn_ids), READS_PER_REQUEST)
    ]


class UpdateStep:
    """``<slug>.update``: read, then send each planned update's Mod once (see the module docstring).

    State: ``read`` (request tags asked / answered), ``ready`` (transfer id -> [EditSequence, line ids]),
    ``sent`` (ids whose Mod is out), ``done``.
    """

    def __init__(self, pipeline: Updatable, qb: QbNames, depends_on: tuple[str, ...]) -> None:
        self.pipeline = pipeline
        self.qb = qb
        self.key = f"{pipeline.slug}.update"
        self._plan = f"{pipeline.slug}.plan"
        self.depends_on = (self._plan, *depends_on)

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return all(states.get(key, {}).get("done") for key in self.depends_on)

    def _planned(self, ctx: StepContext, ids: list[str]) -> dict[str, Transfer]:
        ports = ctx.ports
        assert ports is not None
        return ports.planned(ids) if ids else {}

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if "ids" in state:
            return
        ids = list(ctx.states[self._plan]["updates"])
        planned = self._planned(ctx, ids)
        failed = []
        for transfer_id in ids:
            # A customer or item a new line needs could not be had: the update fails before anything is read.
            transfer = planned[transfer_id]
            error = self.pipeline.blocked(ctx, transfer)
            if error is not None:
                mark_failed(transfer, error, at=ctx.now, conversation=ctx.generation)
                ctx.record_error(self.pipeline.slug, transfer)
                failed.append(transfer)
        ports = ctx.ports
        assert ports is not None
        ports.save(failed)
        keep = [t for t in ids if t not in {f.id for f in failed} and planned[t].qb_txn_id]
        state.update(
            ids=keep,
            asked=[],
            answered=[],
            ready={},
            sent=[],
            total=len(_reads(self.qb, [str(planned[t].qb_txn_id) for t in keep])),
        )
        state["done"] = not keep

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        if state.get("done"):
            return []
        planned = self._planned(ctx, state["ids"])
        if len(state["answered"]) < state["total"]:
            reads = _reads(self.qb, [str(planned[t].qb_txn_id) for t in state["ids"]])
            return [(f"r{i}", read) for i, read in enumerate(reads) if f"r{i}" not in state["asked"]]
        return [
            (
                transfer_id,
                self.pipeline.build_mod(
                    ctx,
                    planned[transfer_id],
                    transfer_id,
                    txn_id=str(planned[transfer_id].qb_txn_id),
                    edit_sequence=sequence,
                    line_ids=ids,
                ),
            )
            for transfer_id, (sequence, ids) in state["ready"].items()
            if transfer_id not in state["sent"]
        ]

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        reads = [t for t in tags if t.startswith("r") and t[1:].isdigit()]
        state["asked"] += reads
        mods = [t for t in tags if t not in reads]
        if not mods:
            return
        planned = self._planned(ctx, mods)
        for transfer_id in mods:
            transfer = planned[transfer_id]
            transfer.sent_edit_sequence = state["ready"][transfer_id][0]
            transfer.in_flight_conversation = ctx.generation
            transfer.record(
                "in_flight", ctx.now, conversation=ctx.generation, note=f"{self.pipeline.label} update sent"
            )
        state["sent"] += mods
        ctx.count(self.pipeline.slug, "sent", len(mods))
        ports = ctx.ports
        assert ports is not None
        ports.save_now([planned[t] for t in mods])  # in flight before the message leaves

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        if tag in state["asked"] and tag not in state["answered"]:
            self._apply_read(ctx, state, tag, response)
        else:
            self._apply_mod(ctx, state, tag, response)
        state["done"] = len(state["answered"]) >= state["total"] and all(
            t in state.get("settled", []) for t in state["ready"]
        )

    def _apply_read(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        state["answered"].append(tag)
        planned = self._planned(ctx, state["ids"])
        start = int(tag[1:]) * READS_PER_REQUEST
        chunk = state["ids"][start : start + READS_PER_REQUEST]
        if response.is_error and response.status_code not in NOT_THERE:
            # QuickBooks could not read them now: they wait for the next conversation, no attempt counted.
            for transfer_id in chunk:
                requeue_quietly(
                    planned[transfer_id],
                    at=ctx.now,
                    conversation=ctx.generation,
                    note=f"QuickBooks did not read it back ({response.status_code}); the update waits",
                )
            self._save(ctx, [planned[t] for t in chunk])
            return
        found = {child_text(ret, "TxnID"): ret for ret in response.rets}
        changed = []
        for transfer_id in chunk:
            transfer = planned[transfer_id]
            ret = found.get(transfer.qb_txn_id)
            if ret is None:
                transfer.deleted_in_quickbooks_at = transfer.deleted_in_quickbooks_at or ctx.now
                self._fail(ctx, transfer, _deleted_error())
                changed.append(transfer)
            elif transfer.sent_edit_sequence and edit_sequence(ret) != transfer.sent_edit_sequence:
                # The Mod whose answer was lost was applied: QuickBooks moved the EditSequence it carried.
                self._applied(ctx, transfer, ret, note="applied (found in QuickBooks after a lost answer)")
                changed.append(transfer)
            elif (
                transfer.qb_fingerprint
                and txn_fingerprint(ret) != transfer.qb_fingerprint
                and not transfer.force
            ):
                transfer.changed_in_quickbooks_at = ctx.now
                self._fail(ctx, transfer, _changed_error(self.pipeline.label))
                changed.append(transfer)
            else:
                transfer.sent_edit_sequence = None  # a Mod sent earlier never arrived
                sequence, ids = edit_sequence(ret) or "", self._line_ids(transfer, ret)
                try:  # built once here, so a Mod QuickBooks would refuse fails alone, before any message
                    self.pipeline.build_mod(
                        ctx,
                        transfer,
                        transfer_id,
                        txn_id=str(transfer.qb_txn_id),
                        edit_sequence=sequence,
                        line_ids=ids,
                    )
                except ValueError as exc:
                    mark_failed(transfer, _refused_error(str(exc)), at=ctx.now, conversation=ctx.generation)
                    ctx.record_error(self.pipeline.slug, transfer)
                    changed.append(transfer)
                    continue
                state["ready"][transfer_id] = [sequence, ids]
        self._save(ctx, changed)

    def _line_ids(self, transfer: Transfer, ret: etree._Element) -> list[str]:
        """Each line's TxnLineID for the Mod: kept for a source line id sent before (and still there), else new."""
        there = set(line_ids(ret))
        return [
            transfer.qb_line_ids[key] if key and transfer.qb_line_ids.get(key) in there else "-1"
            for key in self.pipeline.line_keys(transfer)
        ]

    def _apply_mod(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        state.setdefault("settled", []).append(tag)
        transfer = self._planned(ctx, [tag])[tag]
        if response.is_error:
            transfer.sent_edit_sequence = None  # refused: not applied
        if not response.is_error and response.rets:
            self._applied(ctx, transfer, response.rets[0], note="")
        elif (
            response.status_code == EDIT_SEQUENCE_OUT_OF_DATE
            or response.status_code in RETRYABLE_STATUS_CODES
        ):
            # Someone touched it between the read and the Mod (or QuickBooks was busy): read again next time.
            requeue_quietly(
                transfer,
                at=ctx.now,
                conversation=ctx.generation,
                note=f"QuickBooks answered {response.status_code} ({response.status_message}); the update is "
                "read again and sent in the next conversation",
            )
        else:
            error = error_from_status(response.status_code, response.status_message)
            mark_failed(transfer, error, at=ctx.now, conversation=ctx.generation)
            ctx.record_error(self.pipeline.slug, transfer)
        self._save(ctx, [transfer])

    def _applied(self, ctx: StepContext, transfer: Transfer, ret: etree._Element, *, note: str) -> None:
        remember_written(self.pipeline, transfer, ret)
        transfer.sent_edit_sequence = None
        mark_transferred(
            transfer,
            txn_id=str(transfer.qb_txn_id),
            ref_number=transfer.qb_ref_number,
            time_created=transfer.qb_time_created,
            at=ctx.now,
            conversation=ctx.generation,
            note=f"version {transfer.version} in QuickBooks" + (f": {note}" if note else ""),
        )
        ctx.count(self.pipeline.slug, "ok")

    def _fail(self, ctx: StepContext, transfer: Transfer, error: TransferError) -> None:
        # Only a person can settle these: the update waits for an admin rather than being retried.
        transfer.attempts = MAX_ATTEMPTS - 1
        mark_failed(transfer, error, at=ctx.now, conversation=ctx.generation)
        ctx.record_error(self.pipeline.slug, transfer)

    @staticmethod
    def _save(ctx: StepContext, transfers: list[Transfer]) -> None:
        ports = ctx.ports
        assert ports is not None
        ports.save(transfers)

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        if tag in state["asked"] and tag not in state["answered"]:
            state["asked"].remove(tag)  # read again in the next message
        else:
            # The Mod may or may not have been applied: it stays in flight; the next conversation reads it.
            state.setdefault("settled", []).append(tag)
        state["done"] = len(state["answered"]) >= state["total"] and all(
            t in state.get("settled", []) for t in state["ready"]
        )

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        return 0 if state.get("done") else 2


class VoidStep:
    """``<slug>.void``: voids (or deletes) each part of each planned transfer once.

    A transfer whose void answer was lost is read back first (deleted: not found; voided: zero total).
    State: ``tags`` (``<transfer id>/<part>`` -> TxnID still to void), ``reading``, ``asked``, ``done``.
    """

    def __init__(self, pipeline: Pipeline, qb: QbNames, depends_on: tuple[str, ...] = ()) -> None:
        self.pipeline = pipeline
        self.qb = qb
        self.key = f"{pipeline.slug}.void"
        self._plan = f"{pipeline.slug}.plan"
        self.depends_on = (self._plan, *depends_on)

    def is_ready(self, states: dict[str, dict[str, Any]]) -> bool:
        return all(states.get(key, {}).get("done") for key in self.depends_on)

    @staticmethod
    def _targets(transfer: Transfer) -> dict[str, str]:
        """Part key -> TxnID of what QuickBooks still has of ``transfer`` ("" for a one-transaction kind)."""
        if transfer.qb_parts:
            return {key: txn for key, txn in transfer.qb_parts.items() if txn}
        return {"": transfer.qb_txn_id} if transfer.qb_txn_id else {}

    def advance(self, ctx: StepContext, state: dict[str, Any]) -> None:
        if "tags" in state:
            return
        ports = ctx.ports
        assert ports is not None
        ids = list(ctx.states[self._plan]["voids"])
        planned = ports.planned(ids) if ids else {}
        tags: dict[str, str] = {}
        reading: list[str] = []
        for transfer_id in ids:
            transfer = planned[transfer_id]
            for key, txn_id in self._targets(transfer).items():
                tag = f"{transfer_id}/{key}"
                tags[tag] = txn_id
                if transfer.status == "in_flight":
                    reading.append(tag)  # its answer was lost: is it void already?
        state.update(tags=tags, reading=reading, asked=[], answered=[])
        done = [t for t in ids if not self._targets(planned[t])]
        for transfer_id in done:
            self._voided(ctx, planned[transfer_id])  # nothing left in QuickBooks to void
        ports.save([planned[t] for t in done])
        state["done"] = not tags

    def requests(self, ctx: StepContext, state: dict[str, Any]) -> list[tuple[str, etree._Element]]:
        if state.get("done"):
            return []
        if state["reading"]:
            if "read" in state["asked"]:
                return []
            txn_ids = [state["tags"][t] for t in state["reading"]]
            return [("read", build_txn_read("read", f"{self.qb.query}Rq", txn_ids, lines=False))]
        build = build_txn_del if self.qb.deletes else build_txn_void
        return [
            (f"v{i}", build(f"v{i}", self.qb.txn_type, txn_id))
            for i, (tag, txn_id) in enumerate(state["tags"].items())
            if tag not in state["answered"] and f"v{i}" not in state["asked"]
        ]

    def sent(self, ctx: StepContext, state: dict[str, Any], tags: list[str]) -> None:
        state["asked"] += tags
        voids = [t for t in tags if t != "read"]
        if not voids:
            return
        ports = ctx.ports
        assert ports is not None
        order = list(state["tags"])
        ids = {order[int(t[1:])].split("/")[0] for t in voids}
        planned = ports.planned(ids)
        for transfer_id in ids:
            transfer = planned[transfer_id]
            transfer.in_flight_conversation = ctx.generation
            transfer.record("in_flight", ctx.now, conversation=ctx.generation, note="void sent to QuickBooks")
        ctx.count(self.pipeline.slug, "sent", len(ids))
        ports.save_now(planned[t] for t in ids)

    def apply(self, ctx: StepContext, state: dict[str, Any], tag: str, response: QbResponse) -> None:
        ports = ctx.ports
        assert ports is not None
        if tag == "read" and response.is_error and response.status_code not in NOT_THERE:
            # Not read: those stay in flight, and the next conversation reads them again before anything else.
            state["answered"] += state["reading"]
            state["reading"] = []
            state["asked"].remove("read")
            state["done"] = len(state["answered"]) >= len(state["tags"])
            return
        if tag == "read":
            gone = {state["tags"][t] for t in state["reading"]} - {
                str(child_text(ret, "TxnID"))
                for ret in response.rets
                if self.qb.deletes or not is_zero_total(ret)
            }
            for part in state["reading"]:
                if state["tags"][part] in gone:
                    self._part_done(ctx, state, part)
            state["reading"] = []
            state["asked"].remove("read")
            state["done"] = len(state["answered"]) >= len(state["tags"])
            return
        part = list(state["tags"])[int(tag[1:])]
        transfer_id = part.split("/")[0]
        if not response.is_error or (response.status_code in NOT_THERE and self.qb.deletes):
            self._part_done(ctx, state, part)
        else:
            transfer = ports.planned([transfer_id])[transfer_id]
            state["answered"].append(part)
            if response.status_code in RETRYABLE_STATUS_CODES:
                requeue_quietly(transfer, at=ctx.now, conversation=ctx.generation, note="void retried later")
            else:
                error = error_from_status(response.status_code, response.status_message)
                mark_failed(transfer, error, at=ctx.now, conversation=ctx.generation)
                ctx.record_error(self.pipeline.slug, transfer)
            ports.save_later(transfer)
        state["done"] = len(state["answered"]) >= len(state["tags"])

    def _part_done(self, ctx: StepContext, state: dict[str, Any], part: str) -> None:
        """One transaction of a transfer voided (or deleted); the transfer is voided when none is left."""
        ports = ctx.ports
        assert ports is not None
        state["answered"].append(part)
        transfer_id, key = part.split("/")
        transfer = ports.planned([transfer_id])[transfer_id]
        if key:
            # Forgotten part by part, so a later retry voids only what QuickBooks still has.
            transfer.qb_parts = {k: ("" if k == key else v) for k, v in transfer.qb_parts.items()}
        mine = [t for t in state["tags"] if t.split("/")[0] == transfer_id]
        if all(t in state["answered"] for t in mine) and transfer.status != "failed":
            self._voided(ctx, transfer)
        ports.save_later(transfer)

    def _voided(self, ctx: StepContext, transfer: Transfer) -> None:
        transfer.in_quickbooks = False
        transfer.in_flight_conversation = None
        transfer.error = None
        what = "deleted" if self.qb.deletes else "voided"
        transfer.record("voided", ctx.now, conversation=ctx.generation, note=f"{what} in QuickBooks")
        ctx.count(self.pipeline.slug, "ok")

    def lost(self, ctx: StepContext, state: dict[str, Any], tag: str) -> None:
        if tag == "read":
            state["asked"].remove("read")  # asked again
            return
        # It may have been voided: the transfer stays in flight and the next conversation reads it back first.
        state["answered"].append(list(state["tags"])[int(tag[1:])])
        state["done"] = len(state["answered"]) >= len(state["tags"])

    def is_done(self, state: dict[str, Any]) -> bool:
        return bool(state.get("done"))

    def remaining_messages(self, state: dict[str, Any]) -> int:
        return 0 if state.get("done") else 1 + bool(state.get("reading"))


def _refused_error(reason: str) -> TransferError:
    return TransferError(
        code="document_refused",
        message=reason,
        explanation="QuickBooks would refuse this version as it is, so the update was not sent; QuickBooks keeps "
        "the version it has.",
        fix="Correct the document in the source application and send it again (the new version replaces this "
        "one), or cancel the update.",
    )


def _deleted_error() -> TransferError:
    return TransferError(
        code="deleted_in_quickbooks",
        message="The transaction was deleted in QuickBooks, so the update cannot be applied.",
        explanation="Someone deleted it in QuickBooks after the bridge sent it; the bridge never adds it again "
        "on its own.",
        fix="If it should be in QuickBooks, requeue it (the admin page, or POST /api/transfers/{id}/requeue): it "
        "is then added anew; otherwise cancel the update.",
    )


def _changed_error(label: str) -> TransferError:
    return TransferError(
        code="changed_in_quickbooks",
        message=f"The {label.lower()} was changed in QuickBooks since the bridge last wrote it.",
        explanation="Its lines or total in QuickBooks are not what the bridge sent; sending the update would "
        "overwrite a person's edit.",
        fix="Compare the two in QuickBooks and the source application. To overwrite QuickBooks with this version, "
        'requeue it with force (POST /api/transfers/{id}/requeue {"force": true}); otherwise cancel the update.',
    )


def change_steps(
    pipeline: Pipeline, qb: QbNames, operations: tuple[str, ...], depends_on: tuple[str, ...]
) -> list[Any]:
    """The steps of the changes a kind supports, after the same dependency steps as its adds (an update may
    need a new customer or item)."""
    steps: list[Any] = []
    if "update" in operations:
        assert hasattr(pipeline, "build_mod"), f"{pipeline.slug} declares updates but has no Mod hooks"
        steps.append(UpdateStep(cast(Updatable, pipeline), qb, depends_on))
    if "void" in operations:
        steps.append(VoidStep(pipeline, qb))
    return steps
