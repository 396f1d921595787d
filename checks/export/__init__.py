"""The model as open data: `samhandling export` writes the whole resolved model as one JSON
document with its own JSON Schema (`checks/export/samhandling.schema.json`), and the site
publishes both under `data/`. Reads the model and the rules; nothing imports it but the CLI
and the site hook."""
