"""People and organisations: sign-in (``identity``), administration, the directory, public registration,
invitations and API tokens; ``service`` is the entry point."""

from __future__ import annotations

from engine.front import front

PUBLIC = {
    "ADMIN_ACTIONS": "engine.accounts.directory",
    "AccountError": "engine.accounts.identity",
    "AccountService": "engine.accounts.service",
    "ApiTokens": "engine.accounts.api_tokens",
    "InvitationInvalidError": "engine.accounts.invitations",
    "InvitationView": "engine.accounts.invitations",
    "PROPOSAL_PROCESS": "engine.accounts.registration",
    "Person": "engine.accounts.views",
    "RegistrationInput": "engine.accounts.service",
    "RegistrationThrottledError": "engine.accounts.registration",
    "SignInThrottledError": "engine.accounts.identity",
    "UserInput": "engine.accounts.service",
    "manages_partners": "engine.accounts.service",
    "manages_people": "engine.accounts.service",
}
__all__ = sorted(PUBLIC)
__getattr__ = front(__name__, PUBLIC)
