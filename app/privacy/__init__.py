"""Privacy and data rights."""
