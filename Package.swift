// swift-tools-version:6.0
// Goodwill: a gift-card and voucher lifecycle service.
// No package dependencies by design: the toolchain and the system SQLite only.
import PackageDescription

let package = Package(
    name: "Goodwill",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "goodwill", targets: ["goodwill"]),
        .executable(name: "goodwill-webhook", targets: ["goodwill-webhook"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // A few lines of C below SQLite: a VFS shim that gathers the writer's WAL writes
        // (see its file for why). Our own code, not a dependency.
        .target(name: "SQLiteWALBuffer", dependencies: ["CSQLite"]),
        // SHA-256's compression function in C, to use the CPU's SHA instructions (see its file).
        .target(name: "CSHA256"),
        .target(name: "GoodwillCore", dependencies: ["CSHA256"]),
        .target(name: "PolicyEngine", dependencies: ["GoodwillCore"]),
        .target(name: "Store", dependencies: ["CSQLite", "SQLiteWALBuffer", "GoodwillCore"]),
        .target(name: "Ledger", dependencies: ["Store", "PolicyEngine", "GoodwillCore"]),
        .target(name: "Reminders", dependencies: ["Ledger", "Store", "GoodwillCore", "WebhookWire"]),
        .target(name: "Support", dependencies: ["Ledger", "Reminders", "PolicyEngine", "Store", "GoodwillCore"]),
        .target(name: "HTTPServer"),
        .target(name: "GoodwillAPI", dependencies: ["HTTPServer", "Ledger", "Reminders", "Support", "PolicyEngine", "Store", "GoodwillCore"]),
        .target(name: "ArgumentParsing"),
        .executableTarget(
            name: "goodwill-bench",
            dependencies: ["Ledger", "Store", "GoodwillCore"],
            path: "Benchmarks/goodwill-bench"
        ),
        // Makes the webhook POSTs for `goodwill` (a program of its own so that `goodwill` does not
        // load FoundationNetworking, libcurl and its libraries; see WebhookChannel). A dependency of
        // `goodwill` for the build order only: an executable target is built, not linked in.
        .executableTarget(name: "goodwill-webhook", dependencies: ["WebhookWire"]),
        // The lines goodwill and goodwill-webhook exchange, defined once for both.
        .target(name: "WebhookWire"),
        .executableTarget(
            name: "goodwill",
            dependencies: ["goodwill-webhook", "ArgumentParsing", "GoodwillAPI", "HTTPServer", "Ledger", "Reminders", "Support", "PolicyEngine", "Store", "GoodwillCore"]
        ),

        // Test support shared by the test targets (the repository's folders).
        .target(name: "RepositoryFiles", path: "Tests/RepositoryFiles"),
        .testTarget(name: "GoodwillCoreTests", dependencies: ["GoodwillCore", "CSHA256"]),
        .testTarget(name: "PolicyEngineTests", dependencies: ["RepositoryFiles", "PolicyEngine", "GoodwillCore"]),
        .testTarget(name: "StoreTests", dependencies: ["RepositoryFiles", "Store", "SQLiteWALBuffer", "GoodwillCore"]),
        .testTarget(name: "LedgerTests", dependencies: ["RepositoryFiles", "Ledger", "Store", "PolicyEngine", "GoodwillCore"]),
        .testTarget(name: "RemindersTests", dependencies: ["RepositoryFiles", "Reminders", "Ledger", "Store", "GoodwillCore"]),
        .testTarget(name: "SupportTests", dependencies: ["RepositoryFiles", "Support", "Reminders", "Ledger", "PolicyEngine", "Store", "GoodwillCore"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "GoodwillAPITests", dependencies: ["RepositoryFiles", "GoodwillAPI", "HTTPServer", "Ledger", "PolicyEngine", "Support", "Store", "GoodwillCore"]),
        .testTarget(name: "ArgumentParsingTests", dependencies: ["ArgumentParsing"]),
        .testTarget(name: "CLITests", dependencies: ["RepositoryFiles", "GoodwillCore", "Store", "goodwill"]),
    ]
)
