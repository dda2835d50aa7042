"""The bundled rule sets: data only, one YAML file per province (see README)."""
