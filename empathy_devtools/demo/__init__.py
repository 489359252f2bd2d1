"""Seeded demo exports of one small business, with planted effects and their ground truth.

Entry point: :func:`empathy_devtools.demo.generator.generate`.
"""
