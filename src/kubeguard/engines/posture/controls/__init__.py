"""Posture controls, one module each; the folder a control lives in is its layer."""
