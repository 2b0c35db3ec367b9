import Foundation
import GoodwillCore
@testable import Reminders
import Testing

/// Key rotation as Standard Webhooks describes it: the sender signs with the new secret and the old
/// ones at once, space-separated in one `webhook-signature`, so a receiver holding any one verifies.
@Suite(.serialized) struct WebhookKeyRotationTests {
    static func secret(_ seed: UInt8) -> String {
        "whsec_" + Data((0..<32).map { UInt8($0) &* 7 &+ seed }).base64EncodedString()
    }
    let old = secret(3)
    let new = secret(11)

    /// The channel as `reminders run` and `serve` build it from --webhook-secret / GOODWILL_WEBHOOK_SECRET.
    func channel(_ url: URL, secrets: String) throws(ReminderError) -> any DeliveryChannel {
        try ChannelConfiguration(channel: "webhook", webhookURL: url.absoluteString, webhookSecret: secrets, webhookTimeout: 5)
            .makeChannel(databasePath: "/unused/goodwill.db")
    }

    func refusal(_ secrets: String) -> String? {
        do throws(ReminderError) { _ = try channel(URL(string: "https://example.com/hooks")!, secrets: secrets); return nil } catch {
            guard case .invalidChannel(let why) = error else { return "\(error)" }
            return why
        }
    }

    @Test func twoSecrets_signEachMessageWithBoth_soAReceiverHoldingEitherOneVerifies() throws {
        let receiver = try TestWebhookReceiver()
        defer { receiver.stop() }
        let now = Date(timeIntervalSince1970: 1_772_528_400)
        let outcome = try channel(receiver.url, secrets: "\(new) \(old)").deliver(sampleMessage(), now: now)
        #expect(outcome == .delivered)
        let request = try #require(receiver.requests.first)
        #expect(receiver.requests.count == 1)
        // One id and one timestamp for the attempt, two signatures over them.
        #expect(request.headers["webhook-id"] == sampleMessage().messageID)
        #expect(request.headers["webhook-timestamp"] == "1772528400")
        let signatures = try #require(request.headers["webhook-signature"]).split(separator: " ")
        #expect(signatures.count == 2)
        #expect(signatures.allSatisfy { $0.hasPrefix("v1,") })

        #expect(standardWebhooksVerify(headers: request.headers, body: request.body, secret: old, now: now))
        #expect(standardWebhooksVerify(headers: request.headers, body: request.body, secret: new, now: now))
        #expect(!standardWebhooksVerify(headers: request.headers, body: request.body, secret: Self.secret(19), now: now))
        // In the order given: the first signature alone is what the new secret by itself gives.
        let first = try #require(signatures.first)
        var onlyNew = request.headers
        onlyNew["webhook-signature"] = String(first)
        #expect(standardWebhooksVerify(headers: onlyNew, body: request.body, secret: new, now: now))
        #expect(!standardWebhooksVerify(headers: onlyNew, body: request.body, secret: old, now: now))
    }

    @Test func oneSecret_stillGivesOneSignature_byteForByteAsBefore() throws {
        let receiver = try TestWebhookReceiver()
        defer { receiver.stop() }
        let now = Date(timeIntervalSince1970: 1_772_528_400)
        #expect(try channel(receiver.url, secrets: old).deliver(sampleMessage(), now: now) == .delivered)
        let request = try #require(receiver.requests.first)
        let header = try #require(request.headers["webhook-signature"])
        #expect(header.split(separator: " ").count == 1)
        #expect(standardWebhooksVerify(headers: request.headers, body: request.body, secret: old, now: now))

        // Pinned from an HMAC computed outside Swift (Python's hmac) for this id, timestamp and body.
        let headers = StandardWebhooks.headers(id: "msg_0123456789abcdef0123456789abcdef", timestamp: 1_772_528_400,
                                               body: Array(#"{"type":"test"}"#.utf8), secrets: try WebhookSecrets(parsing: old))
        #expect(headers == ["webhook-id": "msg_0123456789abcdef0123456789abcdef", "webhook-timestamp": "1772528400",
                            "webhook-signature": "v1,QEYYR3zXPl6As6RtrrVYWQe6fbX5gPvGwz/QLFCcHro="])
    }

    @Test func aBadSecondSecret_isRefusedByPosition_withoutShowingAnySecret() throws {
        let bad = "whsec_" + Data(count: 8).base64EncodedString()
        let why = try #require(refusal("\(new) \(bad)"))
        #expect(why.contains("Webhook secret 2 of 2"), "\(why)")
        #expect(why.contains("8 bytes"), "\(why)")
        #expect(!why.contains(bad) && !why.contains(new) && !why.contains(String(new.dropFirst(6))), "\(why)")

        #expect(refusal("\(new) notasecret")?.contains("Webhook secret 2 of 2") == true)
        #expect(refusal("\(new) whsec_%%%")?.contains("Webhook secret 2 of 2") == true)
        // One secret alone keeps today's message.
        #expect(refusal(bad) == WebhookSecretError.tooShort(8).description)
    }

    @Test func duplicates_commas_tooMany_andNothing_areRefused() throws {
        #expect(refusal("\(new) \(old) \(new)") == WebhookSecretsError.duplicate(1, 3).description)
        #expect(refusal("\(new),\(old)") == WebhookSecretsError.comma(position: 1).description)
        #expect(refusal("\(new), \(old)") == WebhookSecretsError.comma(position: 1).description)
        let five = (0..<5).map { Self.secret(UInt8(30 + $0)) }.joined(separator: " ")
        #expect(refusal(five) == WebhookSecretsError.tooMany(5).description)
        #expect(refusal("  ") == WebhookSecretsError.empty.description)
        // Any run of spaces (or tabs, or a newline from a file) separates; four is allowed.
        let four = (0..<4).map { Self.secret(UInt8(30 + $0)) }.joined(separator: " \t\n ")
        #expect(refusal(four) == nil)
        #expect(try WebhookSecrets(parsing: four).all.count == 4)
    }
}
