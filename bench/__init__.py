"""Benchmark scripts: each measures one budget from the issues and prints the numbers."""
