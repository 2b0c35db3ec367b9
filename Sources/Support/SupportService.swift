import Foundation
import GoodwillCore
import Ledger
import Reminders
import Store

/// Support and finance on one database: the holder at a glance, notes and cases, reports, a
/// graceful exit, import and export. Uses the ledger's connection, so one thread at a time, like
/// the ledger. Every result is a Codable value an API handler can encode as it is.
public final class SupportService {
    public let ledger: Ledger
    /// Templates for the farewell message (the embedded ones when nil is given).
    public let catalog: MessageCatalog?

    /// Tests only: runs inside the closing transaction after the named step, to prove that a failure
    /// there leaves everything as it was.
    var closeFaultInjection: ((CloseStep) throws -> Void)?

    public init(ledger: Ledger, catalog: MessageCatalog? = nil) {
        self.ledger = ledger
        self.catalog = catalog
    }

    var db: Database { ledger.db }
    var now: Date { ledger.clock.now() }

    /// A holder by ID (`hld_…`) or email address.
    public func resolveHolder(_ text: String) throws -> Holder {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let id = HolderID.parse(t) {
            guard let h = try ledger.store.holder(id: id) else { throw SupportError.holderNotFound(t) }
            return h
        }
        guard t.contains("@") else { throw SupportError.badHolderReference(t) }
        guard let h = try ledger.store.holder(email: t) else { throw SupportError.holderNotFound(t) }
        return h
    }

    /// `ifEmpty`: what to write instead, said when nothing was given.
    static func clean(_ text: String?, field: String, max: Int = 2000,
                      ifEmpty: String = "write what happened, in a sentence or two") throws -> String {
        guard let t = text?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else {
            throw SupportError.invalid("The \(field) is empty; \(ifEmpty).")
        }
        guard t.count <= max else { throw SupportError.invalid("The \(field) is \(t.count) characters long; keep it to \(max).") }
        guard !t.unicodeScalars.contains(where: PlainText.isRefused) else {
            throw SupportError.invalid("The \(field) contains control characters; use plain text.")
        }
        return t
    }
}
