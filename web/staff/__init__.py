"""Centre staff: verifying organisations."""
