import Testing

// StoreTests: tests are added beside this file.
