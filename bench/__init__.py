"""Benchmarks. Speed and memory are measured here, never by timed assertions in tests."""
