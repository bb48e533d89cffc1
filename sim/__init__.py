"""creatorsim's simulation layer: the agent-based model on Mesa, experiments, validation, CLI.

``sim`` may import ``scoring``; ``scoring`` never imports ``sim`` or Mesa.
"""
