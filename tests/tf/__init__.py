"""Tests of faceloss.tf."""
