import Foundation
import GoodwillCore
import Ledger
@testable import Reminders
import Testing

@Suite struct ScheduleTests {
    /// Issued 2025-04-02 in Stockholm for 12 months: last valid day 2026-04-02. 10:00 local is
    /// 09:00Z in winter time and 08:00Z after the change to summer time on 2026-03-29.
    @Test func aYearVoucher_getsExactlyThreeReminders_atTenLocal_acrossTheSpringChange() throws {
        let f = try ReminderFixture()
        let v = try f.issue()
        #expect(v.lastValidDay == "2026-04-02")
        let channel = RecordingChannel()
        // Every six hours for eleven months, then every hour for the last five weeks.
        var t = instant("2025-04-02T10:00:00Z")
        while t < instant("2026-02-25T00:00:00Z") {
            f.clock.set(t); _ = try f.service.run(channel: channel); t = t.addingTimeInterval(6 * 3600)
        }
        try runHourly(f, from: "2026-02-25T00:00:00Z", to: "2026-04-04T00:00:00Z", channel: channel)
        let sent = channel.deliveries
        #expect(sent.map(\.message.kind) == [.expiryReminder, .expiryReminder, .expiryReminder])
        #expect(sent.map(\.message.daysBefore) == [30, 7, 1])
        #expect(sent.map { RFC3339.format($0.at) } == ["2026-03-03T09:00:00Z", "2026-03-26T09:00:00Z", "2026-04-01T08:00:00Z"])
        #expect(Set(sent.map(\.message.messageID)).count == 3)
        #expect(sent.allSatisfy { $0.message.toAddress == "anna@example.com" && $0.message.language == .sv })
        #expect(try f.rows().map(\.status) == [.sent, .sent, .sent])
    }

    @Test func theHoldersOwnZone_decidesTheHour() throws {
        let f = try ReminderFixture()
        _ = try f.issue(holderZone: "America/New_York")
        let channel = RecordingChannel()
        try runHourly(f, from: "2026-03-02T00:00:00Z", to: "2026-03-04T00:00:00Z", channel: channel)
        // 10:00 in New York on 3 March (EST, UTC−5).
        #expect(channel.deliveries.map { RFC3339.format($0.at) } == ["2026-03-03T15:00:00Z"])
    }

    @Test func aRunAtThreeInTheMorning_holdsTheDueReminderUntilEight() throws {
        let f = try ReminderFixture()
        _ = try f.issue()
        let channel = RecordingChannel()
        // Nothing ran during the day; the first run is at 03:00 Stockholm time (02:00Z).
        f.clock.set(instant("2026-03-04T02:00:00Z"))
        let night = try f.service.run(channel: channel)
        #expect(night.enqueued.count == 1)
        #expect(night.enqueued.first?.notBefore == "2026-03-04T07:00:00Z")
        #expect(channel.deliveries.isEmpty)
        f.clock.set(instant("2026-03-04T06:59:00Z"))
        _ = try f.service.run(channel: channel)
        #expect(channel.deliveries.isEmpty)
        f.clock.set(instant("2026-03-04T07:00:00Z"))
        _ = try f.service.run(channel: channel)
        #expect(channel.deliveries.map { RFC3339.format($0.at) } == ["2026-03-04T07:00:00Z"])
        #expect(!ReminderSchedule().isQuiet(channel.deliveries[0].at, in: ZonedCalendar(identifier: "Europe/Stockholm")!))
    }

    @Test func anExtensionAfterTheSecond_movesTheRest_andSaysSo() throws {
        let f = try ReminderFixture()
        let v = try f.issue()
        let channel = RecordingChannel()
        try runHourly(f, from: "2026-03-01T00:00:00Z", to: "2026-04-18T00:00:00Z", channel: channel) { t in
            if t == instant("2026-03-27T12:00:00Z") { try f.recordExtension(v, to: LocalDate(iso: "2026-04-16")!) }
        }
        let sent = channel.deliveries
        #expect(sent.map(\.message.kind) == [.expiryReminder, .expiryReminder, .extensionGranted, .expiryReminder, .expiryReminder])
        #expect(sent.map { RFC3339.format($0.at) } == [
            "2026-03-03T09:00:00Z", "2026-03-26T09:00:00Z", "2026-03-27T12:00:00Z", "2026-04-09T08:00:00Z", "2026-04-15T08:00:00Z",
        ])
        // Nothing went out for the old last day (1 April), and the new ones speak of the new day.
        #expect(sent[3].message.lastValidDay == LocalDate(iso: "2026-04-16"))
        #expect(sent[2].message.body.contains("torsdag 16 april 2026"))
        #expect(sent[2].message.body.contains("14 dagar"))
        #expect(sent[2].message.calendarText?.contains("DTSTART;VALUE=DATE:20260416") == true)
        #expect(try f.ledger.verify().ok)
    }

    @Test func anUnsentReminder_isDropped_whenTheVoucherIsExtended() throws {
        let f = try ReminderFixture()
        let v = try f.issue()
        f.clock.set(instant("2026-04-01T08:00:00Z"))
        #expect(try f.service.sweep().enqueued.map(\.daysBefore) == [1])
        try f.recordExtension(v, to: LocalDate(iso: "2026-05-02")!)
        let channel = RecordingChannel()
        let report = try f.service.run(channel: channel)
        #expect(report.cancelled == 1)
        #expect(channel.deliveries.map(\.message.kind) == [.extensionGranted])
        #expect(try f.rows().first?.status == .cancelled)
    }

    @Test func aVoucherRedeemedInFull_afterTheFirst_getsNoMore() throws {
        let f = try ReminderFixture()
        let v = try f.issue()
        let channel = RecordingChannel()
        try runHourly(f, from: "2026-03-01T00:00:00Z", to: "2026-04-04T00:00:00Z", channel: channel) { t in
            if t == instant("2026-03-10T12:00:00Z") { try f.redeem(v, sek(500)) }
        }
        #expect(channel.deliveries.map(\.message.daysBefore) == [30])
    }

    @Test func aRefund_bringsAClosingNote_andEndsTheReminders() throws {
        let f = try ReminderFixture()
        let v = try f.issue()
        try f.redeem(v, sek(120))
        let channel = RecordingChannel()
        try runHourly(f, from: "2026-03-01T00:00:00Z", to: "2026-04-04T00:00:00Z", channel: channel) { t in
            if t == instant("2026-03-10T12:00:00Z") {
                try f.ledger.perform(.refund(VoucherReference(v.id), reference: "payout-1", reason: nil), actor: "test")
            }
        }
        #expect(channel.deliveries.map(\.message.kind) == [.expiryReminder, .refundClosing])
        #expect(channel.deliveries[1].message.body.contains("380\u{00A0}kr"))
    }

    @Test func aVoucherIssuedFiveDaysBeforeItsEnd_isNotToldItHasSevenDays() throws {
        let f = try ReminderFixture(now: "2026-03-28T12:00:00Z")
        _ = try f.ledger.perform(.issue(IssueRequest(value: sek(100), validity: .lastDay(LocalDate(iso: "2026-04-02")!),
                                                     timeZone: "Europe/Stockholm", holder: PersonInput(email: "b@example.com"))), actor: "t")
        let channel = RecordingChannel()
        try runHourly(f, from: "2026-03-28T12:00:00Z", to: "2026-04-03T00:00:00Z", channel: channel)
        #expect(channel.deliveries.map(\.message.daysBefore) == [1])
        #expect(channel.deliveries.first?.message.language == .en)
    }

    @Test func theGiftNotice_goesToThePurchaser_onlyWhenOptedIn_andUnused() throws {
        let f = try ReminderFixture()
        let a = try f.issue(purchaser: "per@example.com")
        _ = try f.issue(email: "cecilia@example.com", purchaser: "per@example.com")
        _ = try f.service.setGiftNotice(VoucherReference(a.code), enabled: true)
        let channel = RecordingChannel()
        try runHourly(f, from: "2026-02-15T00:00:00Z", to: "2026-02-17T00:00:00Z", channel: channel)
        let notices = channel.deliveries.filter { $0.message.kind == .giftNotice }
        #expect(notices.count == 1)
        #expect(notices.first?.message.toAddress == "per@example.com")
        #expect(notices.first?.message.subject == "The gift you gave Anna is still waiting to be used")
        #expect(RFC3339.format(notices[0].at) == "2026-02-16T09:00:00Z")
    }

    /// Like the reminders, the gift notice counts only from when the voucher got its expiry: a gift
    /// valid one month (its notice day, 45 days before the end, came before it was bought) does not
    /// tell the purchaser on the day of purchase that it is "still waiting to be used".
    @Test func aGiftValidForLessThanTheNoticeTime_getsNoNoticeTheDayItWasBought() throws {
        let f = try ReminderFixture()
        let a = try f.issue(months: 1, purchaser: "per@example.com")
        _ = try f.service.setGiftNotice(VoucherReference(a.code), enabled: true)
        let channel = RecordingChannel()
        try runHourly(f, from: "2025-04-02T10:00:00Z", to: "2025-04-03T10:00:00Z", channel: channel)
        #expect(!channel.deliveries.contains { $0.message.kind == .giftNotice })
    }

    /// A voucher its buyer kept (purchaser and holder the same person) is no gift: the holder gets
    /// the expiry reminders, and "the gift you gave Anna is still waiting" would go to Anna herself.
    @Test func aVoucherBoughtByItsHolder_getsNoGiftNotice_andAskingForOneSaysWhy() throws {
        let f = try ReminderFixture()
        let kept = try f.issue(purchaser: "Anna@Example.com")  // the same person, the same holder row
        let voucher = try #require(try f.ledger.store.voucher(id: VoucherID(rawValue: kept.id)))
        #expect(voucher.purchaserID != nil && voucher.purchaserID == voucher.holderID)
        let refusal = #expect(throws: ReminderError.self) {
            try f.service.setGiftNotice(VoucherReference(kept.code), enabled: true)
        }
        #expect(refusal?.code == "purchaser-is-holder")
        #expect(refusal?.description.contains("expiry reminders") == true)
        #expect(try f.service.giftNotice(VoucherReference(kept.code)).notifyPurchaser == false)
        // Turning it off is always fine.
        #expect(try f.service.setGiftNotice(VoucherReference(kept.code), enabled: false).notifyPurchaser == false)
        // An opt-in an earlier version stored is not acted on.
        try OutboxStore(db: f.ledger.db).setNotifyPurchaser(voucher.id, true, now: f.clock.now())
        #expect(try f.service.giftNotice(VoucherReference(kept.code)).notifyPurchaser == false)
        let channel = RecordingChannel()
        try runHourly(f, from: "2026-02-15T00:00:00Z", to: "2026-03-04T00:00:00Z", channel: channel)
        #expect(channel.deliveries.map(\.message.kind) == [.expiryReminder])
        #expect(try f.rows().map(\.kind) == [.expiryReminder])
    }

    /// A gift notice an earlier version queued for a voucher its buyer kept is dropped, not sent.
    @Test func aGiftNoticeQueuedForAVoucherItsBuyerKept_isNotSent() throws {
        let f = try ReminderFixture()
        let kept = try f.issue(purchaser: "anna@example.com")
        let voucher = try #require(try f.ledger.store.voucher(id: VoucherID(rawValue: kept.id)))
        f.clock.set(instant("2026-02-16T09:30:00Z"))
        let at = f.clock.now()
        _ = try OutboxStore(db: f.ledger.db).insertIfAbsent(PlannedMessage(
            voucherID: voucher.id, code: kept.code, kind: .giftNotice, daysBefore: 45,
            expiresAt: try #require(voucher.expiry).instant.unixMilliseconds, entryID: 0, recipient: .purchaser,
            sendZone: "Europe/Stockholm", dueAt: at, notBefore: at), now: at)
        let channel = RecordingChannel()
        _ = try f.service.run(channel: channel)
        #expect(channel.deliveries.isEmpty)
        #expect(try f.rows().map(\.status) == [.cancelled])
    }

    /// The 1-day step goes out at 10:00 on the day before the last valid day in the holder's own
    /// zone, and says "tomorrow" there: for a holder in Auckland (UTC+13) it is still the evening
    /// two days before in Stockholm, but "in 2 days, Thursday 2 April" on Wednesday 1 April is wrong.
    @Test func theDaysLeft_areCountedInTheRecipientsZone_likeTheStep() throws {
        let f = try ReminderFixture()
        try f.issue(holderZone: "Pacific/Auckland")  // last valid day 2026-04-02, Stockholm
        let channel = RecordingChannel()
        try runHourly(f, from: "2026-03-31T12:00:00Z", to: "2026-04-01T12:00:00Z", channel: channel)
        let m = try #require(channel.deliveries.first?.message)
        #expect(m.daysBefore == 1)
        #expect(RFC3339.format(channel.deliveries[0].at) == "2026-03-31T21:00:00Z")  // 10:00 on 1 April in Auckland
        #expect(m.body.contains("i morgon, torsdag 2 april 2026"))
    }
}
