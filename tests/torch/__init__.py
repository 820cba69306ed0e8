"""Tests of faceloss.torch."""
