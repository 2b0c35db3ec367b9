import Testing

// LedgerTests: tests are added beside this file.
