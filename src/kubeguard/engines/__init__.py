"""Engines judge model objects and yield findings; they do no I/O and know no output format."""
