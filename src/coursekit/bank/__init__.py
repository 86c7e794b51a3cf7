"""The question bank: its schema, loading and checks, the reading it quotes, and the pure scoring rules."""
