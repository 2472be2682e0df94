"""Signed agreements: the register (``service``, ``queries``, ``detail``, ``views``), who belongs to one
(``scope``), their life after signing (``lifecycle``, ``lifecycle_tasks``) and the public register."""
