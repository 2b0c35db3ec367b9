import Foundation
import GoodwillCore
import Ledger
import Reminders
import Store
import Testing
@testable import Support

/// A holder closed with erasure while a reminder to them is on its way: the erasure has already
/// wiped the delivery errors it found, so an answer that comes back after it ("550 <anna@…>") must
/// not be stored with the address in it.
@Suite struct ErasedWhileSendingTests {
    /// Anna is closed and erased while her reminder is on its way, and the receiver answers with
    /// `outcome`; the farewell the close writes goes out after it.
    final class ClosesMidSend: DeliveryChannel, @unchecked Sendable {  // one thread: the run's
        let support: SupportService
        let outcome: DeliveryOutcome
        var closed = false
        var name: String { "test" }
        var endpoint: String? { nil }
        init(support: SupportService, outcome: DeliveryOutcome) { self.support = support; self.outcome = outcome }
        func deliver(_ m: OutgoingMessage, now: Date) -> DeliveryOutcome {
            guard !closed else { return .delivered }
            closed = true
            _ = try? support.close(CloseRequest(holder: "anna@example.com", erase: true, payoutReference: "BANK-9"), actor: "support:maria")
            return outcome
        }
    }

    @Test(arguments: [DeliveryOutcome.temporary("550 5.2.2 <anna@example.com>: mailbox full"),
                      .permanent("550 5.1.1 <anna@example.com>: no such user"),
                      .endpointGone("410 anna@example.com is gone")])
    func anAnswerAfterTheErasure_doesNotStoreTheAddress(outcome: DeliveryOutcome) throws {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        _ = try f.issue(500, holder: "anna@example.com")
        f.clock.set(instant("2026-03-03T09:30:00Z"))
        let service = ReminderService(ledger: f.ledger, catalog: try MessageCatalog.embedded())
        let report = try service.run(channel: ClosesMidSend(support: f.support, outcome: outcome))
        #expect(report.deliveries.map(\.kind) == [.expiryReminder, .farewell])
        #expect(report.deliveries.map(\.result) == ["cancelled", "sent"])
        #expect(try f.ledger.db.scalarInt("SELECT count(*) FROM holders WHERE erased_at IS NOT NULL") == 1)
        let stored = try f.ledger.db.query("""
            SELECT error FROM reminder_attempts WHERE error IS NOT NULL
            UNION ALL SELECT last_error FROM reminder_outbox WHERE last_error IS NOT NULL
            """) { $0.text(0) }
        #expect(!stored.isEmpty && stored.allSatisfy { !$0.contains("anna@") }, "\(stored)")
        #expect(try f.ledger.db.query("SELECT outcome, coalesce(error, '-') FROM reminder_attempts ORDER BY id") { "\($0.text(0)) \($0.text(1))" }
                == ["\(Self.name(outcome)) [erased]", "sent -"])
    }

    static func name(_ outcome: DeliveryOutcome) -> String {
        switch outcome {
        case .delivered: "sent"
        case .temporary: "temporary"
        case .permanent: "permanent"
        case .endpointGone: "endpoint_gone"
        }
    }
}
