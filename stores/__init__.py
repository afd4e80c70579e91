"""Where conversations live: the tracker store and the lock store that endpoints.yml names."""
