"""The model: strict YAML loading with positions, schemas, the repository (working tree or a git
revision), findings and the shared vocabulary. Imports nothing from the other folders."""
