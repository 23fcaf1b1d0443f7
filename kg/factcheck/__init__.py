"""Claim matching: has this claim been fact-checked before?

The library lives in :mod:`kg.factcheck.matching`. Nothing heavy is imported here so that
``import kg.factcheck`` stays cheap for callers that never embed anything.
"""
