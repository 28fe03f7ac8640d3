"""Connecting channels: pages per kind, Meta OAuth and the shared connect service."""
