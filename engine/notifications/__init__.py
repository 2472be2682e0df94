"""In-app notices and their mails: ``service`` is the entry point, ``mail`` the outbox and its delivery."""
