"""From raw values to a checked Report: coercion, the rules of format.md, and loading an input file."""
