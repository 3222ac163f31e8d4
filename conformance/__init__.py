"""Conformance proof: run Twisted's own tests under trial and trialish and compare."""
