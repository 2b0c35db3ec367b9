// The goodwill command-line tool. Commands are wired up in Commands/.
print("goodwill: under construction")
