import Testing

// PolicyEngineTests: tests are added beside this file.
