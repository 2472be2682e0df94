"""The board, the live diagram, the history and the figures (issue #4); the service is engine.board.service."""
