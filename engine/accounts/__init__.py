"""People and organisations: sign-in (``identity``), administration, the directory, public registration,
invitations and API tokens; ``service`` is the entry point."""
