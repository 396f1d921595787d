"""The rules over one loaded repository: content, graph, privacy and governance, and the runner
(`analysis`). Rule modules import the model, never each other."""
