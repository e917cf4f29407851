"""Chinese full-text search on the database's own machinery (decision 0020).

Text is segmented at write time (`segmenter`), stored as two token strings per document in
`SearchEntry`, and indexed by PostgreSQL (`simple` tsvector, GIN) or SQLite (FTS5); queries
are segmented the same way (`query`). This package knows no app: each app says what its
documents are and calls `index.put` inside its own changes."""
