"""Provider adapters behind one interface (base.py), looked up by channel kind (registry.py)."""
