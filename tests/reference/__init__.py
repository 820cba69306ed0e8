"""Tests of faceloss.reference."""
