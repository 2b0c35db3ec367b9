import Testing

// RemindersTests: tests are added beside this file.
