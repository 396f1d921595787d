"""Scenarios and conformance: the model applied to time and to real message traffic (to come)."""
