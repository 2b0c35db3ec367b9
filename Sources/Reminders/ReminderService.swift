import Foundation
import GoodwillCore
import Ledger
import Store

/// Reminders for one database: the sweep that fills the outbox, the dispatcher that empties it,
/// and the queries support and the API need. Uses the ledger's connection, so use it from the
/// thread that owns that ledger (a server gives the reminder loop its own `Ledger`).
public final class ReminderService {
    public let ledger: Ledger
    public private(set) var catalog: MessageCatalog
    public var retryPolicy: RetryPolicy
    /// Ledger events older than this when first seen get no message (a first run on an old database).
    public var maxEventAge: TimeInterval = 14 * 86_400
    /// How many rows one claim takes at most; fewer when the channel is slow (see `claimDue`).
    public var batchSize = 200

    public init(ledger: Ledger, catalog: MessageCatalog, retryPolicy: RetryPolicy = RetryPolicy()) {
        self.ledger = ledger; self.catalog = catalog; self.retryPolicy = retryPolicy
    }

    var db: Database { ledger.db }
    var outbox: OutboxStore { OutboxStore(db: ledger.db) }
    var composer: MessageComposer { MessageComposer(catalog: catalog, ledgerStore: ledger.store) }
    var dispatcher: Dispatcher {
        Dispatcher(db: db, outbox: outbox, ledgerStore: ledger.store, composer: composer, settings: catalog.settings, policy: retryPolicy)
    }
    func sweeper() -> ReminderSweep { ReminderSweep(db: db, settings: catalog.settings, maxEventAge: maxEventAge) }

    // MARK: Running

    /// One full cycle: sweep, then deliver everything due through `channel`. This is what
    /// `goodwill reminders run` does and what a server calls every minute.
    public func run(channel: any DeliveryChannel, dryRun: Bool = false) throws -> ReminderRunReport {
        let now = ledger.clock.now()
        var report = ReminderRunReport(at: RFC3339.format(now), dryRun: dryRun, enqueued: [], cancelled: 0, deliveries: [])
        if dryRun {
            var sweep = sweeper()
            let found = try db.readTransaction { try sweep.findDue(now: now) }
            report.enqueued = found.messages.map(EnqueuedView.init)
            report.deliveries = try db.readTransaction {
                try outbox.claimable(now: now, limit: 10_000).map { row in
                    DeliveryView(id: row.id, messageID: row.messageID, code: try ledger.store.voucher(id: row.voucherID)?.code,
                                 kind: row.kind, channel: channel.name, result: "would_send", error: nil, nextAttemptAt: nil)
                }
            }
            return report
        }
        let swept = try sweep(now: now)
        report.enqueued = swept.enqueued
        report.cancelled = swept.cancelled
        if let endpoint = channel.endpoint, let reason = try outbox.disabledReason(endpoint: endpoint) {
            report.endpointDisabled = "\(endpoint): \(reason)"
            return report
        }
        report.deliveries = try dispatch(channel: channel)
        // It may have answered 410 during this run (or to another process meanwhile).
        if let endpoint = channel.endpoint, let reason = try outbox.disabledReason(endpoint: endpoint) {
            report.endpointDisabled = "\(endpoint): \(reason)"
        }
        return report
    }

    /// Writes every due message to the outbox, once: the UNIQUE constraint refuses a second copy
    /// even from another process sweeping at the same moment.
    public func sweep(now: Date? = nil) throws -> (enqueued: [EnqueuedView], cancelled: Int) {
        let now = now ?? ledger.clock.now()
        var sweep = sweeper()
        let store = outbox
        return try db.writeTransaction {
            let cancelled = try store.cancelStale(now: now)
            let found = try sweep.findDue(now: now)
            var enqueued: [EnqueuedView] = []
            for message in found.messages where try store.insertIfAbsent(message, now: now) {
                enqueued.append(EnqueuedView(message))
                if message.kind == .expiryReminder { try store.supersede(olderThan: message, now: now) }
            }
            try store.setCursor(ReminderSweep.eventCursor, to: found.eventHead)
            return (enqueued, cancelled)
        }
    }

    /// Delivers what is due, batch by batch, until nothing due is left. The clock is read for
    /// every claim, every message and every record, never once per run: a run of slow sends can
    /// last longer than a lease, reach the recipients' night, or make a webhook timestamp older
    /// than the five minutes a receiver accepts.
    public func dispatch(channel: any DeliveryChannel) throws -> [DeliveryView] {
        var views: [DeliveryView] = []
        for _ in 0..<1000 {
            let batch = try claimDue(channel: channel)
            views += batch.deferred
            // A claim that only moved rows to the morning has more behind it (small batches).
            if batch.claimed.isEmpty && batch.deferred.isEmpty { break }
            for (i, row) in batch.claimed.enumerated() {
                // An endpoint that answered 410 (here, or to another process) gets nothing more:
                // the rest of the batch goes back unsent and waits for it to be enabled again.
                if let endpoint = channel.endpoint, try outbox.disabledReason(endpoint: endpoint) != nil {
                    try dispatcher.giveBack(batch.claimed[i...])
                    return views
                }
                let now = ledger.clock.now()
                // Should sends take longer than they said, the lease is stretched before it can
                // run out under this one; a row another process took meanwhile is its to send,
                // and reported as it became (`taken_over`, or `cancelled` when it was dropped).
                if let lost = try dispatcher.keepClaim(row, now: now, for: channel.maxDeliveryTime, channel: channel.name) {
                    views.append(lost)
                    continue
                }
                if let held = try dispatcher.holdBack(row, now: now, channel: channel.name) {
                    views.append(held)
                    continue
                }
                let outcome = send(row, via: channel, now: now)
                views.append(try record(row, outcome: outcome, channel: channel, now: ledger.clock.now()))
            }
        }
        return views
    }

    // The three steps of a delivery, public so a server (or a test of crash recovery) can run them apart.

    /// Claims due messages for delivery under a lease (`retryPolicy.lease`): as many as the channel
    /// can send in half the lease at its slowest (a webhook's 18 s: 8 rows), so a batch is done
    /// before its lease runs out and another process would send its rows again.
    public func claimDue(channel: any DeliveryChannel, now: Date? = nil) throws -> (claimed: [OutboxRow], deferred: [DeliveryView]) {
        let fits = Int((retryPolicy.lease / 2 / max(channel.maxDeliveryTime, 0.001)).rounded(.down))
        return try dispatcher.claim(now: now ?? ledger.clock.now(), channel: channel.name, limit: max(1, min(batchSize, fits)))
    }

    /// Renders and hands one claimed message to the channel. Records nothing.
    public func send(_ row: OutboxRow, via channel: any DeliveryChannel, now: Date? = nil) -> DeliveryOutcome {
        dispatcher.send(row, via: channel, now: now ?? ledger.clock.now())
    }

    /// Records the attempt and schedules a retry or gives up.
    public func record(_ row: OutboxRow, outcome: DeliveryOutcome, channel: any DeliveryChannel, now: Date? = nil) throws -> DeliveryView {
        try dispatcher.record(row, outcome: outcome, channel: channel, now: now ?? ledger.clock.now())
    }

    // MARK: Queries for support and the API

    /// Every message for one voucher, oldest first, with its attempts.
    public func reminders(for ref: VoucherReference) throws -> [ReminderView] {
        let voucher = try ledger.resolve(ref)
        return try outbox.rows(voucher: voucher.id).map { ReminderView($0, code: voucher.code, history: try outbox.attempts(of: $0.id)) }
    }

    /// Messages in one status (all, newest first, when nil).
    public func reminders(status: OutboxStatus?, limit: Int = 100) throws -> [ReminderView] {
        try outbox.rows(status: status, limit: max(1, min(limit, 1000))).map {
            ReminderView($0, code: try ledger.store.voucher(id: $0.voucherID)?.code, history: try outbox.attempts(of: $0.id))
        }
    }

    public func reminder(id: Int64) throws -> ReminderView {
        guard let row = try outbox.row(id: id) else { throw ReminderError.reminderNotFound(id) }
        return ReminderView(row, code: try ledger.store.voucher(id: row.voucherID)?.code, history: try outbox.attempts(of: id))
    }

    /// Puts a failed message back in line to go out at the next run, under the same message id.
    public func retry(id: Int64) throws -> ReminderView {
        let store = outbox
        try db.writeTransaction {
            guard let row = try store.row(id: id) else { throw ReminderError.reminderNotFound(id) }
            guard try store.requeue(id, now: ledger.clock.now()) else { throw ReminderError.notFailed(id: id, status: row.status) }
        }
        return try reminder(id: id)
    }

    /// Lets deliveries to a webhook endpoint that answered 410 start again. The messages that
    /// waited for it go out at the next run: they stayed pending (the one that got the 410
    /// included), and any that an earlier version marked failed for the 410 are put back in line.
    @discardableResult
    public func enableEndpoint(_ endpoint: String) throws -> Bool {
        try db.writeTransaction {
            let enabled = try outbox.enable(endpoint: endpoint)
            try outbox.requeueEndpointGone(now: ledger.clock.now())
            return enabled
        }
    }

    /// Turns the note to the purchaser of an unused gift on or off for one voucher. A voucher its
    /// buyer kept (the purchaser is the holder) is no gift: turning the note on is refused, as the
    /// holder already gets the expiry reminders; turning it off is always allowed.
    public func setGiftNotice(_ ref: VoucherReference, enabled: Bool) throws -> GiftNoticeSetting {
        let store = outbox
        return try db.writeTransaction {
            let voucher = try ledger.resolve(ref)
            guard let purchaserID = voucher.purchaserID else { throw ReminderError.noPurchaser(code: voucher.code) }
            let kept = voucher.isKeptByBuyer
            if enabled && kept { throw ReminderError.purchaserIsHolder(code: voucher.code) }
            try store.setNotifyPurchaser(voucher.id, enabled, now: ledger.clock.now())
            return GiftNoticeSetting(voucherID: voucher.id.rawValue, code: voucher.code, notifyPurchaser: enabled,
                                     purchaserEmail: try ledger.store.holder(id: purchaserID)?.email, purchaserIsHolder: kept)
        }
    }

    /// Whether the purchaser will get a gift notice: never for a voucher its buyer kept, whatever
    /// an earlier version stored for it.
    public func giftNotice(_ ref: VoucherReference) throws -> GiftNoticeSetting {
        let voucher = try ledger.resolve(ref)
        let kept = voucher.isKeptByBuyer
        return GiftNoticeSetting(voucherID: voucher.id.rawValue, code: voucher.code,
                                 notifyPurchaser: try !kept && outbox.notifyPurchaser(voucher.id),
                                 purchaserEmail: try voucher.purchaserID.flatMap { try ledger.store.holder(id: $0)?.email },
                                 purchaserIsHolder: kept)
    }
}

extension Voucher {
    /// Bought by its holder: no gift, so no gift notice (the holder gets the expiry reminders).
    /// The sweep's and `cancelStale`'s SQL say it as `holder_id IS NOT purchaser_id` / `purchaser_id = holder_id`.
    var isKeptByBuyer: Bool { purchaserID != nil && purchaserID == holderID }
}
