import Foundation
import GoodwillCore
import Testing
@testable import GoodwillAPI
@testable import Ledger

/// A person's locale and email (holder and purchaser of POST /v1/vouchers): the document's patterns
/// take what the server takes and refuse what it refuses, through the route for the edges and
/// straight against the server's checks for many more.
extension OpenAPIRulesTests {
    /// Issues a voucher whose holder is `person`; returns the answer and whether the ledger changed.
    func issue(_ h: APIHarness, holder person: [String: String]) async throws -> (answer: Answer, changed: Bool) {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: person), as: UTF8.self)
        let before = await h.stored()
        let answer = await h.post("/v1/vouchers", #"{"value": {"amount": 100, "currency": "SEK"}, "holder": \#(json)}"#)
        return (answer, await h.stored() != before)
    }

    /// `matches`, with the pattern read once for many texts.
    func matcher(_ pattern: String) throws -> (String) -> Bool {
        let regex = try NSRegularExpression(pattern: pattern)
        return { text in
            let whole = NSRange(text.startIndex..., in: text)
            return regex.firstMatch(in: text, range: whole).map { $0.range.location == 0 && $0.range.length == whole.length } ?? false
        }
    }

    static let locales = [
        // Taken: a 2–3 letter language and up to two subtags of 2–8 letters or digits.
        "en", "sv", "nb", "fin", "EN", "sv-SE", "en-us", "es-419", "de-1996", "zh-Hant", "zh-Hant-TW", "sr-Latn-RS",
        "ab-12345678", "abc-12345678-Ab",
        // Refused.
        "", "e", "engl", "e1", "12", "-", "en-", "-en", "en--US", "en-U", "en-123456789", "en_US", "en US", " en", "en ",
        "en\n", "\nen", "zh-Hant-TW-x1", "en-US-x", "é", "ÉN", "e\u{301}n", "en\u{301}", "ｅｎ", "en-ÜS", "en-\u{0663}\u{0663}",
        "en\u{200B}", "en-US\u{0000}",
    ]

    /// Languages, subtags and text that is neither, joined by hyphens: every shape the rule has an
    /// edge in (lengths 1, 2, 3, 8 and 9; letters, digits and what only looks like one).
    static var generatedLocales: [String] {
        let pieces = ["", "a", "en", "eng", "engl", "e1", "12", "SE", "Latn", "12345678", "abcdefghi", "é", "e\u{301}", "٣٣",
                      "ｅｎ", "e_n", "e n", "\n"]
        var texts = pieces
        for a in pieces { for b in pieces { texts.append(a + "-" + b); for c in pieces { texts.append(a + "-" + b + "-" + c) } } }
        return texts + ["en-US-DE-FI", "en-12-34-56", "ab-cd-ef-gh"]
    }

    @Test func theLocalePattern_isTheServersRule() async throws {
        let h = try APIHarness()
        let pattern = try #require(try property(try await document(h), "PersonInput", "locale")["pattern"] as? String)
        for locale in Self.locales {
            let taken = try matches(pattern, locale)
            #expect(taken == Ledger.isPlausible(locale: locale), "\(locale.debugDescription)")
            let (answer, changed) = try await issue(h, holder: ["email": "anna@example.com", "locale": locale])
            if taken {
                #expect(answer.status == 201, "\(locale.debugDescription): \(answer.text)")
            } else {
                #expect(answer.status == 422 && answer.code == "invalid-request" && !changed, "\(locale.debugDescription): \(answer.text)")
            }
        }
        let match = try matcher(pattern)
        for locale in Self.generatedLocales {
            #expect(match(locale) == Ledger.isPlausible(locale: locale), "\(locale.debugDescription)")
        }
    }

    static let emails = [
        // Taken: one @, something before it, a dot inside the domain, no white space but around it.
        "anna@example.com", "a@b.c", " anna@example.com ", "\tanna@example.com\t", "\u{3000}a@b.c\u{00A0}", "a.b@c.d", ".a@b.c",
        "a.@b.c", "a@b..c", "a@b.c-", "a@-.c", "ä@ö.se", "😀@b.c", "a@b.😀", String(repeating: "a", count: 250) + "@b.c",
        String(repeating: "é", count: 250) + "@b.c",
        // Code points, not characters as a person sees them: an accent after an @ or a dot leaves it an @ or a dot.
        "e\u{301}@b.c", "a@b.c\u{301}", "\u{301}@b.c", "a@b.c.\u{301}", "a@b.\u{301}c", "a@b\u{0D4E}.c",
        " \u{301}@b.c",
        // Refused.
        "", " ", "\t", "a", "a@", "@", "@b.c", " @b.c", "a@b", "a@bc", "a@.b", "a@.b.c", "a@b.", "a@b.c.", "a@b.c. ", "a@@b.c",
        "a@b@c.d", "a@b.c@", "a b@c.d", "a@b .c", "a@b.c d", "a\u{00A0}b@c.d", "a\u{3000}@b.c", "a\n@b.c", "a@b.c\n", "\na@b.c",
        "a@b.c\r\n", "a\t@b.c", "a@b.c\u{0007}", "a@b\u{0085}.c", "a\u{200B}@b.c", "\u{FEFF}a@b.c", "a@b.c\u{202E}", "a@b.c\u{2028}",
        "a@.\u{301}b.c", "a@b.c@\u{301}", "@\u{301}a@b.c", "a@@\u{301}b.c", "a@b.@\u{301}c", "a@b.c \u{301}",
        "a\u{0D4E} b@c.d", "a\u{0D4E}@@b.c",
    ]

    /// What the pattern takes and the server refuses, as the field's description says: more than
    /// 254 code points, and a format character beyond the Basic Multilingual Plane.
    static let emailsOnlyTheServerRefuses = [
        String(repeating: "a", count: 251) + "@b.c", String(repeating: "e\u{301}", count: 126) + "@b.c",
        "a@b.c\u{E0001}", "a\u{1D173}@b.c",
    ]

    /// The server's check as `Ledger.findOrCreate` makes it: trimmed of white space, something, plausible.
    static func serverTakes(email: String) -> Bool {
        let trimmed = email.trimmingCharacters(in: .whitespaces)
        return !trimmed.isEmpty && Holder.isPlausible(email: trimmed)
    }

    /// Every way of putting up to two characters from the edges of the rule (an @, a dot, white
    /// space, a control or format character, a combining mark, one beyond ASCII or the Basic
    /// Multilingual Plane) anywhere into an address or an almost-address.
    static var generatedEmails: [String] {
        let bases = ["a@b.c", "ab@cd.ef", "a@bc", "@b.c", "a@.c", "a@b.", "a.b@c"]
        let inserts = ["@", ".", " ", "\t", "\u{00A0}", "\n", "\u{0007}", "\u{200B}", "\u{301}", "\u{FF9E}", "é", "😀",
                       "\u{0D4E}", "\u{1D165}"]
        var texts = Set(bases)
        for base in bases {
            let scalars = Array(base.unicodeScalars)
            for i in 0...scalars.count {
                for x in inserts {
                    var one = scalars; one.insert(contentsOf: x.unicodeScalars, at: i)
                    texts.insert(String(String.UnicodeScalarView(one)))
                    for j in i...one.count {
                        for y in inserts {
                            var two = one; two.insert(contentsOf: y.unicodeScalars, at: j)
                            texts.insert(String(String.UnicodeScalarView(two)))
                        }
                    }
                }
            }
        }
        return texts.sorted()
    }

    @Test func theEmailPattern_refusesNothingTheServerTakes_andWhatItRefusesAsFarAsAPatternCanSay() async throws {
        let h = try APIHarness()
        let email = try property(try await document(h), "PersonInput", "email")
        let pattern = try #require(email["pattern"] as? String)
        for address in Self.emails {
            let taken = try matches(pattern, address)
            #expect(taken == Self.serverTakes(email: address), "\(address.debugDescription)")
            let (answer, changed) = try await issue(h, holder: ["email": address])
            if taken {
                #expect(answer.status == 201, "\(address.debugDescription): \(answer.text)")
            } else {
                #expect(answer.status == 422 && answer.code == "invalid-request" && !changed, "\(address.debugDescription): \(answer.text)")
            }
        }
        for address in Self.emailsOnlyTheServerRefuses {
            #expect(try matches(pattern, address), "\(address.debugDescription)")
            let (answer, changed) = try await issue(h, holder: ["email": address])
            #expect(answer.status == 422 && answer.code == "invalid-request" && !changed, "\(address.debugDescription): \(answer.text)")
        }
        let description = try #require(email["description"] as? String)
        #expect(description.contains("254 code points") && description.contains("U+E0001"), "\(description)")
        // Many more, straight against the check: the pattern takes exactly what the server takes.
        let match = try matcher(pattern)
        let generated = Self.generatedEmails
        for address in generated {
            let taken = Self.serverTakes(email: address)
            #expect(match(address) == taken, "\(address.debugDescription): the server \(taken ? "takes" : "refuses") it")
        }
        #expect(generated.count > 10_000, "\(generated.count)")
    }
}
