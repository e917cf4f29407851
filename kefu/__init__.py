"""Kefu 客服: customer service and complaint handling for telecom operators."""

__version__ = "0.1.0"
