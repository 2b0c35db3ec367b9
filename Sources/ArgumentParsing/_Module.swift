// Command-line parsing, help and usage errors for the goodwill CLI, in the manner of swift-argument-parser.
// This file only names the module; its types live beside it.
