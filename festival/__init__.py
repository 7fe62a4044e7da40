"""Ngày Hội: the planner for Vietnam's All-People National Security Protection Festival Day."""

from festival.app import create_app

__all__ = ["create_app"]
