import Testing

// GoodwillAPITests: tests are added beside this file.
