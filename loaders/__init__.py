"""Readers for what users and reference packages bring, returning validated tables."""
