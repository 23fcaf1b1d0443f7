"""The graph's model: its vocabulary (`vocab`), the pure mapping from an extraction to quads
(`mapping`), the SHACL gate (`validate`), the ontology's checks (`ontology`) and where the
ontology and shapes files live (`resources`)."""
