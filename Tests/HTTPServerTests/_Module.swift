import Testing

// HTTPServerTests: tests are added beside this file.
