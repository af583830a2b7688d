"""Activation: consented, deduplicated channel audiences and their exports."""
