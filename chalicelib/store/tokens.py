"""API tokens, stored by id with the hash of their secret."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.api_token import ApiToken
from chalicelib.errors import NotFound
from chalicelib.store.dynamodb import is_conditional_failure, plain, query_all, strip_keys

# Far above any issued id, far below DynamoDB's key size limit (a longer key is a ValidationException, a 500).
MAX_TOKEN_ID_LENGTH = 100


def _usable(token_id: str) -> bool:
    return 0 < len(token_id) <= MAX_TOKEN_ID_LENGTH


def _key(token_id: str) -> dict[str, str]:
    return {"PK": f"TOKEN#{token_id}", "SK": "TOKEN"}


class TokenRepository:
    def __init__(self, table: Any) -> None:
        self._table = table

    def create(self, token: ApiToken) -> None:
        self._table.put_item(
            Item={
                **_key(token.id),
                "GSI1PK": "TOKENS",
                "GSI1SK": f"{token.created_at}#{token.id}",
                **token.model_dump(),
            },
            ConditionExpression="attribute_not_exists(PK)",
        )

    def find(self, token_id: str) -> ApiToken | None:
        if not _usable(token_id):
            return None
        item = self._table.get_item(Key=_key(token_id)).get("Item")
        return None if item is None else ApiToken.model_validate(strip_keys(plain(item)))

    def list(self) -> list[ApiToken]:
        items = query_all(
            self._table,
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": "TOKENS"},
        )
        return [ApiToken.model_validate(strip_keys(i)) for i in items]

    def revoke(self, token_id: str) -> None:
        """Mark the token revoked; ``NotFound`` (``token_not_found``) when there is no such token."""
        if not _usable(token_id):
            raise NotFound("no token with that id", code="token_not_found")
        try:
            self._table.update_item(
                Key=_key(token_id),
                UpdateExpression="SET revoked = :t",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues={":t": True},
            )
        except Exception as exc:
            if is_conditional_failure(exc):
                raise NotFound(f"no token with id {token_id!r}", code="token_not_found") from exc
            raise
