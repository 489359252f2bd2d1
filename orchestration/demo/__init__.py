"""Seeded demo exports of one small business, with planted effects and their ground truth.

Entry point: :func:`orchestration.demo.generator.generate`.
"""
