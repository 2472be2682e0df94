"""Camunda Forms (form-js JSON): reading a definition, validating submissions against it."""
