"""Bearer-token auth: a Chalice built-in authorizer (the one kind that also runs under ``chalice local``).

The authorizer only answers "is this a valid token, and of which scope"; each route then checks the scope it
needs with ``require_scope``, so a wrong scope gets our JSON 403 rather than API Gateway's bare one.
"""

from __future__ import annotations

from chalice.app import AuthRequest, AuthResponse, Blueprint

from chalicelib.api.dependencies import get_token_verifier

auth_blueprint = Blueprint(__name__)


@auth_blueprint.authorizer(ttl_seconds=60)
def bearer_token(auth_request: AuthRequest) -> AuthResponse:
    verified = get_token_verifier().scope_of(auth_request.token or "")
    if verified is None:
        return AuthResponse(routes=[], principal_id="anonymous")
    scope, token_id = verified
    return AuthResponse(routes=["*"], principal_id=f"token:{token_id}", context={"scope": scope})
