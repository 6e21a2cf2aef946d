"""One module per area; one plain async function per use case."""
