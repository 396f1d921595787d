"""The published site: pages and diagrams rendered from the checked model, and the thin MkDocs hook."""
