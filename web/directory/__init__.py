"""The public directory of the standing services member organisations provide."""
