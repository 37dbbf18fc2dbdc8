"""Routes every deployment has: health, keys, the API's own description, the audit reader."""
