// Goodwill policies: parse and validate policy files, evaluate facts into a decision with a trace, jurisdiction rules. Pure.
// This file only names the module; its types live beside it.
