import Foundation
import GoodwillCore
import Ledger
import PolicyEngine
import Store

// Prints ledger figures: durable commits, issues and redemptions per second, and the time
// `verify` takes over a large book. Run through Benchmarks/ledger.sh (release build).
//   goodwill-bench [--dir DIR] [--ops N] [--vouchers N] [--simulate N] [--policy FILE] [--writer]

func argument(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let n = Int(args[i + 1]) else { return value }
    return n
}
let dir = CommandLine.arguments.firstIndex(of: "--dir").map { CommandLine.arguments[$0 + 1] } ?? NSTemporaryDirectory()
let ops = argument("--ops", default: 3000)
let bookSize = argument("--vouchers", default: 100_000)
let folder = URL(fileURLWithPath: dir).appendingPathComponent("goodwill-bench-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
func rate(_ n: Int, _ s: Double) -> String { String(format: "%8.0f/s  (%d in %.2f s)", Double(n) / s, n, s) }

let clock = ManualClock(Date(timeIntervalSince1970: 1_743_588_000)) // 2025-04-02
let sek = Currency.sek

// 0. The server's writer's work, without the disk: batches of ten redemptions by ID of vouchers
//    picked at random among 10,000, each with its own UUID Idempotency-Key (the load of
//    Benchmarks/api.sh), in transactions committed with synchronous=NORMAL. Every write waits for
//    its whole batch, so this time, times the batch size, is part of each answer's latency; a
//    change to the redemption path shows here to about a microsecond, without the HTTP load's noise.
//    `--writer` prints this alone (best of five rounds of `--ops` redemptions).
func writerWork() throws {
    // As the server's writer opens it: WAL writes gathered per transaction, no checkpoint inside
    // a commit (the server checkpoints on another thread; here between rounds, untimed).
    let writer = try Ledger(path: folder.appendingPathComponent("writer.db").path, clock: clock, options: .init(durable: false, bufferedWAL: true))
    try writer.db.execute("PRAGMA wal_autocheckpoint = 0")
    var ids: [VoucherID] = []
    for _ in 0..<10 {
        let batch = (0..<1000).map { _ in
            (command: LedgerCommand.issue(IssueRequest(value: Money(minorUnits: 1_000_000_000, currency: sek), validity: .months(12))),
             actor: "bench", idempotencyKey: String?.none)
        }
        for r in try writer.performBatch(batch) { ids.append(VoucherID(rawValue: try r.get().voucher.id)) }
    }
    var generator = SystemRandomNumberGenerator()
    var best = Double.infinity
    for _ in 0..<5 {
        let batches = (0..<max(1, ops / 10)).map { _ in
            (0..<10).map { _ in
                (command: LedgerCommand.redeem(.id(ids.randomElement(using: &generator)!), amount: Money(minorUnits: 100, currency: sek), reference: nil),
                 actor: "bench", idempotencyKey: Optional(UUID().uuidString))
            }
        }
        try writer.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let s = try seconds { for batch in batches { for r in try writer.performBatch(batch) { _ = try r.get() } } }
        best = min(best, s / Double(batches.count * 10))
    }
    print(String(format: "writer, batches of 10 redemptions (NORMAL): %.1f µs per redemption (best of 5 rounds of %d)", best * 1e6, max(1, ops / 10) * 10))
}
if CommandLine.arguments.contains("--writer") {
    try writerWork()
    exit(0)
}
try writerWork()

// 1. The floor: single-row commits with synchronous=FULL, nothing else.
do {
    let db = try Database(path: folder.appendingPathComponent("floor.db").path, options: .init(durable: true))
    try db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
    let s = try seconds { for i in 0..<ops { try db.writeTransaction { try db.run("INSERT INTO t (v) VALUES (?)", [.integer(Int64(i))]) } } }
    print("durable single-row commits (floor):  \(rate(ops, s))")
}

// 2. Issues and redemptions, each its own durable transaction.
let ledger = try Ledger(path: folder.appendingPathComponent("ops.db").path, clock: clock, options: .init(durable: true))
var codes: [String] = []
let issueSeconds = try seconds {
    for _ in 0..<ops {
        let r = try ledger.perform(.issue(IssueRequest(value: Money(minorUnits: 1_000_000, currency: sek), validity: .months(12))), actor: "bench")
        codes.append(r.voucher.code)
    }
}
print("vouchers issued (durable):           \(rate(ops, issueSeconds))")
let redeemSeconds = try seconds {
    for i in 0..<ops {
        try ledger.perform(.redeem(.code(codes[i % codes.count]), amount: Money(minorUnits: 100, currency: sek), reference: nil),
                           actor: "bench", idempotencyKey: "r-\(i)")
    }
}
print("single redemptions (durable):        \(rate(ops, redeemSeconds))")

// The same redemptions without waiting for the disk: what each one costs in CPU.
let fast = try Ledger(path: folder.appendingPathComponent("cpu.db").path, clock: clock, options: .init(durable: false))
let fastCode = try fast.perform(.issue(IssueRequest(value: Money(minorUnits: 1_000_000_000, currency: sek), validity: .months(12))), actor: "bench").voucher.code
let cpuSeconds = try seconds {
    for i in 0..<ops {
        try fast.perform(.redeem(.code(fastCode), amount: Money(minorUnits: 100, currency: sek), reference: nil),
                         actor: "bench", idempotencyKey: "r-\(i)")
    }
}
print("single redemptions (synchronous=NORMAL): \(rate(ops, cpuSeconds))")
let noKeySeconds = try seconds {
    for _ in 0..<ops {
        try fast.perform(.redeem(.code(fastCode), amount: Money(minorUnits: 100, currency: sek), reference: nil), actor: "bench")
    }
}
print("  the same without idempotency keys:     \(rate(ops, noKeySeconds))")
let memory = try Ledger(path: ":memory:", clock: clock, options: .init(durable: false))
let memCode = try memory.perform(.issue(IssueRequest(value: Money(minorUnits: 1_000_000_000, currency: sek), validity: .months(12))), actor: "bench").voucher.code
let memSeconds = try seconds {
    for i in 0..<ops {
        try memory.perform(.redeem(.code(memCode), amount: Money(minorUnits: 100, currency: sek), reference: nil), actor: "bench", idempotencyKey: "m-\(i)")
    }
}
print("  the same in memory (CPU only):         \(rate(ops, memSeconds))")

// 3. verify over a large book: bookSize vouchers with three entries each on average.
let big = try Ledger(path: folder.appendingPathComponent("book.db").path, clock: clock, options: .init(durable: false))
var ids: [VoucherID] = []
ids.reserveCapacity(bookSize)
let buildSeconds = try seconds {
    var made = 0
    while made < bookSize {
        let n = min(1000, bookSize - made)
        let batch = (0..<n).map { _ in
            (command: LedgerCommand.issue(IssueRequest(value: Money(minorUnits: 50_000, currency: sek), validity: .months(12))),
             actor: "bench", idempotencyKey: String?.none)
        }
        for r in try big.performBatch(batch) { ids.append(VoucherID(rawValue: try r.get().voucher.id)) }
        made += n
    }
    // Two redemptions per voucher: 300k entries in all.
    for round in 0..<2 {
        for chunk in stride(from: 0, to: ids.count, by: 1000) {
            let batch = ids[chunk..<min(chunk + 1000, ids.count)].map {
                (command: LedgerCommand.redeem(.id($0), amount: Money(minorUnits: 1000 + Int64(round), currency: sek), reference: nil),
                 actor: "bench", idempotencyKey: String?.none)
            }
            for r in try big.performBatch(batch) { _ = try r.get() }
        }
    }
}
print(String(format: "built a book of %d vouchers / %lld entries in %.1f s", bookSize, try big.store.countEntries(), buildSeconds))
var report: VerifyReport?
let verifySeconds = try seconds { report = try big.verify() }
print(String(format: "verify %d vouchers, %d entries:     %.2f s  (%@)", report?.vouchers ?? 0, report?.entries ?? 0, verifySeconds,
             report?.ok == true ? "ok" : "FAILED"))

// 4. policy simulate over a large history: N vouchers issued over a year, half partly used,
//    the sweep run weekly through the next year, one holder in twenty asking after expiry.
let simulateSize = argument("--simulate", default: 0)
if simulateSize > 0 {
    let simClock = ManualClock(Date(timeIntervalSince1970: 1_704_100_000)) // 2024-01-01
    let sim = try Ledger(path: folder.appendingPathComponent("sim.db").path, clock: simClock, options: .init(durable: false))
    let start = simClock.now()
    var simIDs: [VoucherID] = []
    let built = try seconds {
        for chunk in stride(from: 0, to: simulateSize, by: 1000) {
            simClock.set(start.addingTimeInterval(Double(chunk) / Double(simulateSize) * 365 * 86_400))
            let n = min(1000, simulateSize - chunk)
            let batch = (0..<n).map { i in
                (command: LedgerCommand.issue(IssueRequest(value: Money(minorUnits: 50_000 + Int64(i % 7) * 10_000, currency: sek), validity: .months(12),
                                                            holder: PersonInput(email: "h\((chunk + i) % (simulateSize / 3 + 1))@example.com"))),
                 actor: "bench", idempotencyKey: String?.none)
            }
            for r in try sim.performBatch(batch) { simIDs.append(VoucherID(rawValue: try r.get().voucher.id)) }
            let uses = simIDs.suffix(n).enumerated().filter { $0.offset % 2 == 0 }.map {
                (command: LedgerCommand.redeem(.id($0.element), amount: Money(minorUnits: 20_000, currency: sek), reference: nil),
                 actor: "bench", idempotencyKey: String?.none)
            }
            _ = try sim.performBatch(uses)
        }
        for week in 0..<60 {
            simClock.set(start.addingTimeInterval(365 * 86_400 + Double(week) * 7 * 86_400))
            _ = try sim.sweepExpired(batchSize: 5000)
            let askers = simIDs.enumerated().filter { $0.offset % 20 == week % 20 && $0.offset % 60 < 3 }.map {
                (command: LedgerCommand.extend(.id($0.element), ExtensionRequest(reason: "asked")), actor: "support", idempotencyKey: String?.none)
            }
            _ = try sim.performBatch(askers)
        }
    }
    print(String(format: "built a history of %d vouchers / %lld entries in %.1f s", simulateSize, try sim.store.countEntries(), built))
    let policyPath = CommandLine.arguments.firstIndex(of: "--policy").map { CommandLine.arguments[$0 + 1] } ?? "Policies/generous.json"
    let candidate = try sim.validatePolicy(data: try Data(contentsOf: URL(fileURLWithPath: policyPath)), fileName: policyPath)
    var simReport: SimulationReport?
    let simSeconds = try seconds { simReport = try sim.simulate(candidate, from: nil, to: nil, rowLimit: 0) }
    print(String(format: "policy simulate over %d vouchers that expired: %.2f s (candidate extends %d, history extended %d)",
                 simReport?.vouchers ?? 0, simSeconds, simReport?.candidate.extended ?? 0, simReport?.actual.extended ?? 0))
}
