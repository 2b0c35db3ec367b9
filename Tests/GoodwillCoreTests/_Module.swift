import Testing

// GoodwillCoreTests: tests are added beside this file.
