"""Vulnerability matching: installed packages against advisories, by ecosystem and version order.

The version comparators live in :mod:`kubeguard.engines.vulns.versions`; the matcher builds on them.
"""
