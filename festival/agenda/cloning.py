"""Cloning a program from another festival day (the same locality's earlier edition, or another locality)."""

from __future__ import annotations


def clone_sources(festival, user):
    """Festivals whose program may be cloned into `festival`: the same locality's earlier editions first, then
    other festivals in the user's scope that have a program."""
    raise NotImplementedError


def clone_program(target, source, user=None):
    """Copy `source`'s items into the empty program of `target`, times shifted; all draft."""
    raise NotImplementedError
