"""Reusable parity machinery: hypothesis strategies, backend runners, tolerance table."""
