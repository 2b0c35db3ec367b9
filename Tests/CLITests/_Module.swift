import Testing

// CLITests: tests are added beside this file.
