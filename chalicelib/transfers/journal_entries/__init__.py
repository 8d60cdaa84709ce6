"""Journal entries (general ledger): one JournalEntryAdd per entry; accounts and entities are never created."""
