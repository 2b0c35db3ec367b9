import Testing

// ArgumentParsingTests: tests are added beside this file.
