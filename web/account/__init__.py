"""A person's own account: recovering it, changing its address, their data, erasing it."""
