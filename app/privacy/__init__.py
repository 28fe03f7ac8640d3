"""Privacy and data rights: services here, web routes and CLI in views/."""
