"""creatorsim's simulation layer: the command line now; the agent-based model on Mesa next.

``sim`` may import ``scoring``; ``scoring`` never imports ``sim`` or Mesa.
"""
