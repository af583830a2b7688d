"""One module per demo source system; each `render(pop, seed)` returns its `SourceOutput`s."""
