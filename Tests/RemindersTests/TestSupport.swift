import Foundation
import RepositoryFiles
import GoodwillCore
import Ledger
@testable import Reminders
import Store
import Synchronization

/// A fresh folder, removed when the value goes away.
final class TemporaryFolder {
    let url: URL
    var path: String { url.path }

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("goodwill-rem-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A shell script here, executable, standing in for a program (a fake sendmail); its path.
    func program(_ name: String, _ script: String) throws -> String {
        let file = path + "/" + name
        try writeExecutable("#!/bin/sh\n" + script, to: file)
        return file
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Writes an executable script at `path`, by a child shell rather than by this process. Tests run
/// in parallel and several start programs: a file this process had open for writing is inherited
/// by a child another test forks at that moment, and running the script then fails with ETXTBSY
/// ("Text file busy") until that child has exec'd (CI saw "cannot run …/hung-sendmail"). A file
/// only the child shell ever opened for writing has no writer left once it has exited.
func writeExecutable(_ script: String, to path: String) throws {
    let shell = Process()
    shell.executableURL = URL(fileURLWithPath: "/bin/sh")
    shell.arguments = ["-c", "printf '%s' \"$2\" > \"$1\" && chmod 755 \"$1\"", "sh", path, script]
    try shell.run()
    shell.waitUntilExit()
    guard shell.terminationStatus == 0 else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
}

func instant(_ s: String) -> Date { RFC3339.parse(s)! }
func sek(_ units: Int64) -> Money { Money(minorUnits: units * 100, currency: .sek) }

/// The repository's own message folder, found from this file (Fixtures convention).
let messagesDirectory = Repository.file("Policies/messages").path

/// A ledger and its reminder service on a fresh file, with a clock the test moves.
struct ReminderFixture {
    let folder = TemporaryFolder()
    let clock: ManualClock
    let ledger: Ledger
    let service: ReminderService
    var databasePath: String { folder.url.appendingPathComponent("goodwill.db").path }

    init(now: String = "2025-04-02T10:00:00Z", retry: RetryPolicy = RetryPolicy()) throws {
        clock = ManualClock(instant(now))
        ledger = try Ledger(path: folder.url.appendingPathComponent("goodwill.db").path, clock: clock, options: .init(durable: false))
        service = ReminderService(ledger: ledger, catalog: try MessageCatalog.load(directory: messagesDirectory), retryPolicy: retry)
    }

    /// Another connection to the same file (another process, in effect).
    func secondService(clock: any Clock) throws -> ReminderService {
        let l = try Ledger(path: databasePath, clock: clock, options: .init(durable: false))
        return ReminderService(ledger: l, catalog: service.catalog, retryPolicy: service.retryPolicy)
    }

    @discardableResult
    func issue(_ value: Money = sek(500), months: Int = 12, email: String = "anna@example.com", name: String? = "Anna Lind",
               locale: String? = "sv-SE", holderZone: String? = nil, purchaser: String? = nil,
               experience: String? = "Takvandring för två") throws -> VoucherView {
        try ledger.perform(.issue(IssueRequest(
            value: value, validity: .months(months), timeZone: "Europe/Stockholm",
            holder: PersonInput(email: email, name: name, locale: locale, timeZone: holderZone),
            purchaser: purchaser.map { PersonInput(email: $0, name: "Per Ek") }, kind: .experience,
            experience: experience)), actor: "test").voucher
    }

    func redeem(_ v: VoucherView, _ amount: Money) throws {
        try ledger.perform(.redeem(VoucherReference(v.id), amount: amount, reference: nil), actor: "test")
    }

    /// Appends an `extended` entry exactly as Ledger.append does (the ledger has no extend command yet):
    /// next id on the chain, hash over the previous one, voucher row updated in the same transaction.
    func recordExtension(_ v: VoucherView, to lastDay: LocalDate) throws {
        let store = ledger.store
        let now = clock.now()
        try ledger.db.writeTransaction {
            guard let voucher = try store.voucher(id: VoucherID(rawValue: v.id)), let zone = ZonedCalendar(identifier: voucher.timeZone) else { return }
            let expiry = Expiry(lastValidDay: lastDay, calendar: zone)
            var e = LedgerEntry(id: 0, voucherID: voucher.id, kind: .extended, amount: 0, balanceAfter: voucher.balance.minorUnits,
                                currency: voucher.value.currency, at: now, actor: "test", reason: "goodwill extension",
                                expiryAfter: expiry, statusAfter: .active)
            let head = try store.lastEntry()
            e.id = (head?.id ?? 0) + 1
            e.previousHash = head?.hash ?? LedgerEntry.genesisHash
            e.hash = LedgerEntry.chainHash(previous: e.previousHash, content: e.canonicalContent)
            try store.append(e, voucherChange: .state(.active, expiry))
        }
    }

    func rows() throws -> [ReminderView] { try service.reminders(status: nil, limit: 1000).sorted { $0.id < $1.id } }
}

/// A channel that keeps what it was given, and answers as told.
final class RecordingChannel: DeliveryChannel {
    struct Delivery: Sendable { let message: OutgoingMessage; let at: Date }
    private let log = Mutex<[Delivery]>([])
    private let answer: Mutex<DeliveryOutcome>
    let name = "recording"
    var endpoint: String? { nil }

    init(answer: DeliveryOutcome = .delivered) { self.answer = Mutex(answer) }

    func deliver(_ message: OutgoingMessage, now: Date) -> DeliveryOutcome {
        log.withLock { $0.append(Delivery(message: message, at: now)) }
        return answer.withLock { $0 }
    }

    func answer(_ outcome: DeliveryOutcome) { answer.withLock { $0 = outcome } }
    var deliveries: [Delivery] { log.withLock { $0 } }
}

/// Runs the sweep and delivery at every hour from `start` to `end` (inclusive).
func runHourly(_ f: ReminderFixture, from start: String, to end: String, channel: any DeliveryChannel,
               at hook: (Date) throws -> Void = { _ in }) throws {
    var t = instant(start)
    let stop = instant(end)
    while t <= stop {
        f.clock.set(t)
        try hook(t)
        _ = try f.service.run(channel: channel)
        t = t.addingTimeInterval(3600)
    }
}

/// A slow receiver: every message takes `seconds` of the test's clock (the clock moves on after
/// each hand-over), so a run of sends lasts as long as it would in life. `inner` does the
/// delivering; `then` runs after the n-th message (1-based), for things that happen meanwhile.
final class SlowChannel: DeliveryChannel, @unchecked Sendable {
    let clock: ManualClock
    let seconds: TimeInterval
    let inner: any DeliveryChannel
    let maxDeliveryTime: TimeInterval
    private let log = Mutex<[(messageID: String, now: Date, clock: Date)]>([])
    private let then: Mutex<[Int: @Sendable () -> Void]>

    init(clock: ManualClock, seconds: TimeInterval, inner: any DeliveryChannel = RecordingChannel(),
         then: [Int: @Sendable () -> Void] = [:]) {
        self.clock = clock; self.seconds = seconds; self.inner = inner; self.maxDeliveryTime = seconds
        self.then = Mutex(then)
    }

    var name: String { inner.name }
    var endpoint: String? { inner.endpoint }

    func deliver(_ message: OutgoingMessage, now: Date) -> DeliveryOutcome {
        let n = log.withLock { $0.append((message.messageID, now, clock.now())); return $0.count }
        let outcome = inner.deliver(message, now: now)
        clock.advance(seconds: seconds)
        if let hook = then.withLock({ $0.removeValue(forKey: n) }) { hook() }
        return outcome
    }

    /// Each hand-over: the message, the `now` the dispatcher gave, and the clock when it arrived.
    var deliveries: [(messageID: String, now: Date, clock: Date)] { log.withLock { $0 } }
}

extension Ledger {
    /// Support blocks the voucher (its reminders are then dropped by the next sweep).
    @discardableResult
    func block(_ v: VoucherView, reason: String = "card reported stolen", actor: String = "support") throws -> LedgerReceipt {
        try perform(.block(VoucherReference(v.id), reason: reason), actor: actor)
    }

    /// Support unblocks it (the next sweep puts its reminders back in line).
    @discardableResult
    func unblock(_ v: VoucherView, reason: String = "found again", actor: String = "support") throws -> LedgerReceipt {
        try perform(.unblock(VoucherReference(v.id), reason: reason), actor: actor)
    }
}
