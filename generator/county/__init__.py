"""The county office's work over many inputs: a folder checked and built in one run, and the roll-up."""
