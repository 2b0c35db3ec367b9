import Foundation
import GoodwillCore
import Ledger
import PolicyEngine
import Testing
@testable import Support

@Suite struct HolderViewTests {
    /// Margareta Holm has bought and held vouchers since 2016: one call shows all of it, newest first.
    @Test func aLongStandingHolder_seesHerWholeHistoryInOneTimeline() throws {
        let f = try SupportFixture(book: true)
        let view = try f.support.holderView("Margareta.Holm@example.se")
        #expect(view.profile.name == "Margareta Holm")
        #expect(view.profile.firstSeen.hasPrefix("2016-12-10"))
        #expect(view.profile.tenure == "9 years, 11 months")
        #expect(view.vouchers.count == 10)
        // Every ledger entry of every voucher she holds is in the timeline, once.
        var expected = 0
        for v in view.vouchers where v.role != "purchaser" { expected += try f.ledger.entries(of: VoucherReference(v.voucher.id)).count }
        #expect(view.timeline.filter { $0.kind == "entry" }.count == expected)
        #expect(view.timeline.contains { $0.kind == "decision" && $0.decision?.daysGranted ?? 0 > 0 })
        // Newest first, and the first thing that happened (she became a customer) is last.
        let times = view.timeline.map { instant($0.at) }
        #expect(times == times.sorted(by: >))
        #expect(view.timeline.last?.kind == "joined")
        // Same holder by ID.
        #expect(try f.support.holderView(view.profile.id).timeline.count == view.timeline.count)
    }

    @Test func notesAndCases_joinTheTimeline_andAnOpenCaseIsAPolicyFact() throws {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        let v = try f.issue(500, holder: "anna@example.com")
        let voucher = try f.ledger.resolve(VoucherReference(v.id))
        #expect(try f.ledger.goodwillFacts(for: voucher, requester: .holder, now: f.clock.now()).hasOpenSupportCase == false)
        f.clock.advance(seconds: 60)
        try f.support.addNote(holder: "anna@example.com", text: "Called about the spa day.", author: "support:maria")
        f.clock.advance(seconds: 60)
        let k = try f.support.openCase(holder: "anna@example.com", subject: "Spa day was cancelled", actor: "support:maria")
        #expect(try f.ledger.goodwillFacts(for: voucher, requester: .holder, now: f.clock.now()).hasOpenSupportCase == true)
        var view = try f.support.holderView("anna@example.com")
        #expect(view.openCases.map(\.id) == [k.id])
        #expect(view.timeline.map(\.kind).prefix(3) == ["case_opened", "note", "entry"])
        f.clock.advance(seconds: 60)
        try f.support.closeCase(k.id, resolution: "Rebooked for May.", actor: "support:maria")
        #expect(try f.ledger.goodwillFacts(for: voucher, requester: .holder, now: f.clock.now()).hasOpenSupportCase == false)
        view = try f.support.holderView("anna@example.com")
        #expect(view.openCases.isEmpty)
        #expect(view.timeline.first?.kind == "case_closed")
        #expect(throws: SupportError.caseAlreadyClosed(k.id)) { try f.support.closeCase(k.id, resolution: "again", actor: "x") }
        #expect(throws: SupportError.self) { try f.support.addNote(holder: "anna@example.com", text: "  ", author: "x") }
        #expect(throws: SupportError.holderNotFound("nobody@example.com")) { try f.support.holderView("nobody@example.com") }
    }

    /// A case opened and closed within one millisecond (a fixed clock, or a quick agent over the
    /// API): the closing is newer than the opening, and the closing of the account is newest of all.
    @Test func aCaseOpenedAndClosedInOneMillisecond_showsItsClosingFirst() throws {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        try f.issue(500, holder: "anna@example.com")
        for i in 1...3 {
            let k = try f.support.openCase(holder: "anna@example.com", subject: "Question \(i)", actor: "support:maria")
            try f.support.closeCase(k.id, resolution: "Answered.", actor: "support:maria")
        }
        _ = try f.support.close(CloseRequest(holder: "anna@example.com"), actor: "support:maria")
        let kinds = try f.support.holderView("anna@example.com").timeline.map(\.kind)
        #expect(kinds.first == "closed")
        let cases = kinds.filter { $0.hasPrefix("case_") }
        #expect(cases == Array(repeating: ["case_closed", "case_opened"], count: 3).flatMap { $0 }, "\(kinds)")
    }

    /// The nightly sweep grants goodwill at expiry to two of her vouchers in the same millisecond:
    /// each decision sits just before the extension it granted, not both decisions below both
    /// extensions (a decision's tiebreak was 0, whatever entry it led to).
    @Test func decisionsOfOneMillisecond_eachSitJustBeforeTheEntryTheyLedTo() throws {
        let f = try SupportFixture(book: false, now: "2022-03-01T10:00:00Z")
        try f.ledger.activatePolicy(data: Data("""
            {"id": "at-expiry", "version": 1, "description": "d", "jurisdiction": "any",
             "limits": {"max_extensions_per_voucher": 1, "max_total_extension_days": 60,
                        "monthly_goodwill_budget": {"SEK": 1000000}, "when_exceeded": "refer"},
             "rules": [{"name": "unused at expiry", "conditions": [{"fact": "requester", "equals": "system"}],
                        "outcome": {"kind": "grant", "days": 30, "message": "grant.proactive"}}]}
            """.utf8), fileName: "at-expiry.json", actor: "admin")
        let a = try f.issue(500, holder: "anna@example.com")
        let b = try f.issue(300, holder: "anna@example.com")
        f.clock.set(instant("2023-03-03T06:00:00Z"))
        #expect(try f.ledger.sweepExpired().extended.count == 2)
        let timeline = try f.support.holderView("anna@example.com").timeline
        let top = timeline.prefix(4).map { "\($0.kind) \($0.voucherCode == a.code ? "a" : $0.voucherCode == b.code ? "b" : "?")" }
        #expect(top == ["entry b", "decision b", "entry a", "decision a"], "\(timeline.map(\.summary))")
    }

    @Test func search_findsByEmailNameOrVoucherCode() throws {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        let v = try f.issue(500, holder: "anna.berg@example.com", name: "Anna Berg", purchaser: "erik@example.com")
        _ = try f.issue(300, holder: "bo@example.com", name: "Bo Ek")
        #expect(try f.support.searchHolders("ANNA.B").map(\.email) == ["anna.berg@example.com"])
        #expect(try f.support.searchHolders("ek").map(\.name).contains("Bo Ek"))
        let byCode = try f.support.searchHolders(v.code.lowercased())
        #expect(Set(byCode.map(\.email)) == ["anna.berg@example.com", "erik@example.com"])
        #expect(byCode.allSatisfy { $0.matched == "voucher_code" })
        // LIKE wildcards are text, not patterns.
        #expect(try f.support.searchHolders("%%").isEmpty)
    }

    /// Names here are Nordic: an agent types what they hear, in whatever case, often without the
    /// marks. SQLite's lower() and LIKE fold ASCII only, so "åsa" did not find "Åsa".
    @Test func search_foldsCaseAndAccents_inNamesBeyondASCII() throws {
        let f = try SupportFixture(book: false, now: "2025-04-02T10:00:00Z")
        _ = try f.issue(500, holder: "ao1@example.se", name: "Åsa Öberg")
        _ = try f.issue(300, holder: "sh2@example.dk", name: "Søren Ærø")
        _ = try f.issue(300, holder: "bo@example.se", name: "Bo Ek")
        for text in ["åsa", "ÅSA", "asa", "oberg", "ÖBERG", "Åsa Ö"] {
            #expect(try f.support.searchHolders(text).map(\.name) == ["Åsa Öberg"], "\(text)")
        }
        #expect(try f.support.searchHolders("søren").map(\.name) == ["Søren Ærø"])
        #expect(try f.support.searchHolders("SØREN").map(\.name) == ["Søren Ærø"])
        #expect(try f.support.searchHolders("soren").map(\.matched).contains("name"))
        #expect(try f.support.searchHolders("zz").isEmpty)
    }
}
