"""Where the graph lives: the store protocol (`graphstore`), the embedded Oxigraph database
(`embedded`), any SPARQL 1.1 server (`remote`), opening either from the settings
(`opening`), SPARQL run safely and its result formats (`query`, `formats`), and backups
(`backup`)."""
