"""Files to articles to chunks: read, clean, split into sentences, chunk, describe."""
