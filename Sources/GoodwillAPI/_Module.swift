// The HTTP API: routes, keys and roles, JSON bodies, problem+json errors, the OpenAPI document.
// This file only names the module; its types live beside it.
