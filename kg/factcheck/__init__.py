"""Claim matching: has this claim been fact-checked before?

The matcher lives in :mod:`kg.factcheck.matching`, its steps in :mod:`kg.factcheck.text`,
:mod:`kg.factcheck.retrieval` and :mod:`kg.factcheck.reranking`. Nothing heavy is imported
here so that ``import kg.factcheck`` stays cheap for callers that never embed anything.
"""
