// A thin SQLite wrapper (one owner of the connection, cached statements, typed errors, BEGIN IMMEDIATE transactions) and the schema migrations.
// This file only names the module; its types live beside it.
